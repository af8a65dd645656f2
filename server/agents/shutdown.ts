import { CloseCode } from '../../shared/close-codes.js';
import type { AgentConnection } from './connection.js';

/** The shortest pause between two batches of closes. */
const TICK_MS = 20;
/** How long closed sockets get to finish their close handshake before being cut. */
const GRACE_MS = 2_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Closes every connection with 1001, in batches spread evenly over `spreadMs`, so that
 * the agents do not all reconnect to the next node in the same instant. Resolves once
 * `allClosed` does, or after a grace period in which stragglers are terminated.
 */
export async function closeSpread(
  connections: AgentConnection[],
  spreadMs: number,
  allClosed: Promise<void>,
): Promise<void> {
  const n = connections.length;
  const start = Date.now();
  // Connection i is due at i * spreadMs / n; each tick closes every connection now due.
  const step = n === 0 ? 0 : Math.max(TICK_MS, spreadMs / n);
  let closed = 0;
  while (closed < n) {
    const elapsed = Date.now() - start;
    const due = spreadMs <= 0 ? n : Math.min(n, Math.floor((elapsed * n) / spreadMs) + 1);
    for (; closed < due; closed++) {
      connections[closed]?.close(CloseCode.GoingAway, 'gateway shutting down');
    }
    if (closed < n) await sleep(step);
  }
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'grace'>((resolve) => {
    timer = setTimeout(() => resolve('grace'), GRACE_MS);
  });
  const outcome = await Promise.race([allClosed, grace]);
  clearTimeout(timer);
  if (outcome === 'grace') {
    for (const connection of connections) connection.socket.terminate();
  }
}
