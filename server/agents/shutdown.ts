import { CloseCode } from '../../shared/close-codes.js';
import type { AgentConnection } from './connection.js';

/** How often a batch of closes is sent during a spread shutdown. */
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
  const ticks = Math.max(1, Math.ceil(spreadMs / TICK_MS));
  const perTick = Math.max(1, Math.ceil(connections.length / ticks));
  for (let i = 0; i < connections.length; i += perTick) {
    if (i > 0) await sleep(TICK_MS);
    for (const connection of connections.slice(i, i + perTick)) {
      connection.close(CloseCode.GoingAway, 'gateway shutting down');
    }
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
