import { describe, expect, it } from 'vitest';
import { closeDecision } from '../../client/agent/close-policy.js';
import { CloseCode } from '../../shared/close-codes.js';

const reconnects = (code: number, renewableToken: boolean, refusedStatus?: number) =>
  closeDecision({ code, renewableToken, refusedStatus }).reconnect;

describe('closeDecision', () => {
  it('never reconnects after bye, replaced or unregistered', () => {
    for (const code of [CloseCode.Normal, CloseCode.Replaced, CloseCode.Unregistered]) {
      expect(reconnects(code, true)).toBe(false);
      expect(reconnects(code, false)).toBe(false);
    }
  });

  it('reconnects after 4001 or a 401 only with a token function', () => {
    expect(reconnects(CloseCode.TokenExpired, true)).toBe(true);
    expect(reconnects(CloseCode.TokenExpired, false)).toBe(false);
    expect(reconnects(1006, true, 401)).toBe(true);
    expect(reconnects(1006, false, 401)).toBe(false);
  });

  it('never reconnects after a 403', () => {
    expect(reconnects(1006, true, 403)).toBe(false);
  });

  it('reconnects after a shutdown, a drop, a timeout and a rate limit', () => {
    for (const code of [1001, 1006, 1008, 1009, 4008, 4010]) {
      expect(reconnects(code, false)).toBe(true);
    }
  });
});
