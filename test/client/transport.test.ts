import { describe, expect, it } from 'vitest';
import { refusalError } from '../../client/agent/refusal.js';
import { agentEndpointUrl, type Transport } from '../../client/agent/transport.js';

describe('agentEndpointUrl', () => {
  it('appends /v1/agent and turns http(s) into ws(s)', () => {
    expect(agentEndpointUrl('ws://127.0.0.1:7070').toString()).toBe('ws://127.0.0.1:7070/v1/agent');
    expect(agentEndpointUrl('http://h:1/').toString()).toBe('ws://h:1/v1/agent');
    expect(agentEndpointUrl('https://h/base').toString()).toBe('wss://h/base/v1/agent');
    expect(agentEndpointUrl('wss://h/v1/agent').toString()).toBe('wss://h/v1/agent');
  });
});

describe('refusalError', () => {
  const node: Transport = { canPing: true, revealsStatus: true, open: () => undefined as never };
  const browser: Transport = { ...node, canPing: false, revealsStatus: false };

  it('names the contract code of a refused upgrade', () => {
    expect(refusalError(1006, '', 401, node, undefined).code).toBe('unauthorized');
    expect(refusalError(1006, '', 403, node, undefined).code).toBe('forbidden');
    expect(refusalError(1006, '', 503, node, undefined)).toMatchObject({
      code: 'unavailable',
      message: 'the gateway answered HTTP 503',
    });
    expect(refusalError(4001, 'the token has expired', undefined, node, undefined)).toMatchObject({
      code: 'unauthorized',
      message: 'the token has expired',
    });
  });

  it('in a browser, where the status is hidden, names every likely cause', () => {
    const error = refusalError(1006, '', undefined, browser, undefined);
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/401.*403.*could not be reached/);
  });

  it('reports other failures with their close code', () => {
    expect(refusalError(1006, 'no welcome in time', undefined, node, undefined).message).toBe(
      'could not connect: no welcome in time (close code 1006)',
    );
  });
});
