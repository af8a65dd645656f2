/* global process, console */
import { DashboardClient } from 'pulsegate/client';

// The gateway and a dashboard token (scope `sessions:read`, plus `sessions:control` to act).
const url = process.env.PULSEGATE_URL ?? 'http://127.0.0.1:7070';
const token = process.env.PULSEGATE_TOKEN ?? '';

const dash = new DashboardClient({ url, token });
dash.on('change', (t) => console.log(`${t.session}: ${t.kind} -> ${t.state}`));
await dash.connect(); // resolves once the first snapshot is in `dash.sessions`

for (const s of dash.sessions.values()) {
  console.log(`${s.session} (${s.agentType}) ${s.state}, last beat ${s.lastBeat}`);
}

const session = process.argv[2];
if (session !== undefined) {
  try {
    await dash.pause(session, 'maintenance');
    console.log(`paused ${session}: ${dash.sessions.get(session)?.state}`);
    await dash.resume(session);
  } catch (error) {
    console.error(`refused: ${error.code}`); // forbidden, not_found, invalid or timeout
  }
}
dash.close();
