import type { Clock, TimerHandle } from './clock';

export interface RepeatingTask {
  /** Arms the first run one delay from now; a second start while running does nothing. */
  start(): void;
  /** Cancels the next run; a run in progress finishes but does not re-arm. Safe to call twice. */
  stop(): void;
  readonly running: boolean;
}

export interface RepeatingTaskOptions {
  /** A run that threw or rejected: reported here, and the task keeps its schedule. */
  onError: (error: unknown) => void;
}

/**
 * A self-re-arming timer over an injected clock: `run` every `delayMs` (a function is asked
 * afresh before each wait, for jitter), the next wait starting only when the previous run has
 * settled, so runs never overlap however slow one is. libp2p's `repeatingTask` has the same
 * shape, but it reads the global timers; ours takes the Clock so protocol code stays testable.
 */
export function repeatingTask(clock: Clock, run: () => void | Promise<unknown>, delayMs: number | (() => number), options: RepeatingTaskOptions): RepeatingTask {
  let timer: TimerHandle | undefined;
  let running = false;
  const arm = () => {
    // A stop and a start during a slow run: the new start armed already; the old run must not add a second timer.
    if (!running || timer) return;
    timer = clock.setTimeout(() => {
      timer = undefined;
      if (!running) return;
      let settled: Promise<unknown>;
      try {
        settled = Promise.resolve(run());
      } catch (error) {
        settled = Promise.reject(error);
      }
      settled.catch((error: unknown) => options.onError(error)).finally(arm);
    }, typeof delayMs === 'function' ? delayMs() : delayMs);
  };
  return {
    start() {
      if (running) return;
      running = true;
      arm();
    },
    stop() {
      running = false;
      timer?.cancel();
      timer = undefined;
    },
    get running() {
      return running;
    },
  };
}
