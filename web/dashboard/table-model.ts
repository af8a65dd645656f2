import type { SessionState, SessionStatus } from '../../shared/session.js';
import { agentTypesOf, countByState, NO_FILTER, sessionPredicate } from './filter.js';
import type { SessionFilter } from './filter.js';
import type { SessionRows } from './session-rows.js';
import { sortSessions } from './sort.js';
import type { SortOrder } from './sort.js';

/** What the table shows, derived from the rows, the filter and the sort order. */
export interface TableModel {
  /** The filtered, sorted rows: the virtual table renders a window of these. */
  readonly rows: readonly SessionStatus[];
  /** Counts over every row, not only the filtered ones. */
  readonly counts: Readonly<Record<SessionState, number>>;
  readonly total: number;
  readonly agentTypes: readonly string[];
}

/**
 * Recomputes the table model only when the rows, the filter or the order changed since
 * the last call: the frame loop may ask every frame at no cost.
 */
export class TableModelCache {
  #filter: SessionFilter = NO_FILTER;
  #order: SortOrder = { column: 'session', descending: false };
  #seenVersion = -1;
  #dirty = true;
  #model: TableModel = {
    rows: [],
    counts: countByState([]),
    total: 0,
    agentTypes: [],
  };

  constructor(private readonly source: SessionRows) {}

  get filter(): SessionFilter {
    return this.#filter;
  }

  get order(): SortOrder {
    return this.#order;
  }

  setFilter(filter: SessionFilter): void {
    this.#filter = filter;
    this.#dirty = true;
  }

  setOrder(order: SortOrder): void {
    this.#order = order;
    this.#dirty = true;
  }

  /** True when `current()` would recompute. */
  get stale(): boolean {
    return this.#dirty || this.#seenVersion !== this.source.version;
  }

  current(): TableModel {
    if (!this.stale) return this.#model;
    const all = [...this.source.values()];
    const keep = sessionPredicate(this.#filter);
    this.#model = {
      rows: sortSessions(all.filter(keep), this.#order),
      counts: countByState(all),
      total: all.length,
      agentTypes: agentTypesOf(all),
    };
    this.#seenVersion = this.source.version;
    this.#dirty = false;
    return this.#model;
  }
}
