export { createAgentEndpoint } from './endpoint.js';
