import type { SessionState, SessionStatus } from '../../shared/session.js';
import { SESSION_STATES } from '../../shared/session.js';
import { SessionActions } from './actions.js';
import type { CellContext } from './columns.js';
import { FeedView } from './feed-view.js';
import { FrameLoop } from './frame-loop.js';
import { MaxMissedBeats } from './max-missed.js';
import { SessionRows } from './session-rows.js';
import { toggleSort } from './sort.js';
import type { DashboardSource } from './source.js';
import { showConnection, SummaryView } from './summary-view.js';
import type { ConnectionState } from './summary-view.js';
import { TableModelCache } from './table-model.js';
import type { TableModel } from './table-model.js';
import { TableView } from './table-view.js';
import type { TableElements } from './table-view.js';

export interface AppElements extends TableElements {
  readonly connection: HTMLElement;
  readonly connectionText: HTMLElement;
  readonly counts: HTMLUListElement;
  readonly filterAgentType: HTMLSelectElement;
  readonly filterState: HTMLSelectElement;
  readonly filterText: HTMLInputElement;
  readonly pauseReason: HTMLInputElement;
  readonly pauseReasonLabel: HTMLElement;
  readonly actionError: HTMLElement;
  readonly feed: HTMLOListElement;
}

export interface AppOptions {
  /** Show pause, resume and unregister (the token has `sessions:control`). */
  readonly control: boolean;
  /**
   * Reads one session's current status (`GET /v1/sessions/:id`). Used instead of the
   * full list when there are many sessions.
   */
  readonly fetchStatus?: (session: string) => Promise<SessionStatus | undefined>;
}

/**
 * Beats that change nothing emit no transition, so "last beat" and the status text are
 * re-read: the whole list every few seconds while it is small; past `LIST_LIMIT`
 * sessions (a list of 10,000 is ~3 MB to decode in one task) only the rows in view.
 */
const LIST_LIMIT = 1_000;
const REFRESH_MS = 3_000;
/** Least time between two re-sorts caused by data alone (the user's changes are at once). */
const REBUILD_EVERY_MS = 250;

/**
 * The page: wires the dashboard client's events to the rows, the derived table model
 * and the views. Every event only marks what changed; drawing happens once per frame.
 */
export class DashboardApp {
  readonly #rows = new SessionRows();
  readonly #model = new TableModelCache(this.#rows, { rebuildEveryMs: REBUILD_EVERY_MS });
  readonly #maxMissed = new MaxMissedBeats();
  readonly #frame = new FrameLoop(() => this.#render());
  readonly #feed: FeedView;
  readonly #table: TableView;
  readonly #summary: SummaryView;
  readonly #actions: SessionActions;
  #tick: ReturnType<typeof setInterval> | undefined;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #rebuildTimer: ReturnType<typeof setTimeout> | undefined;
  #drawnModel: TableModel | undefined;
  /** Rows version the table was last drawn at, and whether something else needs a redraw. */
  #drawnVersion = -1;
  #redrawTable = true;
  #connected = false;
  #stopped = false;
  #refreshing = false;

  constructor(
    private readonly el: AppElements,
    private readonly source: DashboardSource,
    private readonly options: AppOptions,
  ) {
    this.#feed = new FeedView(el.feed);
    this.#summary = new SummaryView(el.counts, el.filterAgentType);
    this.#actions = new SessionActions(
      source,
      () => el.pauseReason.value,
      () => this.#requestTable(),
      el.actionError,
    );
    this.#table = new TableView(el, options.control, {
      sort: (column) => {
        this.#model.setOrder(toggleSort(this.#model.order, column));
        this.#table.showOrder(this.#model.order);
        this.#requestTable();
      },
      action: (action, session) => void this.#actions.run(action, session),
      scroll: () => this.#requestTable(),
    });
    this.#table.showOrder(this.#model.order);
    el.pauseReasonLabel.hidden = !options.control;
    for (const input of [el.filterAgentType, el.filterState, el.filterText]) {
      input.addEventListener('input', () => this.#readFilter());
    }
  }

  /** Subscribes to the client and starts the clocks; call before `connect()`. */
  start(): void {
    const { source } = this;
    source.on('sync', () => this.#sync());
    source.on('change', (t) => {
      this.#maxMissed.learn(t);
      this.#rows.apply(t, source.sessions.get(t.session), Date.now());
      this.#feed.push(t);
      this.#frame.request();
    });
    source.on('connected', () => {
      this.#connected = true;
      this.setConnection('connected');
    });
    source.on('disconnected', () => {
      this.#connected = false;
      this.setConnection('disconnected');
    });
    // "Last beat ... ago" ticks: one redraw of the visible rows a second.
    this.#tick = setInterval(() => {
      this.#rows.prune(Date.now());
      this.#requestTable();
    }, 1_000);
    this.#scheduleRefresh();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#tick);
    clearTimeout(this.#refreshTimer);
    clearTimeout(this.#rebuildTimer);
  }

  setConnection(state: ConnectionState, detail?: string): void {
    if (state === 'connected') this.#connected = true;
    showConnection(this.el.connection, this.el.connectionText, state, detail);
  }

  #sync(): void {
    this.#connected = true;
    this.setConnection('connected');
    for (const s of this.source.sessions.values()) this.#maxMissed.learn(s);
    this.#rows.replaceAll(this.source.sessions.values(), Date.now());
    this.#frame.request();
  }

  #scheduleRefresh(): void {
    if (this.#stopped) return;
    this.#refreshTimer = setTimeout(() => {
      void this.#refresh().finally(() => this.#scheduleRefresh());
    }, REFRESH_MS);
  }

  async #refresh(): Promise<void> {
    if (!this.#connected || this.#refreshing || document.hidden) return;
    this.#refreshing = true;
    try {
      const { fetchStatus } = this.options;
      if (this.#rows.size <= LIST_LIMIT || fetchStatus === undefined) {
        const sessions = await this.source.list();
        this.#rows.replaceAll(sessions, Date.now());
      } else {
        const visible = [...this.#table.visibleSessions];
        const mark = this.#rows.mark;
        const statuses = await Promise.all(visible.map((id) => fetchStatus(id)));
        for (const status of statuses) {
          if (status !== undefined) this.#rows.refresh(status, Date.now(), mark);
        }
      }
      this.#frame.request();
    } catch {
      // A failed refresh is retried on the next round; the connection indicator tells why.
    } finally {
      this.#refreshing = false;
    }
  }

  #readFilter(): void {
    const state = this.el.filterState.value;
    this.#model.setFilter({
      agentType: this.el.filterAgentType.value,
      state: isState(state) ? state : '',
      text: this.el.filterText.value,
    });
    this.el.scroll.scrollTop = 0;
    this.#requestTable();
  }

  #requestTable(): void {
    this.#redrawTable = true;
    this.#frame.request();
  }

  /**
   * Rebuilds the model (filter, sort and counts over every row: 10-20 ms at 10,000) in a
   * task of its own, then draws it in the next frame: a frame then costs the drawing
   * only, and the style, layout and paint that follow it.
   */
  #scheduleRebuild(): void {
    if (this.#rebuildTimer !== undefined) return;
    this.#rebuildTimer = setTimeout(() => {
      this.#rebuildTimer = undefined;
      const before = this.#model.built;
      if (this.#model.current(performance.now()) !== before) this.#frame.request();
    }, 0);
  }

  #render(): void {
    if (this.#model.stale) this.#scheduleRebuild();
    const model = this.#model.built;
    const now = Date.now();
    const ctx: CellContext = {
      current: (row) => this.#rows.get(row.session) ?? row,
      departed: (session) => this.#rows.departed(session),
      maxMissedBeats: (type) => this.#maxMissed.of(type),
      msSinceBeat: (row) => this.#rows.msSinceBeat(row, now),
    };
    // The table reads the scroll position first: every write comes after it, so a frame
    // costs one layout, not two. Frames that only wait for the feed skip it.
    const version = this.#rows.version;
    if (this.#redrawTable || version !== this.#drawnVersion || model !== this.#drawnModel) {
      this.#table.render(model.rows, ctx, this.#actions);
      this.#redrawTable = false;
      this.#drawnVersion = version;
    }
    if (model !== this.#drawnModel) {
      this.#summary.render(model.counts, model.total, model.agentTypes);
      this.#drawnModel = model;
    }
    this.#feed.render(performance.now());
    // Still waiting: the feed's redraw interval, or a re-sort. Come back next frame.
    if (this.#feed.pending || this.#model.stale) this.#frame.request();
  }
}

function isState(value: string): value is SessionState {
  return (SESSION_STATES as readonly string[]).includes(value);
}
