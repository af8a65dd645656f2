import type { DashboardSource } from './source.js';
import type { ActionState, RowAction } from './table-view.js';

/** Row errors remembered at once; the oldest is forgotten first. */
const MAX_ERRORS = 100;

/**
 * Runs pause, resume and unregister for the table's buttons: a session's buttons are
 * disabled while its command is in flight, and a refusal is shown inline, on the row and
 * in the alert line above the table, with the contract's error code.
 */
export class SessionActions implements ActionState {
  readonly #pending = new Set<string>();
  readonly #errors = new Map<string, string>();

  constructor(
    private readonly source: DashboardSource,
    private readonly pauseReason: () => string,
    private readonly changed: () => void,
    private readonly alert: HTMLElement,
  ) {}

  pending(session: string): boolean {
    return this.#pending.has(session);
  }

  error(session: string): string | undefined {
    return this.#errors.get(session);
  }

  async run(action: RowAction, session: string): Promise<void> {
    if (this.#pending.has(session)) return;
    this.#pending.add(session);
    this.#errors.delete(session);
    this.alert.textContent = '';
    this.changed();
    try {
      if (action === 'pause') {
        const reason = this.pauseReason().trim();
        await this.source.pause(session, reason === '' ? undefined : reason);
      } else if (action === 'resume') {
        await this.source.resume(session);
      } else {
        await this.source.unregister(session);
      }
    } catch (error) {
      const text = describeError(error);
      this.#remember(session, text);
      this.alert.textContent = `Could not ${action} ${session}: ${text}`;
    } finally {
      this.#pending.delete(session);
      this.changed();
    }
  }

  #remember(session: string, text: string): void {
    if (this.#errors.size >= MAX_ERRORS) {
      const oldest = this.#errors.keys().next().value;
      if (oldest !== undefined) this.#errors.delete(oldest);
    }
    this.#errors.set(session, text);
  }
}

/** `forbidden: ...` from an SDK error carrying the contract's `code`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code: unknown = Reflect.get(error, 'code');
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
