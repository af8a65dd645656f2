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

function compareKeys(a: Key, b: Key): number {
  // Code-unit order, not localeCompare: it is ~50x faster, and 10,000 rows are sorted
  // within one animation frame.
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sorts rows in place by one column, ties broken by tenant and session id so that the
 * order is total and rows do not jump between frames. Keys are computed once per row.
 */
export function sortSessions<T extends SessionStatus>(rows: T[], order: SortOrder): T[] {
  const keyed = rows.map((row) => ({ row, key: keyOf(row, order.column) }));
  const sign = order.descending ? -1 : 1;
  keyed.sort(
    (a, b) =>
      sign * compareKeys(a.key, b.key) ||
      compareKeys(a.row.session, b.row.session) ||
      compareKeys(a.row.tenant, b.row.tenant),
  );
  for (let i = 0; i < keyed.length; i++) {
    const item = keyed[i];
    if (item) rows[i] = item.row;
  }
  return rows;
}
