import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CloseCode } from '../../shared/close-codes.js';
import { PulsegateError } from '../../shared/errors.js';
import type { GatewayContext } from '../context.js';
import type { AgentEndpoint } from '../edges.js';
import type { MonitorTransition } from '../monitor/types.js';
import { AgentSocket, connectionOf } from './agent-socket.js';
import { AgentConnection, type AgentHub } from './connection.js';
import { agentIdentity, type AgentIdentity } from '../auth/identity.js';
import { ConnectionRegistry } from './registry.js';
import { closeSpread } from './shutdown.js';
import { pathOf } from '../upgrades.js';
import { readUpgradeToken, refusalCode, refuseAgentUpgrade, withDeadline } from './upgrade.js';
import { welcomeFrame } from './welcome.js';

/** RFC 6455 "internal error": not a contract code, the peer just sees a failure. */
const INTERNAL_ERROR = 1011;

// Module-level listeners: `this` is the socket, so no closure is made per connection.
function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  connectionOf(this)?.onMessage(data, isBinary);
}
function onPing(this: WebSocket, data: Buffer): void {
  connectionOf(this)?.onPing(data);
}
function onPong(this: WebSocket): void {
  connectionOf(this)?.onPong();
}
function onClose(this: WebSocket, code: number): void {
  connectionOf(this)?.onClose(code);
}
function onSocketError(this: WebSocket, error: Error): void {
  // ws closes the socket itself (1009 for an oversized frame, 1002 for bad framing).
  connectionOf(this)?.onError(error);
}
function ignoreSocketError(): void {
  // The peer reset the connection while the upgrade was being checked: nothing to do.
}

/**
 * Creates the agent WebSocket edge (`/v1/agent`) over a `noServer` `ws` server. The
 * platform routes upgrades of that path to `handleUpgrade`.
 *
 * @example
 * ```ts
 * const agents = createAgentEndpoint(ctx);
 * server.on('upgrade', (req, socket, head) => agents.handleUpgrade(req, socket, head));
 * await agents.shutdown(3000);
 * ```
 */
export function createAgentEndpoint(ctx: GatewayContext): AgentEndpoint {
  const log = ctx.log.child({ edge: 'agent' });
  const registry = new ConnectionRegistry();
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: ctx.limits.maxPayloadBytes,
    perMessageDeflate: false,
    // Pongs are sent after the rate check (see AgentConnection.onPing).
    autoPong: false,
    WebSocket: AgentSocket,
  });
  let shuttingDown = false;
  let drained: (() => void) | undefined;

  const hub: AgentHub = {
    ctx,
    log,
    registry,
    closed() {
      if (drained !== undefined && registry.size === 0) drained();
    },
  };

  const unsubscribe = ctx.monitor.subscribe((t: MonitorTransition) => {
    registry.get(ConnectionRegistry.key(t.tenant, t.session))?.onTransition(t);
  });
  // Cluster mode: a session taken by another node is no longer this socket's to serve.
  const unsubscribeLoss = ctx.ownership?.onLoss((tenant, session, reason) => {
    const connection = registry.get(ConnectionRegistry.key(tenant, session));
    if (reason === 'replaced')
      connection?.detach(CloseCode.Replaced, 'replaced by a newer connection');
    else connection?.detach(CloseCode.GoingAway, 'session moved to another node');
  });

  function refuse(req: IncomingMessage, socket: Duplex, error: PulsegateError): void {
    log.info(
      { path: pathOf(req.url), code: error.code, detail: error.message },
      'agent upgrade refused',
    );
    refuseAgentUpgrade(socket, error.code);
  }

  async function authenticate(req: IncomingMessage): Promise<AgentIdentity | PulsegateError> {
    if (!ctx.origins.isAllowed(req.headers.origin)) {
      return new PulsegateError('forbidden', 'origin not allowed');
    }
    const token = readUpgradeToken(req);
    if (token === undefined) return new PulsegateError('unauthorized', 'no token');
    try {
      const verifying = ctx.verifier.verify(token);
      return agentIdentity(await withDeadline(verifying, ctx.limits.handshakeTimeoutMs));
    } catch (error) {
      const message = error instanceof Error ? error.message : 'verification failed';
      return new PulsegateError(refusalCode(error), message);
    }
  }

  function open(ws: AgentSocket, identity: AgentIdentity): void {
    const connection = new AgentConnection(hub, ws, identity);
    ws.connection = connection;
    ws.on('message', onMessage);
    ws.on('ping', onPing);
    ws.on('pong', onPong);
    ws.on('close', onClose);
    ws.on('error', onSocketError);
    registry.added(connection);
    // Counted here, with the close listener in place: every close is counted down, a
    // connection refused below included, so the gauge can never go negative.
    ctx.metrics.connectionOpened('agent');
    const previous = registry.bind(connection);
    if (previous !== undefined) {
      log.debug(previous.logFields(), 'agent replaced');
      previous.detach(CloseCode.Replaced, 'replaced by a newer connection');
    }
    const { session, tenant, agentType } = identity;
    let result;
    try {
      result = ctx.monitor.connect(session, agentType, { tenant });
    } catch (error) {
      log.error({ ...connection.logFields(), err: error }, 'agent connect failed');
      connection.detach(INTERNAL_ERROR, 'internal error');
      return;
    }
    ctx.metrics.beat('connect');
    connection.send(welcomeFrame(identity, result));
    connection.armExpiry(identity.expiresAt);
    log.debug({ ...connection.logFields(), resumed: result.resumed }, 'agent connected');
  }

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', ignoreSocketError);
    const identity = shuttingDown
      ? new PulsegateError('unavailable', 'shutting down')
      : await authenticate(req);
    if (identity instanceof PulsegateError) return refuse(req, socket, identity);
    if (shuttingDown)
      return refuse(req, socket, new PulsegateError('unavailable', 'shutting down'));
    if (socket.destroyed) return;
    socket.off('error', ignoreSocketError);
    wss.handleUpgrade(req, socket, head, (ws) => open(ws, identity));
  }

  return {
    handleUpgrade(req, socket, head) {
      handleUpgrade(req, socket, head).catch((error: unknown) => {
        log.error({ err: error, path: pathOf(req.url) }, 'agent upgrade failed');
        refuseAgentUpgrade(socket, 'internal');
      });
    },
    get size() {
      return registry.size;
    },
    async shutdown(spreadMs) {
      shuttingDown = true;
      const all = new Promise<void>((resolve) => {
        drained = resolve;
        if (registry.size === 0) resolve();
      });
      await closeSpread(registry.all(), spreadMs, all);
      unsubscribe();
      unsubscribeLoss?.();
      wss.close();
    },
  };
}
