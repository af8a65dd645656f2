import type { SubscribeFilter } from '../../shared/dashboard.js';

/** A subscribe filter as sets: a missing list means "all", both lists must match. */
export interface CompiledFilter {
  readonly agentTypes: ReadonlySet<string> | undefined;
  readonly sessions: ReadonlySet<string> | undefined;
}

/** `undefined` when the filter narrows nothing (no list given): the dashboard sees all. */
export function compileFilter(filter: SubscribeFilter): CompiledFilter | undefined {
  if (filter.agentTypes === undefined && filter.sessions === undefined) return undefined;
  return {
    agentTypes: filter.agentTypes === undefined ? undefined : new Set(filter.agentTypes),
    sessions: filter.sessions === undefined ? undefined : new Set(filter.sessions),
  };
}

/** Whether a session (of a transition or a status) passes the filter. */
export function matches(
  filter: CompiledFilter | undefined,
  item: { readonly agentType: string; readonly session: string },
): boolean {
  if (filter === undefined) return true;
  if (filter.agentTypes !== undefined && !filter.agentTypes.has(item.agentType)) return false;
  return filter.sessions === undefined || filter.sessions.has(item.session);
}
