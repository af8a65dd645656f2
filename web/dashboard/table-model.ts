import type { SessionState, SessionStatus } from '../../shared/session.js';
import { countByState, NO_FILTER, sessionPredicate } from './filter.js';
import type { SessionFilter } from './filter.js';
import type { SessionRows } from './session-rows.js';
import { sortSessions } from './sort.js';
import type { SortOrder } from './sort.js';

/** What the table shows, derived from the rows, the filter and the sort order. */
export interface TableModel {
  /**
   * The filtered, sorted rows as of the last rebuild: the virtual table renders a window
   * of these, each drawn with its current status (`SessionRows.get`).
   */
  readonly rows: readonly SessionStatus[];
  /** Counts over every row, not only the filtered ones. */
  readonly counts: Readonly<Record<SessionState, number>>;
  readonly total: number;
  readonly agentTypes: readonly string[];
}

export interface TableModelOptions {
  /**
   * Least time between two rebuilds caused by data alone. Sorting and filtering 10,000
   * rows costs tens of ms; doing it on every frame of a burst of transitions would keep
   * the page busy. Row contents stay live: only the order and the counts wait.
   */
  readonly rebuildEveryMs?: number;
}

/**
 * Recomputes the table model when the filter or the order changed (at once), or when
 * the rows changed (at most every `rebuildEveryMs`).
 */
export class TableModelCache {
  #filter: SessionFilter = NO_FILTER;
  #order: SortOrder = { column: 'session', descending: false };
  #seenVersion = -1;
  #userChange = true;
  #builtAt = Number.NEGATIVE_INFINITY;
  readonly #rebuildEveryMs: number;
  #model: TableModel = {
    rows: [],
    counts: countByState([]),
    total: 0,
    agentTypes: [],
  };

  constructor(
    private readonly source: SessionRows,
    options: TableModelOptions = {},
  ) {
    this.#rebuildEveryMs = options.rebuildEveryMs ?? 0;
  }

  get filter(): SessionFilter {
    return this.#filter;
  }

  get order(): SortOrder {
    return this.#order;
  }

  setFilter(filter: SessionFilter): void {
    this.#filter = filter;
    this.#userChange = true;
  }

  setOrder(order: SortOrder): void {
    this.#order = order;
    this.#userChange = true;
  }

  /** True when the model lags the rows or the user's choices. */
  get stale(): boolean {
    return this.#userChange || this.#seenVersion !== this.source.version;
  }

  /** The model as last built, stale or not. */
  get built(): TableModel {
    return this.#model;
  }

  /** The model, rebuilt first when it is stale and due. `now` in ms, any monotonic clock. */
  current(now = 0): TableModel {
    if (!this.stale) return this.#model;
    if (!this.#userChange && now - this.#builtAt < this.#rebuildEveryMs) return this.#model;
    // One pass over the rows for the filter, the counts and the agent types.
    const keep = sessionPredicate(this.#filter);
    const kept: SessionStatus[] = [];
    const counts = countByState([]);
    const types = new Set<string>();
    let total = 0;
    for (const s of this.source.values()) {
      total += 1;
      counts[s.state] += 1;
      types.add(s.agentType);
      if (keep(s)) kept.push(s);
    }
    this.#model = {
      rows: sortSessions(kept, this.#order),
      counts,
      total,
      agentTypes: [...types].sort(),
    };
    this.#seenVersion = this.source.version;
    this.#userChange = false;
    this.#builtAt = now;
    return this.#model;
  }
}
