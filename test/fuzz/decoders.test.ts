/**
 * Fuzzing the total decoders of untrusted input: whatever arrives (arbitrary strings,
 * arbitrary JSON, mutations of good frames), nothing throws, and every refusal is a
 * `PulsegateError` whose code is a contract code (`invalid` for frames and commands,
 * `unauthorized`/`invalid` for a dashboard handshake).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAgentFrame, readAgentFrame } from '../../shared/agent-frames.js';
import { DASHBOARD_COMMANDS, readDashboardCommand } from '../../shared/dashboard.js';
import { isErrorCode, PulsegateError } from '../../shared/errors.js';
import { decodeGatewayFrame } from '../../shared/gateway-frames.js';
import { readDashboardAuth } from '../../server/dashboards/handshake.js';

const RUNS = 2_000;
const FRAME_TYPES = ['beat', 'pause', 'resume', 'refresh', 'bye'];
const FORBIDDEN = ['__proto__', 'constructor', 'prototype'];

/** Objects that look like agent frames: a known or unknown type, plausible and hostile fields. */
const frameLike = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...FRAME_TYPES), fc.string(), fc.jsonValue()),
    status: fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue()),
    reason: fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue()),
    token: fc.oneof(fc.string({ maxLength: 40 }), fc.jsonValue()),
    session: fc.string(),
  },
  { requiredKeys: [] },
);

/** JSON text with a forbidden key spliced in, which `JSON.parse` keeps as an own key. */
const withForbiddenKey = fc
  .tuple(fc.constantFrom(...FRAME_TYPES), fc.constantFrom(...FORBIDDEN), fc.jsonValue())
  .map(([type, key, value]) => `{"type":"${type}","${key}":${JSON.stringify(value) ?? 'null'}}`);

function expectContractRefusalOr(value: unknown, accepted: (v: unknown) => void): void {
  if (value instanceof PulsegateError) {
    expect(isErrorCode(value.code)).toBe(true);
    expect(value.code).toBe('invalid');
    expect(typeof value.message).toBe('string');
  } else accepted(value);
}

function checkAgentFrame(value: unknown): void {
  expectContractRefusalOr(value, (frame) => {
    expect(frame).toBeTypeOf('object');
    const f = frame as { type: string };
    expect(FRAME_TYPES).toContain(f.type);
  });
}

describe('fuzz: agent frame decoder', () => {
  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        checkAgentFrame(decodeAgentFrame(text));
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on arbitrary JSON text', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 6 }), (text) => checkAgentFrame(decodeAgentFrame(text))),
      { numRuns: RUNS },
    );
  });

  it('never throws on frame-like objects, and accepts only well-formed ones', () => {
    fc.assert(
      fc.property(frameLike, (obj) => {
        const out = readAgentFrame(obj);
        checkAgentFrame(out);
        if (!(out instanceof PulsegateError)) {
          // What is accepted round-trips: only known keys, text within the limits.
          const keys = Object.keys(out);
          expect(keys.every((k) => ['type', 'status', 'reason', 'token'].includes(k))).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses __proto__, constructor and prototype keys', () => {
    fc.assert(
      fc.property(withForbiddenKey, (text) => {
        const out = decodeAgentFrame(text);
        expect(out).toBeInstanceOf(PulsegateError);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary values handed to readAgentFrame', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withMap: true, withSet: true }), (v) =>
        checkAgentFrame(readAgentFrame(v)),
      ),
      { numRuns: RUNS },
    );
  });

  it('deep nesting within the frame limit does not throw', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8_000 }), (depth) => {
        checkAgentFrame(
          decodeAgentFrame(`{"type":"beat","status":${'['.repeat(depth)}${']'.repeat(depth)}}`),
        );
      }),
      { numRuns: 50 },
    );
  });
});

describe('fuzz: dashboard command decoders', () => {
  for (const command of DASHBOARD_COMMANDS) {
    it(`${command}: arbitrary values give a typed argument or 'invalid'`, () => {
      fc.assert(
        fc.property(
          fc.oneof(
            fc.anything({ withNullPrototype: true }),
            fc.jsonValue(),
            fc.record(
              {
                session: fc.oneof(fc.string(), fc.jsonValue()),
                reason: fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue()),
                agentTypes: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
                sessions: fc.oneof(fc.array(fc.string()), fc.jsonValue()),
              },
              { requiredKeys: [] },
            ),
          ),
          (value) => {
            const out = readDashboardCommand(command, value);
            expectContractRefusalOr(out, (args) => expect(args).toBeTypeOf('object'));
          },
        ),
        { numRuns: RUNS },
      );
    });
  }
});

describe('fuzz: dashboard handshake auth', () => {
  it('gives {token, since}, since a seq, unusable or absent; or unauthorized', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything({ withNullPrototype: true }),
          fc.record(
            {
              token: fc.oneof(fc.string(), fc.jsonValue()),
              since: fc.oneof(fc.double(), fc.jsonValue()),
            },
            { requiredKeys: [] },
          ),
        ),
        (value) => {
          const out = readDashboardAuth(value);
          if (out instanceof PulsegateError) expect(out.code).toBe('unauthorized');
          else {
            expect(typeof out.token).toBe('string');
            const { since } = out;
            if (typeof since === 'number')
              expect(Number.isSafeInteger(since) && since >= 0).toBe(true);
            else if (since !== undefined) expect(since).toBe('unusable');
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('fuzz: gateway frame decoder (what SDKs read)', () => {
  it('never throws on arbitrary strings or JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 300 }), fc.json({ maxDepth: 5 })), (text) => {
        const out = decodeGatewayFrame(text);
        if (out instanceof PulsegateError) expect(isErrorCode(out.code)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
