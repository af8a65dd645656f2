/**
 * What a hand-spoken peer has received, in order, and the waits for what is still to come:
 * the raw Socket.IO dashboard and the raw WebSocket both wait on packets this way.
 */
export class Received<T> {
  /** Everything received so far, oldest first. */
  readonly items: T[] = [];
  private listeners: (() => boolean)[] = [];

  push(item: T): void {
    this.items.push(item);
    for (const l of [...this.listeners]) l();
  }

  /**
   * Resolves with the first item (received or to come) passing `test`; rejects after `ms`
   * with `missing(items)` as the message.
   */
  waitFor(
    test: (item: T) => boolean,
    ms: number,
    missing: (items: readonly T[]) => string,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = this.items.find(test);
        if (hit === undefined) return false;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== check);
        resolve(hit);
        return true;
      };
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== check);
        reject(new Error(missing(this.items)));
      }, ms);
      if (!check()) this.listeners.push(check);
    });
  }
}
