import type { SessionStatus } from '../../shared/session.js';
import { ACTIONS_WIDTH, COLUMNS } from './columns.js';
import type { CellContext } from './columns.js';
import type { SortColumn, SortOrder } from './sort.js';
import { visibleWindow } from './virtual-window.js';

/** Must match `--row-height` in the stylesheet. */
export const ROW_HEIGHT = 32;
/** Rows drawn beyond each edge of the view: each costs layout on every frame. */
const OVERSCAN = 4;

export type RowAction = 'pause' | 'resume' | 'unregister';

/** What the actions column shows for one session. */
export interface ActionState {
  pending(session: string): boolean;
  error(session: string): string | undefined;
}

export interface TableElements {
  readonly scroll: HTMLElement;
  readonly table: HTMLTableElement;
  readonly columns: HTMLTableColElement;
  readonly headerRow: HTMLTableRowElement;
  readonly body: HTMLTableSectionElement;
  readonly empty: HTMLElement;
}

interface PooledRow {
  readonly tr: HTMLTableRowElement;
  readonly cells: HTMLTableCellElement[];
  readonly texts: string[];
  readonly actions: { toggle: HTMLButtonElement; remove: HTMLButtonElement; error: HTMLElement };
}

/**
 * The sessions table, virtualised: only the rows in view (plus a few) are in the DOM,
 * re-used from a pool, and a cell is written only when its text changed.
 */
export class TableView {
  readonly #pool: PooledRow[] = [];
  readonly #topSpacer: HTMLTableRowElement;
  readonly #bottomSpacer: HTMLTableRowElement;
  readonly #sortButtons = new Map<SortColumn, HTMLButtonElement>();
  #visible: string[] = [];

  constructor(
    private readonly el: TableElements,
    private readonly withActions: boolean,
    handlers: {
      sort(column: SortColumn): void;
      action(a: RowAction, session: string): void;
      scroll(): void;
    },
  ) {
    this.#buildHeader(handlers.sort);
    this.#topSpacer = spacer(this.#columnCount);
    this.#bottomSpacer = spacer(this.#columnCount);
    el.body.append(this.#topSpacer, this.#bottomSpacer);
    el.scroll.addEventListener('scroll', () => handlers.scroll(), { passive: true });
    el.body.addEventListener('click', (event) => {
      const target = event.target;
      if (!(target instanceof HTMLButtonElement)) return;
      const action = target.dataset['action'];
      const session = target.dataset['session'];
      if (session && (action === 'pause' || action === 'resume' || action === 'unregister')) {
        handlers.action(action, session);
      }
    });
  }

  get #columnCount(): number {
    return COLUMNS.length + (this.withActions ? 1 : 0);
  }

  showOrder(order: SortOrder): void {
    for (const [column, button] of this.#sortButtons) {
      const th = button.parentElement;
      const active = column === order.column;
      th?.setAttribute(
        'aria-sort',
        active ? (order.descending ? 'descending' : 'ascending') : 'none',
      );
      const mark = button.querySelector('.sort-mark');
      if (mark) mark.textContent = active ? (order.descending ? '▼' : '▲') : '';
    }
  }

  /** Renders the window of `rows` that is in view. Cheap when nothing moved. */
  render(rows: readonly SessionStatus[], ctx: CellContext, actions: ActionState): void {
    const { scroll, table, empty } = this.el;
    const w = visibleWindow({
      scrollTop: scroll.scrollTop,
      viewportHeight: scroll.clientHeight - ROW_HEIGHT, // the sticky header takes one row
      rowHeight: ROW_HEIGHT,
      rowCount: rows.length,
      overscan: OVERSCAN,
    });
    table.setAttribute('aria-rowcount', String(rows.length + 1));
    empty.hidden = rows.length > 0;
    setHeight(this.#topSpacer, w.padTop);
    setHeight(this.#bottomSpacer, w.padBottom);
    const needed = w.end - w.start;
    this.#visible = [];
    while (this.#pool.length < needed) this.#pool.push(this.#newRow());
    for (let i = 0; i < this.#pool.length; i++) {
      const pooled = this.#pool[i];
      if (!pooled) continue;
      const listed = rows[w.start + i];
      const row = listed === undefined ? undefined : ctx.current(listed);
      if (i >= needed || row === undefined) {
        if (pooled.tr.isConnected) pooled.tr.remove();
        continue;
      }
      if (!pooled.tr.isConnected || pooled.tr.nextSibling !== this.#nextOf(i, needed)) {
        this.el.body.insertBefore(pooled.tr, this.#nextOf(i, needed));
      }
      this.#fill(pooled, row, w.start + i, ctx, actions);
      this.#visible.push(row.session);
    }
  }

  /** The sessions of the rows drawn last. */
  get visibleSessions(): readonly string[] {
    return this.#visible;
  }

  #nextOf(i: number, needed: number): HTMLTableRowElement {
    const next = i + 1 < needed ? this.#pool[i + 1] : undefined;
    return next?.tr.isConnected ? next.tr : this.#bottomSpacer;
  }

  #fill(p: PooledRow, row: SessionStatus, index: number, ctx: CellContext, a: ActionState): void {
    p.tr.setAttribute('aria-rowindex', String(index + 2));
    p.tr.dataset['session'] = row.session;
    COLUMNS.forEach((column, c) => {
      const content = column.cell(row, ctx);
      const cell = p.cells[c];
      if (!cell || p.texts[c] === content.text + '\u0000' + content.className) return;
      p.texts[c] = content.text + '\u0000' + content.className;
      cell.textContent = content.text;
      cell.className = content.className;
      if (content.title !== undefined) cell.title = content.title;
    });
    if (!this.withActions) return;
    const { toggle, remove, error } = p.actions;
    // A session that timed out or left is gone from the gateway: nothing to act on.
    const gone = ctx.departed(row.session);
    toggle.hidden = gone;
    remove.hidden = gone;
    const pending = a.pending(row.session);
    const verb = row.paused ? 'resume' : 'pause';
    setIfChanged(
      toggle,
      verb === 'pause' ? 'Pause' : 'Resume',
      `${verb === 'pause' ? 'Pause' : 'Resume'} session ${row.session}`,
    );
    toggle.dataset['action'] = verb;
    toggle.dataset['session'] = row.session;
    remove.dataset['session'] = row.session;
    setIfChanged(remove, 'Unregister', `Unregister session ${row.session}`);
    toggle.disabled = pending;
    remove.disabled = pending;
    // The row shows the code; the full message is in its title and in the alert line.
    const message = a.error(row.session) ?? '';
    const short = message === '' ? '' : `⚠ ${message.split(':')[0] ?? ''}`;
    if (error.textContent !== short) {
      error.textContent = short;
      error.title = message;
    }
  }

  #newRow(): PooledRow {
    const tr = document.createElement('tr');
    const cells = COLUMNS.map(() => tr.appendChild(document.createElement('td')));
    const toggle = document.createElement('button');
    const remove = document.createElement('button');
    const error = document.createElement('span');
    toggle.type = 'button';
    remove.type = 'button';
    remove.dataset['action'] = 'unregister';
    error.className = 'row-error';
    if (this.withActions) {
      const td = tr.appendChild(document.createElement('td'));
      td.className = 'actions';
      td.append(toggle, remove, error);
    }
    return { tr, cells, texts: [], actions: { toggle, remove, error } };
  }

  #buildHeader(sort: (column: SortColumn) => void): void {
    const { columns, headerRow } = this.el;
    for (const column of COLUMNS) {
      const col = columns.appendChild(document.createElement('col'));
      col.style.width = `${column.width}%`;
      const th = headerRow.appendChild(document.createElement('th'));
      th.scope = 'col';
      const button = th.appendChild(document.createElement('button'));
      button.type = 'button';
      button.textContent = column.header;
      button.setAttribute('aria-label', `Sort by ${column.header.toLowerCase()}`);
      const mark = button.appendChild(document.createElement('span'));
      mark.className = 'sort-mark';
      mark.setAttribute('aria-hidden', 'true');
      button.addEventListener('click', () => sort(column.sort));
      this.#sortButtons.set(column.sort, button);
    }
    if (this.withActions) {
      columns.appendChild(document.createElement('col')).style.width = `${ACTIONS_WIDTH}%`;
      const th = headerRow.appendChild(document.createElement('th'));
      th.scope = 'col';
      th.textContent = 'Actions';
      th.style.paddingLeft = '8px';
    }
  }
}

function spacer(columns: number): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.className = 'spacer';
  tr.setAttribute('aria-hidden', 'true');
  const td = tr.appendChild(document.createElement('td'));
  td.colSpan = columns;
  return tr;
}

function setHeight(tr: HTMLTableRowElement, px: number): void {
  const value = `${px}px`;
  if (tr.style.height !== value) tr.style.height = value;
  tr.hidden = px === 0;
}

function setIfChanged(button: HTMLButtonElement, text: string, label: string): void {
  if (button.textContent !== text) button.textContent = text;
  if (button.getAttribute('aria-label') !== label) button.setAttribute('aria-label', label);
}
