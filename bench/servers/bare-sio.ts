/**
 * Baseline: a bare Socket.IO server that broadcasts, to every client of `/dashboard`,
 * a transition-shaped payload for each `pause`/`resume` an agent sends on a bare `ws`
 * `/v1/agent` endpoint. No auth, no state machine, no filters: the floor for fan-out.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { WebSocketServer } from 'ws';
import { installProbe } from './probe-server.js';

let seq = 0;
let broadcasts = 0;
let dashboards = 0;

const server = createServer();
const io = new Server(server, {
  transports: ['websocket'],
  serveClient: false,
  // Leave upgrades that are not Socket.IO's to the agent endpoint below.
  destroyUpgrade: false,
});
const nsp = io.of('/dashboard');
nsp.on('connection', (socket) => {
  dashboards++;
  socket.on('disconnect', () => dashboards--);
});

const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
server.on('upgrade', (req, socket, head) => {
  if (!req.url?.startsWith('/v1/agent')) return;
  wss.handleUpgrade(req, socket, head, (ws) => {
    const session = `agent-${wss.clients.size}`;
    ws.on('message', (data) => {
      const frame: unknown = JSON.parse(String(data));
      if (typeof frame !== 'object' || frame === null || !('type' in frame)) return;
      const paused = frame.type === 'pause';
      const reason = 'reason' in frame && typeof frame.reason === 'string' ? frame.reason : '';
      broadcasts++;
      nsp.emit('transition', {
        seq: ++seq,
        at: new Date().toISOString(),
        kind: paused ? 'paused' : 'resumed',
        session,
        agentType: 'bench',
        tenant: 'default',
        state: paused ? 'paused' : 'healthy',
        missedBeats: 0,
        by: 'agent',
        ...(paused ? { reason } : {}),
      });
    });
    ws.on('error', () => {});
  });
});

installProbe(() => ({ broadcast: broadcasts, dashboards }));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.send?.({ event: 'ready', data: { port } });
});
process.on('SIGTERM', () => process.exit(0));
