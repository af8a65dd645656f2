/**
 * Baseline: a bare `ws` server on `/v1/agent` that accepts every upgrade and parses
 * each message with JSON.parse, nothing more. Pings are answered by `ws` itself.
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { installProbe } from './probe-server.js';

let messages = 0;
let pings = 0;
let connections = 0;
let parsed = 0;

const server = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });

server.on('upgrade', (req, socket, head) => {
  if (!req.url?.startsWith('/v1/agent')) {
    socket.destroy();
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    connections++;
    ws.on('message', (data, isBinary) => {
      messages++;
      if (!isBinary) {
        const value: unknown = JSON.parse(String(data));
        if (typeof value === 'object' && value !== null) parsed++;
      }
    });
    ws.on('ping', () => pings++);
    ws.on('close', () => connections--);
    ws.on('error', () => {});
  });
});

installProbe(() => ({ message: messages, ping: pings, parsed, connections }));
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.send?.({ event: 'ready', data: { port } });
});
process.on('SIGTERM', () => process.exit(0));
