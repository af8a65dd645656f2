import { PerformanceObserver } from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetrics, type PrometheusMetrics } from '../../server/metrics.js';

const made: PrometheusMetrics[] = [];
afterEach(() => {
  for (const metrics of made.splice(0)) metrics.close();
  vi.restoreAllMocks();
});

function metrics(counts: Parameters<typeof createMetrics>[0] = () => ({})): PrometheusMetrics {
  const m = createMetrics(counts);
  made.push(m);
  return m;
}

describe('metrics', () => {
  it("start Node's default collectors once per process, not once per gateway", async () => {
    metrics();
    // Observers the default collectors start from here on: none, however many gateways.
    const observe = vi.spyOn(PerformanceObserver.prototype, 'observe');
    for (let i = 0; i < 5; i += 1) metrics();
    expect(observe).not.toHaveBeenCalled();
    expect(await metrics().scrape()).toContain('process_cpu_user_seconds_total');
  });

  it('keep each gateway its own counters and session gauge', async () => {
    const a = metrics(() => ({ healthy: 2, warning: 1 }));
    const b = metrics(() => ({ paused: 4 }));
    a.transition('timeout');
    a.beat('http');
    const textA = await a.scrape();
    const textB = await b.scrape();
    expect(textA).toContain('pulsegate_sessions{state="healthy"} 2');
    expect(textA).toContain('pulsegate_sessions{state="warning"} 1');
    expect(textA).toContain('pulsegate_transitions_total{kind="timeout"} 1');
    expect(textA).toContain('pulsegate_beats_total{via="http"} 1');
    expect(textB).toContain('pulsegate_sessions{state="paused"} 4');
    expect(textB).toContain('pulsegate_transitions_total{kind="timeout"} 0');
    expect(textB).toContain('pulsegate_beats_total{via="http"} 0');
  });
});
