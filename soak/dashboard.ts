/**
 * One soak dashboard: a real `socket.io-client` that records, per session, every
 * transition kind it receives, checks that `seq` only grows, and, when it is cut off,
 * reconnects with `since` (the contract's recovery), so that what it sees is still the
 * whole stream exactly once.
 */
import { io, type Socket } from 'socket.io-client';

interface TransitionLike {
  readonly seq: number;
  readonly kind: string;
  readonly session: string;
}

export class SoakDashboard {
  readonly kinds = new Map<string, string[]>();
  received = 0;
  lastSeq = 0;
  /** `seq` that did not grow: duplicates or reordering. */
  outOfOrder = 0;
  /** Snapshots with `reset: true` after the first: events were lost to it. */
  resets = 0;
  disconnects = 0;
  private readonly socket: Socket;
  private snapshots = 0;

  constructor(url: string, token: string) {
    this.socket = io(`${url}/dashboard`, {
      auth: (cb) => cb(this.lastSeq > 0 ? { token, since: this.lastSeq } : { token }),
      transports: ['websocket'],
      reconnectionDelay: 200,
      reconnectionDelayMax: 1_000,
    });
    this.socket.on('snapshot', (s: { seq: number; reset: boolean }) => {
      this.snapshots += 1;
      if (this.snapshots > 1 && s.reset) this.resets += 1;
      if (this.snapshots === 1) this.lastSeq = s.seq;
    });
    this.socket.on('transition', (t: TransitionLike) => {
      if (t.seq <= this.lastSeq) this.outOfOrder += 1;
      this.lastSeq = Math.max(this.lastSeq, t.seq);
      this.received += 1;
      let list = this.kinds.get(t.session);
      if (list === undefined) this.kinds.set(t.session, (list = []));
      list.push(t.kind);
    });
    this.socket.on('disconnect', () => (this.disconnects += 1));
  }

  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.snapshots > 0) return resolve();
      this.socket.once('snapshot', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  close(): void {
    this.socket.disconnect();
  }
}
