import type { Clock } from "../clock/Clock.js";

/** What the host was asked about a key: is it the admin key, does it open function-level routes. */
export type KeyQuestion = "admin" | "function";

/** The host's answers about keys, kept by the key's fingerprint (never the key) for a few minutes. */
export interface KeyVerdictCache {
  /** The answer still fresh for this fingerprint and question, else undefined. */
  get(fingerprint: string, question: KeyQuestion): boolean | undefined;
  set(fingerprint: string, question: KeyQuestion, opens: boolean): void;
}

export interface KeyVerdictCacheOptions {
  readonly clock: Clock;
  /**
   * How long a "yes" is believed: the revocation delay. A key removed or renewed in the portal keeps working on an
   * instance that checked it for up to this long. Default 5 minutes.
   */
  readonly acceptedMs?: number;
  /** How long a "no" is believed, so a wrong key does not cost a request to the host each time. Default 1 minute. */
  readonly refusedMs?: number;
  /** The most fingerprints kept; the oldest go first, so random keys cannot grow the process. Default 1000. */
  readonly maxEntries?: number;
}

/**
 * An in-process cache of the host's answers. A "no" is kept shorter than a "yes": a key just created in the portal is
 * refused for at most `refusedMs`, while asking the host for every request with a wrong key would let anyone make
 * the app call its host at will.
 */
export function createKeyVerdictCache(options: KeyVerdictCacheOptions): KeyVerdictCache {
  const { clock } = options;
  const acceptedMs = options.acceptedMs ?? 5 * 60_000;
  const refusedMs = options.refusedMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 1000;
  const entries = new Map<string, { opens: boolean; untilMs: number }>();
  return {
    get(fingerprint, question) {
      // An expired answer stays until it is the oldest: the size bound, not the reads, keeps the cache small.
      const entry = entries.get(`${question} ${fingerprint}`);
      return entry && clock().getTime() < entry.untilMs ? entry.opens : undefined;
    },
    set(fingerprint, question, opens) {
      const id = `${question} ${fingerprint}`;
      // Re-inserted at the end: the Map's order is the order of answers, oldest first.
      entries.delete(id);
      entries.set(id, { opens, untilMs: clock().getTime() + (opens ? acceptedMs : refusedMs) });
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries) break;
        entries.delete(oldest);
      }
    },
  };
}
