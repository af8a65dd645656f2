import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy the test controls, standing between the gateways and Redis: `cut()` drops
 * every connection and refuses new ones (Redis "stopped"), `restore()` lets them through.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private blocked = false;
  private readonly server: Server;
  port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = createServer((client) => this.accept(client));
  }

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const address = proxy.server.address();
    if (address === null || typeof address === 'string') throw new Error('no proxy port');
    proxy.port = address.port;
    return proxy;
  }

  private accept(client: Socket): void {
    if (this.blocked) {
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    const pair = [client, upstream];
    for (const s of pair) {
      this.sockets.add(s);
      s.on('error', () => {
        for (const o of pair) o.destroy();
      });
      s.on('close', () => {
        this.sockets.delete(s);
        for (const o of pair) o.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Redis goes away: every connection through the proxy is reset, new ones refused. */
  cut(): void {
    this.blocked = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.blocked = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
