/**
 * What a receiving stand-in (the OTLP receiver, the Application Insights stand-in) offers a test: wait until what it
 * received satisfies a predicate. `wake()` is called after each request it keeps; a predicate that throws (one made of
 * `expect`s) counts as not yet, and the timeout's error names what was received and why the predicate last failed.
 */
export interface ReceivedWaiters<T> {
  waitFor(predicate: (received: T) => boolean, options?: { timeoutMs?: number }): Promise<T>;
  /** Checks every waiting predicate again: call it after keeping something new. */
  wake(): void;
}

export function receivedWaiters<T>(options: {
  /** What has been received so far, as a copy. */
  snapshot: () => T;
  /** The received data in words, for the timeout's message. */
  describe: (received: T) => string;
  /** What is waited for, e.g. "telemetry" or "Application Insights telemetry". */
  what: string;
}): ReceivedWaiters<T> {
  const waiters = new Set<() => void>();
  return {
    wake() {
      for (const wake of [...waiters]) wake();
    },
    waitFor(predicate, { timeoutMs = 5000 } = {}) {
      return new Promise((resolve, reject) => {
        let lastError: unknown = null;
        const check = () => {
          const received = options.snapshot();
          try {
            if (!predicate(received)) return;
          } catch (error) {
            lastError = error;
            return;
          }
          cleanup();
          resolve(received);
        };
        const timer = setTimeout(() => {
          cleanup();
          const why = lastError instanceof Error ? ` The predicate last threw: ${lastError.message}` : "";
          reject(
            new Error(
              `Waited ${timeoutMs} ms for ${options.what} that satisfies the predicate; ` +
                `received ${options.describe(options.snapshot())}.${why}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
