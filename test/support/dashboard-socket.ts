/** A real `socket.io-client` dashboard for tests: events are queued per name and awaited. */
import { io, type Socket } from 'socket.io-client';

export type Payload = Record<string, unknown>;

export class TestDashboard {
  private readonly queues = new Map<string, Payload[]>();
  private readonly waiters = new Map<string, ((p: Payload) => void)[]>();
  /** Every `transition` received, in order. */
  readonly transitions: Payload[] = [];

  constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: Payload) => {
      if (event === 'transition') this.transitions.push(payload);
      const waiting = this.waiters.get(event);
      const waiter = waiting?.shift();
      if (waiter !== undefined) return waiter(payload);
      let queue = this.queues.get(event);
      if (queue === undefined) this.queues.set(event, (queue = []));
      queue.push(payload);
    });
  }

  /** The next event of that name, in order. */
  next(event: 'snapshot' | 'transition'): Promise<Payload> {
    const queued = this.queues.get(event)?.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => {
      let waiting = this.waiters.get(event);
      if (waiting === undefined) this.waiters.set(event, (waiting = []));
      waiting.push(resolve);
    });
  }

  /** Events of that name received and not yet taken. */
  pending(event: string): Payload[] {
    return this.queues.get(event) ?? [];
  }

  /** Sends a command and resolves with its acknowledgement. */
  command(name: string, ...args: unknown[]): Promise<Payload> {
    return this.socket.timeout(5_000).emitWithAck(name, ...args) as Promise<Payload>;
  }

  close(): void {
    this.socket.disconnect();
  }
}

export function openDashboard(baseUrl: string, auth: Payload): TestDashboard {
  return new TestDashboard(
    io(`${baseUrl}/dashboard`, {
      auth,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    }),
  );
}

/** Connects and resolves once the namespace accepted it. */
export async function connectDashboard(baseUrl: string, auth: Payload): Promise<TestDashboard> {
  const dash = openDashboard(baseUrl, auth);
  await new Promise<void>((resolve, reject) => {
    dash.socket.once('connect', () => resolve());
    dash.socket.once('connect_error', reject);
  });
  return dash;
}

/** The `connect_error` message a refused handshake gives. */
export async function refusedDashboard(
  baseUrl: string,
  auth: Payload,
  extraHeaders?: Record<string, string>,
  transport: 'websocket' | 'polling' = 'websocket',
): Promise<string> {
  const socket = io(`${baseUrl}/dashboard`, {
    auth,
    transports: [transport],
    reconnection: false,
    forceNew: true,
    ...(extraHeaders !== undefined ? { extraHeaders } : {}),
  });
  try {
    return await new Promise<string>((resolve, reject) => {
      socket.once('connect', () => reject(new Error('the dashboard was accepted')));
      socket.once('connect_error', (err) => resolve(err.message));
    });
  } finally {
    socket.disconnect();
  }
}

/**
 * A plain `socket.io-client` dashboard with `token`, resolved with its first snapshot (typed
 * by the caller); refused, it is closed and the promise rejects with the connect error.
 */
export function withSnapshot<S = Payload>(
  baseUrl: string,
  token: string,
): Promise<{ socket: Socket; snapshot: S }> {
  return new Promise((resolve, reject) => {
    const socket = io(`${baseUrl}/dashboard`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
    });
    socket.once('snapshot', (snapshot: S) => resolve({ socket, snapshot }));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}
