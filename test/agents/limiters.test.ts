import { describe, expect, it } from 'vitest';
import { RefusalWindow } from '../../server/agents/refusal-window.js';
import { TokenBucket } from '../../server/agents/token-bucket.js';

describe('TokenBucket', () => {
  it('allows the burst at once, then the rate', () => {
    const bucket = new TokenBucket(50, 100, 0);
    for (let i = 0; i < 100; i++) expect(bucket.take(0)).toBe(true);
    expect(bucket.take(0)).toBe(false);
    expect(bucket.take(19)).toBe(false); // 0.95 token
    expect(bucket.take(20)).toBe(true); // 1 token after 20 ms at 50/s
    expect(bucket.take(20)).toBe(false);
  });

  it('refills up to the burst only', () => {
    const bucket = new TokenBucket(50, 100, 0);
    expect(bucket.take(3_600_000)).toBe(true);
    for (let i = 0; i < 99; i++) expect(bucket.take(3_600_000)).toBe(true);
    expect(bucket.take(3_600_000)).toBe(false);
  });

  it('sustains exactly the rate', () => {
    const bucket = new TokenBucket(50, 1, 0);
    let taken = 0;
    for (let t = 0; t <= 10_000; t++) if (bucket.take(t)) taken++;
    expect(taken).toBe(501); // one at start, then 50 per second for 10 s
  });
});

describe('RefusalWindow', () => {
  it('trips on the 11th refusal within the window, not the 10th', () => {
    const window = new RefusalWindow(10, 60_000);
    for (let i = 0; i < 10; i++) expect(window.record(i * 1000)).toBe(false);
    expect(window.record(59_999)).toBe(true);
  });

  it('forgets refusals older than the window', () => {
    const window = new RefusalWindow(10, 60_000);
    for (let i = 0; i < 10; i++) expect(window.record(i)).toBe(false);
    expect(window.record(60_000)).toBe(false); // t = 0 is out: 10 within the last 60 s
    expect(window.record(60_001)).toBe(false); // t = 1 is out: still 10
    expect(window.record(60_001)).toBe(true); // 2..9, 60_000 and two at 60_001: 11
  });
});
