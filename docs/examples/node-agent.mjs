/* global process, console */
import { AgentClient } from 'pulsegate/client';

// The gateway and an agent token (`pulsegate token --scope agent --sub S --agent-type T`).
const url = process.env.PULSEGATE_URL ?? 'ws://127.0.0.1:7070';
const token = process.env.PULSEGATE_TOKEN ?? '';

const agent = new AgentClient({ url, token });
agent.on('warning', ({ missedBeats }) => console.warn(`late: ${missedBeats} missed beat(s)`));
agent.on('paused', ({ by, reason }) => console.log(`paused by ${by}: ${reason ?? ''}`));
agent.on('reconnected', ({ resumed }) => console.log(`reconnected (session kept: ${resumed})`));

const welcome = await agent.connect(); // beats start here, at the advised period
console.log(`connected as ${welcome.session}, beating every ${welcome.policy.beatIntervalMs} ms`);

agent.status('planning step 1'); // a beat with text for the dashboards
agent.pause('awaiting user input'); // no timeouts while the user thinks
agent.resume();
agent.status('step 2');

await agent.close(); // says bye: the session is unregistered
console.log('closed');
