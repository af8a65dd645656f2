/**
 * A load-generator process for the HTTP beat route: autocannon with one token per
 * session and a few sessions per connection, so that no caller exceeds the gateway's
 * per-caller rate limit (`httpRatePerSecond`) and the figure measures the route, not the
 * limiter.
 */
import autocannon from 'autocannon';
import type { JsonRecord } from '../../shared/record.js';
import { num } from '../lib/fields.js';
import { serveRpc } from '../lib/rpc.js';
import { agentToken } from '../lib/tokens.js';

interface BeatRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * Requests by layout, minted once: the rounds of a suite then send the same tokens, so a
 * gateway verifies each token once (in the warm-up) and the rounds measure the route.
 */
const minted = new Map<string, BeatRequest[][]>();

async function requestsFor(connections: number, perConnection: number): Promise<BeatRequest[][]> {
  const key = `${connections}x${perConnection}`;
  const known = minted.get(key);
  if (known !== undefined) return known;
  const requests: BeatRequest[][] = [];
  for (let c = 0; c < connections; c++) {
    const own: BeatRequest[] = [];
    for (let s = 0; s < perConnection; s++) {
      const session = `h-${c}-${s}`;
      const token = await agentToken(session);
      own.push({
        method: 'POST',
        path: `/v1/sessions/${session}/beat`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
    }
    requests.push(own);
  }
  minted.set(key, requests);
  return requests;
}

async function run(args: JsonRecord): Promise<JsonRecord> {
  const port = num(args, 'port');
  const connections = num(args, 'connections');
  const requests = await requestsFor(connections, num(args, 'sessionsPerConnection'));
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration: num(args, 'seconds'),
    setupClient: (client) => client.setRequests(requests[next++ % requests.length] ?? []),
  });
  return {
    perSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

serveRpc({ run });
process.send?.({ event: 'ready', data: {} });
