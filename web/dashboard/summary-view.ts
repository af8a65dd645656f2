import type { SessionState } from '../../shared/session.js';
import { SESSION_STATES } from '../../shared/session.js';
import { stateLook } from './format.js';

/**
 * The counts by state above the table, and the agent-type options of the filter (kept
 * in step with the types present, without losing the current choice).
 */
export class SummaryView {
  readonly #countCells = new Map<SessionState, HTMLElement>();
  #total: HTMLElement;
  #typesKey = '';

  constructor(
    list: HTMLUListElement,
    private readonly agentTypeSelect: HTMLSelectElement,
  ) {
    const total = list.appendChild(document.createElement('li'));
    total.append('total ');
    this.#total = total.appendChild(document.createElement('strong'));
    for (const state of SESSION_STATES) {
      const look = stateLook(state);
      const li = list.appendChild(document.createElement('li'));
      li.dataset['state'] = state;
      const label = li.appendChild(document.createElement('span'));
      label.className = look.className;
      label.textContent = `${look.glyph} ${look.label} `;
      this.#countCells.set(state, li.appendChild(document.createElement('strong')));
    }
  }

  render(
    counts: Readonly<Record<SessionState, number>>,
    total: number,
    agentTypes: readonly string[],
  ): void {
    setText(this.#total, String(total));
    for (const [state, cell] of this.#countCells) setText(cell, String(counts[state]));
    const key = agentTypes.join('\n');
    if (key === this.#typesKey) return;
    this.#typesKey = key;
    const chosen = this.agentTypeSelect.value;
    const options = [''].concat(agentTypes);
    if (chosen !== '' && !agentTypes.includes(chosen)) options.push(chosen);
    this.agentTypeSelect.replaceChildren(
      ...options.map((type) => {
        const option = document.createElement('option');
        option.value = type;
        option.textContent = type === '' ? 'any' : type;
        return option;
      }),
    );
    this.agentTypeSelect.value = chosen;
  }
}

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'unauthorized';

const CONNECTION_TEXT: Readonly<Record<ConnectionState, string>> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'Disconnected: reconnecting…',
  unauthorized: 'Not authorised',
};

/** The connection indicator: a coloured dot and, always, its text. */
export function showConnection(
  el: HTMLElement,
  text: HTMLElement,
  state: ConnectionState,
  detail?: string,
): void {
  el.dataset['state'] = state;
  text.textContent = detail ? `${CONNECTION_TEXT[state]} (${detail})` : CONNECTION_TEXT[state];
}

function setText(el: HTMLElement, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}
