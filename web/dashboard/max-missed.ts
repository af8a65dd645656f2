import type { SessionStatus, Transition } from '../../shared/session.js';

/**
 * What the page knows of M (maxMissedBeats) per agent type, for rows whose status does not
 * carry its own M (a Pulsegate gateway sends it on every status; a status that the client
 * built from a `registered` transition alone, or one from another gateway, has none). A
 * field `maxMissedBeats` on a status or transition wins; otherwise a `timeout` shows M
 * exactly (its `missedBeats` is M), and `missed` k shows M > k. Policies are per agent
 * type, so one status or timeout teaches the type.
 */
export class MaxMissedBeats {
  readonly #exact = new Map<string, number>();
  readonly #atLeast = new Map<string, number>();
  readonly #limit: number;

  /** `limit` bounds the number of agent types remembered. */
  constructor(limit = 1000) {
    this.#limit = limit;
  }

  /** Learns from a status or transition; returns true when what is known changed. */
  learn(item: Transition | SessionStatus): boolean {
    const explicit = readExplicit(item);
    if (explicit !== undefined) return this.#setExact(item.agentType, explicit);
    if (!('kind' in item)) return false;
    if (item.kind === 'timeout') return this.#setExact(item.agentType, item.missedBeats);
    if (item.kind === 'missed') return this.#raise(item.agentType, item.missedBeats + 1);
    if (item.kind === 'warning') return this.#raise(item.agentType, item.missedBeats);
    return false;
  }

  /** M for the agent type when known exactly. */
  of(agentType: string): number | undefined {
    return this.#exact.get(agentType);
  }

  /** The smallest M consistent with what was seen (1 when nothing was). */
  lowerBound(agentType: string): number {
    return this.#exact.get(agentType) ?? this.#atLeast.get(agentType) ?? 1;
  }

  #setExact(agentType: string, m: number): boolean {
    if (this.#exact.get(agentType) === m) return false;
    if (!this.#exact.has(agentType) && this.#exact.size >= this.#limit) return false;
    this.#exact.set(agentType, m);
    return true;
  }

  #raise(agentType: string, m: number): boolean {
    if (this.#exact.has(agentType)) return false;
    const known = this.#atLeast.get(agentType) ?? 0;
    if (m <= known) return false;
    if (!this.#atLeast.has(agentType) && this.#atLeast.size >= this.#limit) return false;
    this.#atLeast.set(agentType, m);
    return true;
  }
}

function readExplicit(item: object): number | undefined {
  const m: unknown = Reflect.get(item, 'maxMissedBeats');
  return typeof m === 'number' && Number.isInteger(m) && m > 0 ? m : undefined;
}
