export { runDemo, type Demo, type DemoOptions } from './run-demo.js';
export { DEMO_POLICY, DEMO_AGENT_TYPES, type Role } from './script.js';
