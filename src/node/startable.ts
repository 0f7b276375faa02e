/**
 * One part of a running node, in the shape of js-libp2p's `Startable`: `start` brings it up,
 * `stop` takes it down and is safe to call more than once and on a part whose start failed
 * half-way. `beforeStop` is for what must happen before any part stops (health going
 * NOT_SERVING, so load balancers move away while everything still works).
 */
export interface Startable {
  /** Said in logs when its stop fails. */
  readonly name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
  beforeStop?(): void | Promise<void>;
}

/**
 * The parts a node has started, in order. A system is a list of startables: stop is start
 * reversed, so the two cannot drift apart, and a failed start stops what it had started (the part
 * that failed included: it may hold what it took before failing). A part whose stop throws is
 * reported and the others still stop. `stop` is idempotent; no part starts after it.
 */
export class StartedParts {
  private readonly parts: Startable[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly onStopError: (part: string, error: unknown) => void) {}

  /** Starts `part` after those started before it; if its start fails, everything started is stopped and the error rethrown. */
  async start(part: Startable): Promise<void> {
    if (this.stopping) throw new Error(`cannot start ${part.name}: the parts are stopping`);
    this.parts.push(part);
    try {
      await part.start();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Every started part's `beforeStop`, then every `stop`, each in reverse order of start. */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  /** Names of the parts started so far, in order (for logs and tests). */
  names(): string[] {
    return this.parts.map((p) => p.name);
  }

  private async stopAll(): Promise<void> {
    const reversed = [...this.parts].reverse();
    for (const part of reversed) if (part.beforeStop) await this.guard(part, () => part.beforeStop!());
    for (const part of reversed) await this.guard(part, () => part.stop());
  }

  private async guard(part: Startable, step: () => void | Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      this.onStopError(part.name, error);
    }
  }
}
