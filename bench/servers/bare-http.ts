/**
 * Baseline: a bare `node:http` handler for `POST /v1/sessions/:id/beat` that reads the
 * body and answers a status-shaped JSON object. No auth, no monitor.
 */
import { createServer } from 'node:http';
import { installProbe } from './probe-server.js';

const BEAT_PATH = /^\/v1\/sessions\/([A-Za-z0-9._:-]{1,128})\/beat$/;
let beats = 0;

const server = createServer((req, res) => {
  const match = req.method === 'POST' ? BEAT_PATH.exec(req.url ?? '') : null;
  if (match === null) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{}}');
    return;
  }
  req.resume();
  req.on('end', () => {
    beats++;
    const now = new Date().toISOString();
    const body = JSON.stringify({
      session: match[1],
      agentType: 'bench',
      tenant: 'default',
      state: 'healthy',
      connected: false,
      paused: false,
      healthy: true,
      missedBeats: 0,
      lastBeat: now,
      msSinceBeat: 0,
      registeredAt: now,
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
});

installProbe(() => ({ http: beats }));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.send?.({ event: 'ready', data: { port } });
});
process.on('SIGTERM', () => process.exit(0));
