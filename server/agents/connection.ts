import type { Logger } from 'pino';
import type { RawData } from 'ws';
import { WebSocket } from 'ws';
import { decodeAgentFrame, type AgentFrame } from '../../shared/agent-frames.js';
import { CloseCode } from '../../shared/close-codes.js';
import { PulsegateError } from '../../shared/errors.js';
import { encodeGatewayFrame, type GatewayFrame } from '../../shared/gateway-frames.js';
import type { GatewayContext } from '../context.js';
import type { MonitorTransition } from '../monitor/types.js';
import { agentIdentity, type AgentIdentity } from '../auth/identity.js';
import { agentReaction } from './reaction.js';
import { RefusalWindow } from './refusal-window.js';
import { ConnectionRegistry } from './registry.js';
import { TokenBucket } from './token-bucket.js';
import { refusalCode, withDeadline } from './upgrade.js';

/** What every connection of one endpoint shares: one object, pointed to by each. */
export interface AgentHub {
  readonly ctx: GatewayContext;
  readonly log: Logger;
  readonly registry: ConnectionRegistry;
  /** Called once a socket has closed (shutdown waits on it). */
  closed(connection: AgentConnection): void;
}

/**
 * - `open`: frames are handled and the session is bound to this socket.
 * - `closing`: we are closing it (rate, refusals, expiry, shutdown): its close still
 *   counts as a disconnect of the session.
 * - `detached`: the session is no longer this socket's (replaced, bye, timed out,
 *   unregistered): its close must not touch the session.
 */
type Phase = 'open' | 'closing' | 'detached';

/** Node timers take at most 2^31-1 ms; a longer expiry is re-armed when this fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Closes that are part of a session's normal life: `bye`, shutdown, a dropped network, a
 * replacement, a timeout, an unregistration (1005/1006: no close frame at all).
 */
const ROUTINE_CLOSE_CODES: ReadonlySet<number> = new Set<number>([
  CloseCode.Normal,
  CloseCode.GoingAway,
  1005,
  1006,
  CloseCode.Replaced,
  CloseCode.TimedOut,
  CloseCode.Unregistered,
]);

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function onExpiryTimer(connection: AgentConnection): void {
  connection.expiryDue();
}

/**
 * One agent connection: its session identity, rate bucket, refusal window and token
 * expiry. It translates frames into monitor calls and transitions into frames; no rule of
 * the monitor lives here.
 */
export class AgentConnection {
  readonly key: string;
  private phase: Phase = 'open';
  private readonly bucket: TokenBucket;
  private readonly refusals: RefusalWindow;
  private expiresAt = 0;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly hub: AgentHub,
    readonly socket: WebSocket,
    readonly identity: AgentIdentity,
  ) {
    const { limits, clock } = hub.ctx;
    this.key = ConnectionRegistry.key(identity.tenant, identity.session);
    this.bucket = new TokenBucket(limits.ratePerSecond, limits.rateBurst, clock.now());
    this.refusals = new RefusalWindow(limits.maxRefusals, limits.refusalWindowMs);
  }

  get isOpen(): boolean {
    return this.phase === 'open';
  }

  /** Sends a frame; an agent that does not read is terminated past the buffer limit. */
  send(frame: GatewayFrame): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(encodeGatewayFrame(frame));
    if (this.socket.bufferedAmount > this.hub.ctx.limits.agentBufferBytes) this.terminate();
  }

  /** An agent that does not read is cut: its buffered frames must not grow memory. */
  private terminate(): void {
    this.hub.log.warn({ ...this.logFields(), reason: 'slow reader' }, 'agent terminated');
    if (this.phase === 'open') this.phase = 'closing';
    this.socket.terminate();
  }

  /** Closes the socket as a disconnect of the session (it keeps running). */
  close(code: number, reason: string): void {
    if (this.phase === 'open') this.phase = 'closing';
    this.socket.close(code, reason);
  }

  /** Closes the socket after the session left it: its close is not a disconnect. */
  detach(code: number, reason: string): void {
    const wasOpen = this.phase !== 'detached';
    this.phase = 'detached';
    if (wasOpen) this.socket.close(code, reason);
  }

  /**
   * Closes the connection with 4001 at `expiresAt`: the identity's, which is the token's
   * `exp` plus the verifier's clock tolerance, the instant the verifier starts refusing it.
   * So a token the upgrade (or a refresh) accepted inside the tolerance keeps a working
   * connection until then, and never a `welcome` followed by an immediate 4001. One
   * unref'd timer per connection, re-armed by a refresh.
   */
  armExpiry(expiresAt: number): void {
    this.expiresAt = expiresAt;
    clearTimeout(this.expiryTimer);
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - this.hub.ctx.clock.now()));
    this.expiryTimer = setTimeout(onExpiryTimer, delay, this);
    this.expiryTimer.unref();
  }

  expiryDue(): void {
    this.expiryTimer = undefined;
    if (this.phase !== 'open') return;
    // Expired from `expiresAt` on, as the verifier judges it; a timer that fired early waits on.
    if (this.hub.ctx.clock.now() < this.expiresAt) return this.armExpiry(this.expiresAt);
    this.hub.log.info(this.logFields(), 'agent token expired');
    this.close(CloseCode.TokenExpired, 'token expired');
  }

  onMessage(data: RawData, isBinary: boolean): void {
    if (this.phase !== 'open') return;
    const now = this.hub.ctx.clock.now();
    if (!this.bucket.take(now)) return this.close(CloseCode.RateLimited, 'rate limited');
    if (isBinary) return this.close(CloseCode.UnsupportedData, 'binary frames are not accepted');
    const frame = decodeAgentFrame(textOf(data));
    if (frame instanceof PulsegateError) return this.refuse(frame, now);
    this.handle(frame);
  }

  /**
   * A WebSocket ping from the agent is a beat. We answer the pong ourselves, after the rate
   * check: ws's automatic pong would cut a ping flood with 1006 (past 60 queued pongs)
   * before the contract's 4008.
   */
  onPing(data: Buffer): void {
    if (this.phase !== 'open') return;
    if (!this.bucket.take(this.hub.ctx.clock.now())) {
      return this.close(CloseCode.RateLimited, 'rate limited');
    }
    this.socket.pong(data);
    if (this.socket.bufferedAmount > this.hub.ctx.limits.agentBufferBytes) return this.terminate();
    const { tenant, session } = this.identity;
    if (this.hub.ctx.monitor.beat(session, { tenant })) this.hub.ctx.metrics.beat('ping');
  }

  /** A pong is no beat, but it is a frame: it counts against the rate. */
  onPong(): void {
    if (this.phase !== 'open') return;
    if (!this.bucket.take(this.hub.ctx.clock.now())) {
      this.close(CloseCode.RateLimited, 'rate limited');
    }
  }

  onError(error: Error): void {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    this.hub.log.info({ ...this.logFields(), err: code ?? error.message }, 'agent socket error');
  }

  onClose(code: number): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    const { registry, ctx } = this.hub;
    registry.removed(this);
    const { tenant, session } = this.identity;
    // Removed from the registry first: transitions the disconnect emits find no socket.
    if (this.phase !== 'detached') ctx.monitor.disconnect(session, { tenant });
    ctx.metrics.connectionClosed('agent');
    // Routine ends of a connection are debug lines: at tens of thousands of agents, two
    // info lines per connection were a tenth of the gateway's CPU per connect (a write to
    // stdout each). A close the gateway made for a fault of the agent's stays at info.
    const fields = { ...this.logFields(), code };
    if (ROUTINE_CLOSE_CODES.has(code)) this.hub.log.debug(fields, 'agent closed');
    else this.hub.log.info(fields, 'agent closed');
    this.hub.closed(this);
  }

  /** A transition of this connection's session, from the monitor. */
  onTransition(t: MonitorTransition): void {
    if (this.phase !== 'open') return;
    const reaction = agentReaction(t);
    if (reaction === undefined) return;
    if ('send' in reaction) this.send(reaction.send);
    else this.detach(reaction.close, reaction.reason);
  }

  logFields(): { session: string; tenant: string; agentType: string } {
    const { session, tenant, agentType } = this.identity;
    return { session, tenant, agentType };
  }

  private refuse(error: PulsegateError, now: number): void {
    this.hub.log.debug({ ...this.logFields(), code: error.code }, 'agent frame refused');
    this.send({ type: 'error', code: error.code, message: error.message });
    if (this.refusals.record(now)) this.close(CloseCode.PolicyViolation, 'too many refused frames');
  }

  private handle(frame: AgentFrame): void {
    const { monitor, metrics } = this.hub.ctx;
    const { tenant, session } = this.identity;
    switch (frame.type) {
      case 'beat':
        if (monitor.beat(session, { tenant, status: frame.status })) metrics.beat('message');
        return;
      case 'pause':
        monitor.pause(session, { tenant, by: 'agent', reason: frame.reason });
        return;
      case 'resume':
        monitor.resume(session, { tenant, by: 'agent' });
        return;
      case 'refresh':
        void this.refresh(frame.token);
        return;
      case 'bye':
        this.detach(CloseCode.Normal, 'bye');
        monitor.unregister(session, { tenant, by: 'agent' });
        this.hub.log.debug(this.logFields(), 'agent said bye');
        return;
    }
  }

  private async refresh(token: string): Promise<void> {
    const { verifier, limits } = this.hub.ctx;
    let refused: PulsegateError | undefined;
    try {
      const principal = await withDeadline(verifier.verify(token), limits.handshakeTimeoutMs);
      const next = agentIdentity(principal);
      if (next.session !== this.identity.session || next.tenant !== this.identity.tenant) {
        refused = new PulsegateError('forbidden', 'a refresh must keep the session and tenant');
      } else if (this.phase === 'open') {
        this.armExpiry(next.expiresAt);
        this.hub.log.debug(this.logFields(), 'agent token refreshed');
      }
    } catch (error) {
      refused = new PulsegateError(refusalCode(error), 'refresh refused', { cause: error });
    }
    if (refused === undefined || this.phase !== 'open') return;
    if (refused.code === 'unavailable') {
      // The key source is down, not the token bad: the agent keeps its old token and retries.
      this.send({ type: 'error', code: 'unavailable', message: 'token check unavailable' });
      return;
    }
    this.hub.log.info({ ...this.logFields(), code: refused.code }, 'agent refresh refused');
    this.close(CloseCode.TokenExpired, 'refresh refused');
  }
}
