import { DEFAULT_TENANT } from '../../shared/limits.js';
import { DeadlineHeap, type HeapNode } from './deadline-heap.js';
import type { SessionRecord } from './record.js';
import type { Millis } from './types.js';

/**
 * Where the monitor keeps its sessions and their next deadlines. The rules never see it;
 * the monitor reads a record, applies `step`, and writes back the result here. The cluster
 * store (Redis) implements the same boundary.
 */
export interface SessionStore {
  readonly size: number;
  get(tenant: string, id: string): SessionRecord | undefined;
  /** Stores `record` under its tenant and id, due at `deadline` (`undefined`: never). */
  set(record: SessionRecord, deadline: Millis | undefined): void;
  delete(tenant: string, id: string): boolean;
  /** The earliest deadline of all sessions, or `undefined` when none is due ever. */
  earliestDeadline(): Millis | undefined;
  /** The record whose deadline is `earliestDeadline()`. */
  earliest(): SessionRecord | undefined;
  /** The sessions of one tenant, or of all tenants, in registration order. */
  records(tenant?: string): IterableIterator<SessionRecord>;
}

class Entry implements HeapNode {
  heapIndex = -1;
  constructor(public record: SessionRecord) {}
}

/**
 * The in-memory store: one Map per tenant, and every deadline in an indexed min-heap whose
 * node is the map's entry, so replacing a record and moving its deadline allocate nothing.
 */
export class MemoryStore implements SessionStore {
  // The default tenant's map is held directly: most deployments have only that one.
  private readonly defaultTenant = new Map<string, Entry>();
  private readonly tenants = new Map<string, Map<string, Entry>>([
    [DEFAULT_TENANT, this.defaultTenant],
  ]);
  private readonly heap = new DeadlineHeap<Entry>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  private tenantMap(tenant: string): Map<string, Entry> | undefined {
    return tenant === DEFAULT_TENANT ? this.defaultTenant : this.tenants.get(tenant);
  }

  get(tenant: string, id: string): SessionRecord | undefined {
    return this.tenantMap(tenant)?.get(id)?.record;
  }

  set(record: SessionRecord, deadline: Millis | undefined): void {
    let map = this.tenantMap(record.tenant);
    if (map === undefined) {
      map = new Map();
      this.tenants.set(record.tenant, map);
    }
    let entry = map.get(record.id);
    if (entry === undefined) {
      entry = new Entry(record);
      map.set(record.id, entry);
      this.count++;
    } else {
      entry.record = record;
    }
    if (deadline === undefined) this.heap.delete(entry);
    else this.heap.set(entry, deadline);
  }

  delete(tenant: string, id: string): boolean {
    const map = this.tenantMap(tenant);
    const entry = map?.get(id);
    if (map === undefined || entry === undefined) return false;
    map.delete(id);
    this.count--;
    this.heap.delete(entry);
    // An empty tenant's map goes too, so tenants that come and go leave nothing behind.
    if (map.size === 0 && tenant !== DEFAULT_TENANT) this.tenants.delete(tenant);
    return true;
  }

  earliestDeadline(): Millis | undefined {
    return this.heap.peekKey();
  }

  earliest(): SessionRecord | undefined {
    return this.heap.peek()?.record;
  }

  *records(tenant?: string): IterableIterator<SessionRecord> {
    if (tenant !== undefined) {
      const map = this.tenantMap(tenant);
      if (map !== undefined) for (const entry of map.values()) yield entry.record;
      return;
    }
    for (const map of this.tenants.values()) for (const entry of map.values()) yield entry.record;
  }
}
