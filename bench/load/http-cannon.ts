/**
 * A load-generator process for the HTTP beat route: autocannon with one token per
 * session and a few sessions per connection, so that no caller exceeds the gateway's
 * per-caller rate limit (50/s) and the figure measures the route, not the limiter.
 */
import autocannon from 'autocannon';
import type { JsonRecord } from '../../shared/record.js';
import { num } from '../lib/fields.js';
import { serveRpc } from '../lib/rpc.js';
import { agentToken } from '../lib/tokens.js';

async function run(args: JsonRecord): Promise<JsonRecord> {
  const port = num(args, 'port');
  const connections = num(args, 'connections');
  const perConnection = num(args, 'sessionsPerConnection');
  const requests: {
    method: string;
    path: string;
    headers: Record<string, string>;
    body: string;
  }[][] = [];
  for (let c = 0; c < connections; c++) {
    const own = [];
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
