import type { AgentConnection } from './connection.js';

/**
 * The live agent connections, one per (tenant, session): the index that routes a
 * monitor transition to its socket, and the set that shutdown walks.
 */
export class ConnectionRegistry {
  /** The current connection of each session, keyed by `tenant session`. */
  private readonly current = new Map<string, AgentConnection>();
  /** Every open socket, replaced or ending ones included, until it closes. */
  private readonly open = new Set<AgentConnection>();

  /** Session ids and tenants use an alphabet without spaces, so the key is unambiguous. */
  static key(tenant: string, session: string): string {
    return `${tenant} ${session}`;
  }

  get size(): number {
    return this.open.size;
  }

  get(key: string): AgentConnection | undefined {
    return this.current.get(key);
  }

  added(connection: AgentConnection): void {
    this.open.add(connection);
  }

  /** Makes `connection` the session's current one; returns the one it replaces. */
  bind(connection: AgentConnection): AgentConnection | undefined {
    const previous = this.current.get(connection.key);
    this.current.set(connection.key, connection);
    return previous;
  }

  /** Forgets a closed socket; the session's entry goes only if it still points to it. */
  removed(connection: AgentConnection): void {
    this.open.delete(connection);
    if (this.current.get(connection.key) === connection) this.current.delete(connection.key);
  }

  /** A copy, so that closing while iterating is safe. */
  all(): AgentConnection[] {
    return [...this.open];
  }
}
