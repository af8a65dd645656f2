import type { SessionStatus } from '../../shared/session.js';
import { STATE_SEVERITY } from './format.js';

/** The sortable columns of the sessions table. */
export type SortColumn =
  | 'session'
  | 'agentType'
  | 'tenant'
  | 'state'
  | 'missedBeats'
  | 'since'
  | 'status'
  | 'connected'
  | 'paused';

export const SORT_COLUMNS: readonly SortColumn[] = [
  'session',
  'agentType',
  'tenant',
  'state',
  'missedBeats',
  'since',
  'status',
  'connected',
  'paused',
];

export interface SortOrder {
  readonly column: SortColumn;
  readonly descending: boolean;
}

export function isSortColumn(value: string): value is SortColumn {
  return (SORT_COLUMNS as readonly string[]).includes(value);
}

/** Clicking a header: the same column flips the direction, another one sorts ascending. */
export function toggleSort(current: SortOrder, column: SortColumn): SortOrder {
  return current.column === column
    ? { column, descending: !current.descending }
    : { column, descending: false };
}

type Key = string | number;

/**
 * The key of one row for one column. `since` sorts by the last beat, oldest first, so
 * that ascending means "longest silent first" is one click away (descending).
 */
function keyOf(s: SessionStatus, column: SortColumn): Key {
  switch (column) {
    case 'session':
      return s.session;
    case 'agentType':
      return s.agentType;
    case 'tenant':
      return s.tenant;
    case 'state':
      return STATE_SEVERITY[s.state];
    case 'missedBeats':
      return s.missedBeats;
    case 'since': {
      // Older beat = longer silence = larger "since": sort by the negated beat time.
      const t = Date.parse(s.lastBeat);
      return Number.isNaN(t) ? 0 : -t;
    }
    case 'status':
      return s.status ?? '';
    case 'connected':
      return s.connected ? 1 : 0;
    case 'paused':
      return s.paused ? `1${s.pausedBy ?? ''}:${s.pauseReason ?? ''}` : '0';
  }
}

// Keys compare in code-unit order, not with localeCompare: it is ~50x faster, and 10,000
// rows are sorted within one animation frame.
/**
 * Sorts rows in place by one column, ties broken by session id and tenant so that the
 * order is total and rows do not jump between rebuilds. Keys are computed once per row,
 * and an index array is sorted, so a sort of 10,000 rows allocates little.
 */
export function sortSessions<T extends SessionStatus>(rows: T[], order: SortOrder): T[] {
  const n = rows.length;
  const keys = new Array<Key>(n);
  const ids = new Array<string>(n);
  const tenants = new Array<string>(n);
  const index = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (row === undefined) continue;
    keys[i] = keyOf(row, order.column);
    ids[i] = row.session;
    tenants[i] = row.tenant;
    index[i] = i;
  }
  const sign = order.descending ? -1 : 1;
  index.sort((a, b) => {
    const ka = keys[a] ?? '';
    const kb = keys[b] ?? '';
    if (ka !== kb) return ka < kb ? -sign : sign;
    const ia = ids[a] ?? '';
    const ib = ids[b] ?? '';
    if (ia !== ib) return ia < ib ? -1 : 1;
    const ta = tenants[a] ?? '';
    const tb = tenants[b] ?? '';
    return ta < tb ? -1 : ta > tb ? 1 : 0;
  });
  const copy = rows.slice();
  for (let i = 0; i < n; i++) {
    const row = copy[index[i] ?? i];
    if (row !== undefined) rows[i] = row;
  }
  return rows;
}
