import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A plain TCP relay to a gateway on 127.0.0.1:`target`, for the agent SDK's tests: it
 * holds new connections while `holding` (the client's socket stays in its opening
 * handshake), `cut()` drops every live one on both sides with no close frame (a
 * network drop), and while `muted` it swallows what clients send (a black-holed uplink).
 * Nothing in it speaks WebSocket.
 */
export class Relay {
  holding = false;
  muted = false;
  /** TCP connections accepted so far: every connection attempt of the client. */
  accepted = 0;
  readonly #held: Socket[] = [];
  readonly #live = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly target: number,
  ) {
    server.on('connection', (client) => {
      this.accepted += 1;
      this.#live.add(client);
      client.on('close', () => this.#live.delete(client));
      client.on('error', () => undefined);
      if (this.holding) this.#held.push(client);
      else this.#forward(client);
    });
  }

  static async start(target: number): Promise<Relay> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new Relay(server, target);
  }

  get url(): string {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return `ws://127.0.0.1:${address.port}`;
  }

  /** Lets the held connections through (their buffered upgrade requests included). */
  release(): void {
    this.holding = false;
    for (const client of this.#held.splice(0)) this.#forward(client);
  }

  /** Drops every live connection on both sides, with no close frame: a network drop. */
  cut(): void {
    for (const socket of [...this.#live]) socket.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #forward(client: Socket): void {
    const upstream = createConnection(this.target, '127.0.0.1');
    this.#live.add(upstream);
    upstream.on('close', () => {
      this.#live.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => undefined);
    client.on('close', () => upstream.destroy());
    client.on('data', (chunk) => {
      if (!this.muted) upstream.write(chunk);
    });
    upstream.pipe(client);
  }
}
