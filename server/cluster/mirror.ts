import type { SessionRecord } from '../monitor/record.js';
import { withStatus, type Held } from './stored.js';
import type { SharedSession } from './store.js';

interface Entry {
  record: SessionRecord;
  lastBeat: number;
  /** The `seq` of the session's latest transition this replica applied. */
  version: number;
}

/**
 * This node's read replica of every session in the deployment, so that `list`,
 * `snapshot` and `getStatus` stay synchronous and local (and keep answering while Redis
 * is away). It starts from the store's sessions and follows the event stream (each
 * commit's last event carries the record afterwards) and the flushed beats. Versions make
 * it order-insensitive: an update older than what the replica has is ignored.
 */
export class SessionMirror {
  private readonly tenants = new Map<string, Map<string, Entry>>();

  get(tenant: string, id: string): Readonly<Entry> | undefined {
    return this.tenants.get(tenant)?.get(id);
  }

  *sessions(tenant?: string): IterableIterator<Readonly<Entry>> {
    if (tenant !== undefined) {
      const map = this.tenants.get(tenant);
      if (map !== undefined) yield* map.values();
      return;
    }
    for (const map of this.tenants.values()) yield* map.values();
  }

  get size(): number {
    let n = 0;
    for (const map of this.tenants.values()) n += map.size;
    return n;
  }

  /** A session as stored or streamed at `version`. */
  put(session: SharedSession): void {
    const { record, lastBeat, version } = session;
    let map = this.tenants.get(record.tenant);
    const cur = map?.get(record.id);
    if (cur !== undefined && cur.version > version) return;
    if (map === undefined) {
      map = new Map();
      this.tenants.set(record.tenant, map);
    }
    map.set(record.id, { record, lastBeat, version });
  }

  /** The session ended at `version` (timeout or unregistered). */
  remove(tenant: string, id: string, version: number): void {
    const map = this.tenants.get(tenant);
    const cur = map?.get(id);
    if (map === undefined || cur === undefined || cur.version > version) return;
    map.delete(id);
    if (map.size === 0) this.tenants.delete(tenant);
  }

  /**
   * A prediction of a command forwarded to the owner: shown at once, replaced by the
   * owner's commit (a higher version) when it arrives.
   */
  predict(held: Held | undefined, tenant: string, id: string): void {
    const cur = this.tenants.get(tenant)?.get(id);
    if (cur === undefined) return;
    if (held === undefined) this.remove(tenant, id, cur.version);
    else {
      cur.record = held.record;
      cur.lastBeat = held.lastBeat;
    }
  }

  /** A flushed beat: a later last beat, and the status text it carried. */
  beat(tenant: string, id: string, lastBeat: number, status: string | undefined): void {
    const cur = this.tenants.get(tenant)?.get(id);
    if (cur === undefined || cur.lastBeat > lastBeat) return;
    cur.lastBeat = lastBeat;
    cur.record = withStatus(cur.record, status);
  }
}
