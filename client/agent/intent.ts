import type { AgentFrame } from '../../shared/agent-frames.js';
import { PulsegateError } from '../../shared/errors.js';
import { isShortText, MAX_TEXT_LENGTH } from '../../shared/limits.js';

function checkText(what: string, text: string | undefined): void {
  if (text !== undefined && !isShortText(text)) {
    throw new PulsegateError('invalid', `${what} is at most ${MAX_TEXT_LENGTH} chars`);
  }
}

/**
 * What the agent has said about itself (its own pause, its last status text), so that a
 * reconnect can say it again: the gateway ends an agent's pause when its connection
 * drops, so a crashed agent cannot hide behind it, but a live one that reconnects is
 * still paused.
 */
export class AgentIntent {
  #pause: { reason?: string } | undefined;
  #status: string | undefined;

  status(text: string): AgentFrame {
    checkText('status', text);
    this.#status = text;
    return { type: 'beat', status: text };
  }

  pause(reason: string | undefined): AgentFrame {
    checkText('reason', reason);
    this.#pause = reason === undefined ? {} : { reason };
    return reason === undefined ? { type: 'pause' } : { type: 'pause', reason };
  }

  resume(): AgentFrame {
    this.#pause = undefined;
    return { type: 'resume' };
  }

  /** Someone else resumed the session: the agent's own pause is over too. */
  resumedByOthers(): void {
    this.#pause = undefined;
  }

  /** The frames that restore this intent on a new connection. */
  replay(): AgentFrame[] {
    const frames: AgentFrame[] = [];
    const pause = this.#pause;
    if (pause !== undefined) {
      frames.push(
        pause.reason === undefined ? { type: 'pause' } : { type: 'pause', reason: pause.reason },
      );
    }
    if (this.#status !== undefined) frames.push({ type: 'beat', status: this.#status });
    return frames;
  }
}
