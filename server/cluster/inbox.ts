import { ACTORS, type Actor } from '../../shared/session.js';
import { isSessionId, isShortText, isTenant } from '../../shared/limits.js';
import { isJsonRecord, parseJson } from '../../shared/record.js';
import type { Forwarded } from './cluster-monitor.js';

/** What arrives in a node's inbox channel. */
export type InboxMessage =
  | { readonly kind: 'lost'; readonly tenant: string; readonly id: string }
  | {
      readonly kind: 'command';
      readonly tenant: string;
      readonly id: string;
      readonly command: Forwarded;
    };

export function encodeCommand(tenant: string, id: string, command: Forwarded): string {
  return JSON.stringify({ ...command, tenant, id });
}

function isActor(v: unknown): v is Actor {
  return typeof v === 'string' && (ACTORS as readonly string[]).includes(v);
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && Number(v) >= 0;
const optionalText = (v: unknown): v is string | undefined => v === undefined || isShortText(v);

/** Decodes an inbox message; `undefined` for anything else. */
export function decodeInbox(text: string): InboxMessage | undefined {
  const v: unknown = parseJson(text)?.value;
  if (!isJsonRecord(v)) return undefined;
  const { lost } = v;
  if (Array.isArray(lost)) {
    const pair: readonly unknown[] = lost;
    const [tenant, id] = pair;
    return isTenant(tenant) && isSessionId(id) ? { kind: 'lost', tenant, id } : undefined;
  }
  const { cmd, tenant, id, by, reason, status } = v;
  if (!isTenant(tenant) || !isSessionId(id)) return undefined;
  let command: Forwarded;
  if (cmd === 'beat' && optionalText(status)) command = { cmd, status };
  else if (cmd === 'pause' && isActor(by) && optionalText(reason)) command = { cmd, by, reason };
  else if (cmd === 'resume' && isActor(by)) command = { cmd, by };
  else if (cmd === 'unregister' && (by === undefined || isActor(by))) command = { cmd, by };
  else return undefined;
  return { kind: 'command', tenant, id, command };
}

/** Decodes a flushed-beats message: `[tenant, id, lastBeat, status|null][]`. */
export function decodeBeats(
  text: string,
): { tenant: string; id: string; lastBeat: number; status: string | undefined }[] {
  const v: unknown = parseJson(text)?.value;
  const out: { tenant: string; id: string; lastBeat: number; status: string | undefined }[] = [];
  if (!Array.isArray(v)) return out;
  const items: readonly unknown[] = v;
  for (const item of items) {
    if (!Array.isArray(item) || item.length !== 4) continue;
    const fields: readonly unknown[] = item;
    const [tenant, id, lastBeat, status] = fields;
    if (!isTenant(tenant) || !isSessionId(id) || !isCount(lastBeat)) continue;
    if (status !== null && !isShortText(status)) continue;
    out.push({ tenant, id, lastBeat, status: status ?? undefined });
  }
  return out;
}
