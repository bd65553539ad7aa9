import { createHash } from "node:crypto";
import type { Deadline } from "../clock/Deadline.js";
import { TimedOutError } from "../errors.js";
import type { KeyQuestion, KeyVerdictCache } from "./createKeyVerdictCache.js";
import type { KeyLevel } from "./decideAccess.js";
import type { AccessLevel } from "./EndpointNeed.js";
import type { HostKeyProbe } from "./hostKeyProbe.js";
import { KeyCheckUnavailableError } from "./KeyCheckUnavailableError.js";

/** What a presented key opens. */
export interface KeyVerifier {
  /**
   * The key's level as far as `need` asks: for a read, whether it opens function-level routes ("function", which the
   * admin key does too); for an operation, whether it is the admin key, and if not whether it is a function key (so
   * the answer can be 403, not 401). Throws KeyCheckUnavailableError when the host cannot be asked by the deadline.
   */
  level(key: string, need: AccessLevel, deadline: Deadline): Promise<Exclude<KeyLevel, "absent">>;
}

/**
 * The Functions host checks keys before the worker runs and does not tell the worker which key it saw (the Node.js
 * library's HttpRequest has no key level), so the app asks the host that issued the keys (see hostKeyProbe). Answers
 * are cached by a SHA-256 fingerprint of the host and the key, never the key; requests that ask the same question at
 * once share one request to the host.
 */
export function createKeyVerifier(deps: {
  readonly selfUrl: string;
  readonly probe: HostKeyProbe;
  readonly cache: KeyVerdictCache;
}): KeyVerifier {
  const inFlight = new Map<string, Promise<boolean>>();
  const ask = (fingerprint: string, question: KeyQuestion, key: string, deadline: Deadline) => {
    const cached = deps.cache.get(fingerprint, question);
    if (cached !== undefined) return Promise.resolve(cached);
    const id = `${question} ${fingerprint}`;
    let pending = inFlight.get(id);
    if (!pending) {
      pending = deps.probe.opens(question, key, deadline.signal).then((opens) => {
        deps.cache.set(fingerprint, question, opens);
        return opens;
      });
      const settled = () => inFlight.delete(id);
      pending.then(settled, settled);
      inFlight.set(id, pending);
    }
    const shared = pending;
    return deadline
      .bound("the Functions host (key check)", () => shared)
      .catch((error: unknown) => {
        if (error instanceof TimedOutError) {
          throw new KeyCheckUnavailableError(
            `The app's Functions host (${deps.selfUrl}) did not answer a key check before the request's deadline`,
            { cause: error },
          );
        }
        throw error;
      });
  };
  return {
    async level(key, need, deadline) {
      const fingerprint = createHash("sha256").update(`${deps.selfUrl}\n${key}`).digest("hex");
      if (need === "operate" && (await ask(fingerprint, "admin", key, deadline))) return "admin";
      return (await ask(fingerprint, "function", key, deadline)) ? "function" : "invalid";
    },
  };
}
