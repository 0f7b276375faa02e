/**
 * Listeners of one kind of event. `emit` calls each in the order added, over a copy (a listener
 * may add or remove listeners while it runs), and one that throws, or returns a promise that
 * rejects, is reported to `onError` and does not keep the others from hearing the event.
 */
export class ListenerSet<Args extends unknown[]> {
  private readonly listeners = new Set<(...args: Args) => unknown>();

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Adds `listener`; the returned function removes it. */
  add(listener: (...args: Args) => unknown): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  delete(listener: (...args: Args) => unknown): void {
    this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  emit(...args: Args): void {
    for (const listener of [...this.listeners]) {
      try {
        const result = listener(...args);
        if (result instanceof Promise) result.catch(this.onError);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
