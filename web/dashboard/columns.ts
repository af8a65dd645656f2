import type { SessionStatus } from '../../shared/session.js';
import { formatMissed, formatPause, formatSince, stateLook } from './format.js';
import type { SortColumn } from './sort.js';

/** What a cell needs besides the row: values that are not in a `SessionStatus`. */
export interface CellContext {
  /** The row's status now: the table's order may lag it by a few hundred ms. */
  current(row: SessionStatus): SessionStatus;
  /** True for a session that timed out or left (kept on screen for a while). */
  departed(session: string): boolean;
  /** M of the row's agent type, when known (for rows whose status does not carry it). */
  maxMissedBeats(agentType: string): number | undefined;
  /** Milliseconds since the row's last beat, now. */
  msSinceBeat(row: SessionStatus): number;
}

export interface CellContent {
  readonly text: string;
  readonly className: string;
  /** Full text on hover, for cells that may be cut with an ellipsis. */
  readonly title?: string;
}

/** One data column of the sessions table. */
export interface Column {
  readonly sort: SortColumn;
  readonly header: string;
  /** Column width in % of the table (fixed layout keeps every row the same height). */
  readonly width: number;
  readonly cell: (row: SessionStatus, ctx: CellContext) => CellContent;
}

export const COLUMNS: readonly Column[] = [
  {
    sort: 'session',
    header: 'Session',
    width: 10,
    cell: (r) => ({ text: r.session, className: 'mono', title: r.session }),
  },
  { sort: 'agentType', header: 'Agent type', width: 9, cell: (r) => plain(r.agentType) },
  { sort: 'tenant', header: 'Tenant', width: 7, cell: (r) => plain(r.tenant) },
  {
    sort: 'state',
    header: 'State',
    width: 10,
    cell: (r) => {
      const look = stateLook(r.state);
      return { text: `${look.glyph} ${look.label}`, className: `state ${look.className}` };
    },
  },
  {
    sort: 'missedBeats',
    header: 'Missed',
    width: 6,
    cell: (r, ctx) => {
      const m = r.maxMissedBeats ?? ctx.maxMissedBeats(r.agentType);
      return {
        text: formatMissed(r.missedBeats, m),
        className: 'num',
        title:
          m === undefined
            ? 'missed beats; this gateway does not send the maximum, so it is learned from the first timeout of this agent type'
            : `missed beats: ${r.missedBeats} of ${m}`,
      };
    },
  },
  {
    sort: 'since',
    header: 'Since beat',
    width: 9,
    cell: (r, ctx) => ({ text: formatSince(ctx.msSinceBeat(r)), className: 'num' }),
  },
  {
    sort: 'status',
    header: 'Status',
    width: 12,
    cell: (r) => ({ text: r.status ?? '', className: '', title: r.status ?? '' }),
  },
  {
    sort: 'connected',
    header: 'Connected',
    width: 9,
    cell: (r) => plain(r.connected ? 'yes' : 'no'),
  },
  {
    sort: 'paused',
    header: 'Paused by',
    width: 12,
    cell: (r) => {
      const text = formatPause(r);
      return { text, className: '', title: text };
    },
  },
];

/** Width of the actions column in %, shown only with `sessions:control`. */
export const ACTIONS_WIDTH = 16;

function plain(text: string): CellContent {
  return { text, className: '' };
}
