import type { Transition } from '../../shared/session.js';
import { FeedRing } from './feed-ring.js';
import { formatClock, kindClassName } from './format.js';

/** Transitions kept and shown: the contract asks for at least the latest 200. */
export const FEED_CAPACITY = 250;
/**
 * Least time between two redraws of the feed. In a burst, drawing the newest 250 items
 * on every frame costs more than the rest of the page; five times a second reads live.
 */
export const FEED_REDRAW_MS = 200;

/**
 * The live feed, newest first. Transitions are pushed into a ring as they arrive and
 * drawn once per frame: new items are prepended in one fragment and the oldest dropped,
 * so the list never holds more than `FEED_CAPACITY` items.
 */
export class FeedView {
  readonly #ring = new FeedRing<Transition>(FEED_CAPACITY);
  #drawn = 0;
  #drawnAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly list: HTMLOListElement) {}

  push(transition: Transition): void {
    this.#ring.push(transition);
  }

  get pending(): boolean {
    return this.#ring.pushed !== this.#drawn;
  }

  /** Draws what arrived since the last draw, unless that was under `FEED_REDRAW_MS` ago. */
  render(now: number): void {
    if (!this.pending || now - this.#drawnAt < FEED_REDRAW_MS) return;
    this.#drawnAt = now;
    const fresh = this.#ring.newerThan(this.#drawn);
    this.#drawn = this.#ring.pushed;
    const fragment = document.createDocumentFragment();
    for (const t of fresh) fragment.appendChild(item(t));
    this.list.prepend(fragment);
    while (this.list.childElementCount > FEED_CAPACITY) this.list.lastElementChild?.remove();
  }
}

function item(t: Transition): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset['kind'] = t.kind;
  li.dataset['session'] = t.session;
  const time = li.appendChild(document.createElement('time'));
  time.dateTime = t.at;
  time.textContent = formatClock(t.at);
  const kind = li.appendChild(document.createElement('span'));
  kind.className = `kind ${kindClassName(t.kind)}`;
  kind.textContent = t.kind;
  li.append(`${t.session} (${t.agentType})`);
  const detail = describe(t);
  if (detail !== '') {
    const span = li.appendChild(document.createElement('span'));
    span.className = 'detail';
    span.textContent = detail;
  }
  li.title = `${t.at} #${t.seq} ${t.kind} ${t.session} ${detail}`;
  return li;
}

/** The part of a transition that is not in every line: who, why, how many beats. */
export function describe(t: Transition): string {
  const parts: string[] = [];
  if (t.kind === 'warning' || t.kind === 'missed' || t.kind === 'timeout') {
    parts.push(`missed ${t.missedBeats}`);
  }
  if (t.by !== undefined) parts.push(`by ${t.by}`);
  if (t.reason !== undefined && t.reason !== '') parts.push(`“${t.reason}”`);
  if (t.status !== undefined && t.status !== '' && t.kind !== 'paused') parts.push(t.status);
  return parts.join(' · ');
}
