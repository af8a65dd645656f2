import { connect, type Socket as NetSocket } from 'node:net';
import { WebSocket } from 'ws';

/**
 * A dashboard that stops reading: a raw Engine.IO WebSocket whose TCP socket is paused
 * once the namespace accepted it (its snapshot arrived), so the gateway's writes back up.
 */
export async function stalledDashboard(
  port: number,
  token: string,
): Promise<{ ws: WebSocket; tcp: NetSocket | undefined }> {
  let tcp: NetSocket | undefined;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`, {
    createConnection: () => (tcp = connect({ port, host: '127.0.0.1' })),
  });
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const text = data.toString();
      if (text.startsWith('0')) ws.send(`40/dashboard,${JSON.stringify({ token })}`);
      if (text.startsWith('42/dashboard,["snapshot"')) resolve();
      if (text.startsWith('44/dashboard')) reject(new Error(text));
    });
  });
  tcp?.pause();
  return { ws, tcp };
}
