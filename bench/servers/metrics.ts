/**
 * Reads the gateway's beat and transition counters from `GET /metrics` (Prometheus
 * text), under the same names the bare servers use: `message`, `ping`, `http`,
 * `connect`, and `transitions`.
 */
export async function scrapeCounters(port: number): Promise<Record<string, number>> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  const text = await res.text();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const beat = /^pulsegate_beats_total\{[^}]*via="([a-z]+)"[^}]*\}\s+([0-9.e+]+)/.exec(line);
    if (beat?.[1] !== undefined && beat[2] !== undefined) {
      out[beat[1]] = (out[beat[1]] ?? 0) + Number(beat[2]);
      continue;
    }
    const transition = /^pulsegate_transitions_total\{[^}]*\}\s+([0-9.e+]+)/.exec(line);
    if (transition?.[1] !== undefined) {
      out['transitions'] = (out['transitions'] ?? 0) + Number(transition[1]);
    }
  }
  return out;
}
