import { TimedOutError } from "../errors.js";
import type { Clock } from "./Clock.js";

/**
 * The time an invocation has for everything it awaits. Every call to another system takes the deadline's signal
 * (or runs through {@link Deadline.bound}), so nothing the app awaits outlives the invocation.
 */
export interface Deadline {
  /** The instant the invocation's work must be done by, in milliseconds since the epoch on the deadline's clock. */
  readonly atMs: number;
  /**
   * Aborts when the deadline passes, or earlier when the parent signal aborts (the host shutting down). Pass it
   * to fetch, the Azure SDKs (`abortSignal`) and {@link sleep}.
   */
  readonly signal: AbortSignal;
  /** Milliseconds left now, on the deadline's clock; 0 once passed. */
  leftMs(): number;
  /**
   * Runs `work` with the deadline's signal and settles no later than the deadline, even when `work` ignores the
   * signal: past the deadline it rejects with a {@link TimedOutError} naming `edge` ("Key Vault"). An abort by the
   * parent signal rejects with the parent's reason.
   */
  bound<T>(edge: string, work: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/**
 * A deadline `budgetMs` from now. The signal is driven by a real timer (it is what stops sockets); `leftMs` reads
 * `clock`, so plans made from it (a retry's wait) follow a test's clock.
 */
export function createDeadline(options: { budgetMs: number; clock: Clock; parent?: AbortSignal }): Deadline {
  const { clock, parent } = options;
  // AbortSignal.timeout takes whole milliseconds only (a fractional budget, half of what is left, throws).
  const budgetMs = Math.max(0, Math.floor(options.budgetMs));
  const atMs = clock().getTime() + budgetMs;
  // AbortSignal.timeout does not keep the process alive, and AbortSignal.any lets go of its sources once aborted.
  const own = AbortSignal.timeout(budgetMs);
  const signal = parent ? AbortSignal.any([parent, own]) : own;
  // One listener per deadline, shared by every bounded call: rejects when the signal aborts, never otherwise.
  const aborted = new Promise<never>((_resolve, reject) =>
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts at most once, so `once` changes nothing observable; it only says so.
    signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true }),
  );
  aborted.catch(() => undefined);

  const leftMs = () => Math.max(0, atMs - clock().getTime());
  return {
    atMs,
    signal,
    leftMs,
    async bound<T>(edge: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
      // What the edge was given: the time left when the call began.
      const givenMs = leftMs();
      // Its own time ran out (the parent's reason, a host shutdown, is passed on as it is).
      const reason = (): unknown =>
        signal.reason === own.reason
          ? new TimedOutError(edge, givenMs, { cause: own.reason })
          : signal.reason;
      if (signal.aborted) throw reason();
      try {
        return await Promise.race([work(signal), aborted]);
      } catch (error) {
        // Work that gave up because of the abort is reported as the abort, named after its edge.
        throw signal.aborted ? reason() : error;
      }
    },
  };
}
