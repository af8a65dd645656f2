/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time by function and
 * inclusive time by module (an npm package, a project file, or node's internals).
 *
 * `node dist/bench/profile/top.js PROFILE.cpuprofile [rows]`
 */
import { readFileSync } from 'node:fs';
import { isJsonRecord, type JsonRecord } from '../../shared/record.js';
import { asRecord, num, str } from '../lib/fields.js';

interface ProfileNode {
  readonly id: number;
  readonly fn: string;
  readonly where: string;
  readonly module: string;
  readonly children: readonly number[];
}

/** `node_modules/ws/lib/x.js` -> `ws`; `dist/server/agents/a.js` -> `server/agents/a.js`. */
export function moduleOf(url: string): string {
  if (url === '') return '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg?.[1] !== undefined) return pkg[1];
  const own = /\/dist\/(.+)$/.exec(url);
  if (own?.[1] !== undefined) return own[1];
  if (url.startsWith('node:')) return 'node:internal';
  return url;
}

function readNodes(profile: JsonRecord): Map<number, ProfileNode> {
  const nodes = new Map<number, ProfileNode>();
  const list = profile['nodes'];
  for (const raw of Array.isArray(list) ? (list as unknown[]) : []) {
    const n = asRecord(raw, 'profile node');
    const frame = asRecord(n['callFrame'], 'callFrame');
    const url = str(frame, 'url');
    const children = Array.isArray(n['children'])
      ? (n['children'] as unknown[]).filter((c): c is number => typeof c === 'number')
      : [];
    const fn = str(frame, 'functionName') || '(anonymous)';
    nodes.set(num(n, 'id'), {
      id: num(n, 'id'),
      fn,
      where: `${url.replace(/^.*\/(node_modules|dist)\//, '')}:${num(frame, 'lineNumber') + 1}`,
      module: fn.startsWith('(') && url === '' ? fn : moduleOf(url),
      children,
    });
  }
  return nodes;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly selfByFunction: { name: string; ms: number }[];
  readonly inclusiveByModule: { name: string; ms: number }[];
}

export function summarizeProfile(profile: JsonRecord, rows = 25): ProfileSummary {
  const nodes = readNodes(profile);
  const parent = new Map<number, number>();
  for (const n of nodes.values()) for (const c of n.children) parent.set(c, n.id);
  const samples = Array.isArray(profile['samples']) ? (profile['samples'] as unknown[]) : [];
  const deltas = Array.isArray(profile['timeDeltas']) ? (profile['timeDeltas'] as unknown[]) : [];
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  samples.forEach((id, i) => {
    const dt = deltas[i + 1];
    const us = typeof dt === 'number' ? dt : 0;
    const node = typeof id === 'number' ? nodes.get(id) : undefined;
    if (node === undefined) return;
    total += us;
    const key = `${node.fn} ${node.where}`;
    self.set(key, (self.get(key) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = node.id; at !== undefined; at = parent.get(at)) {
      const m = nodes.get(at)?.module;
      if (m === undefined || seen.has(m) || m === '(root)') continue;
      seen.add(m);
      inclusive.set(m, (inclusive.get(m) ?? 0) + us);
    }
  });
  const top = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, rows)
      .map(([name, us]) => ({ name, ms: us / 1000 }));
  return {
    totalMs: total / 1000,
    selfByFunction: top(self),
    inclusiveByModule: top(inclusive),
  };
}

function print(summary: ProfileSummary): void {
  const pct = (ms: number) => `${((100 * ms) / summary.totalMs).toFixed(1).padStart(5)}%`;
  console.log(`total ${summary.totalMs.toFixed(0)} ms sampled`);
  console.log('\nself time by function');
  for (const r of summary.selfByFunction) console.log(`${pct(r.ms)}  ${r.name}`);
  console.log('\ninclusive time by module');
  for (const r of summary.inclusiveByModule) console.log(`${pct(r.ms)}  ${r.name}`);
}

const [file, rows] = process.argv.slice(2);
if (file !== undefined && import.meta.url.endsWith('/top.js')) {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isJsonRecord(parsed)) throw new Error('not a cpuprofile');
  print(summarizeProfile(parsed, rows === undefined ? 25 : Number(rows)));
}
