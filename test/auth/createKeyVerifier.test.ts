import { describe, expect, it } from "vitest";
import {
  createKeyVerdictCache,
  type KeyQuestion,
  type KeyVerdictCache,
} from "../../src/auth/createKeyVerdictCache.js";
import { createKeyVerifier } from "../../src/auth/createKeyVerifier.js";
import type { HostKeyProbe } from "../../src/auth/hostKeyProbe.js";
import { KeyCheckUnavailableError } from "../../src/auth/KeyCheckUnavailableError.js";
import { systemClock } from "../../src/clock/Clock.js";
import { createDeadline } from "../../src/clock/Deadline.js";

const ADMIN = "the-master-key";
const FUNCTION = "a-host-key";

/** A host that knows the admin key and one function key, and records what it was asked. */
function fakeHost() {
  const asked: [KeyQuestion, string][] = [];
  const probe: HostKeyProbe = {
    opens(question, key) {
      asked.push([question, key]);
      return Promise.resolve(key === ADMIN || (question === "function" && key === FUNCTION));
    },
  };
  return { probe, asked };
}

const deadline = (budgetMs = 1_000) => createDeadline({ budgetMs, clock: systemClock });
const verifier = (
  probe: HostKeyProbe,
  cache: KeyVerdictCache = createKeyVerdictCache({ clock: systemClock }),
) => createKeyVerifier({ selfUrl: "https://m2m-app.azurewebsites.net", probe, cache });

describe("createKeyVerifier", () => {
  it("for a read, asks only whether the key opens function-level routes", async () => {
    const host = fakeHost();
    const keys = verifier(host.probe);
    expect(await keys.level(FUNCTION, "read", deadline())).toBe("function");
    expect(await keys.level(ADMIN, "read", deadline())).toBe("function");
    expect(await keys.level("wrong", "read", deadline())).toBe("invalid");
    expect(host.asked.map(([question]) => question)).toEqual(["function", "function", "function"]);
  });

  it("for an operation, asks whether it is the admin key, then whether it is a function key", async () => {
    const host = fakeHost();
    const keys = verifier(host.probe);
    expect(await keys.level(ADMIN, "operate", deadline())).toBe("admin");
    expect(await keys.level(FUNCTION, "operate", deadline())).toBe("function");
    expect(await keys.level("wrong", "operate", deadline())).toBe("invalid");
    expect(host.asked).toEqual([
      ["admin", ADMIN],
      ["admin", FUNCTION],
      ["function", FUNCTION],
      ["admin", "wrong"],
      ["function", "wrong"],
    ]);
  });

  it("asks the host once per key and question while the answer is fresh", async () => {
    const host = fakeHost();
    const keys = verifier(host.probe);
    await keys.level(FUNCTION, "operate", deadline());
    expect(await keys.level(FUNCTION, "operate", deadline())).toBe("function");
    expect(await keys.level(FUNCTION, "read", deadline())).toBe("function");
    expect(host.asked).toHaveLength(2);
  });

  it("keeps answers under a SHA-256 fingerprint of the host and the key, never the key", async () => {
    const fingerprints: string[] = [];
    const cache = createKeyVerdictCache({ clock: systemClock });
    const recording: KeyVerdictCache = {
      get: (fingerprint, question) => cache.get(fingerprint, question),
      set(fingerprint, question, opens) {
        fingerprints.push(fingerprint);
        cache.set(fingerprint, question, opens);
      },
    };
    const host = fakeHost();
    await verifier(host.probe, recording).level(FUNCTION, "read", deadline());
    await createKeyVerifier({
      selfUrl: "https://other.azurewebsites.net",
      probe: host.probe,
      cache: recording,
    }).level(FUNCTION, "read", deadline());
    expect(fingerprints).toHaveLength(2);
    expect(fingerprints[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprints[0]).not.toBe(fingerprints[1]);
    expect(fingerprints.join()).not.toContain(FUNCTION);
    expect(host.asked).toHaveLength(2);
  });

  it("sends requests asking the same at once to the host once", async () => {
    let release: (opens: boolean) => void = () => undefined;
    let calls = 0;
    const probe: HostKeyProbe = {
      opens() {
        calls++;
        return new Promise((resolve) => (release = resolve));
      },
    };
    const keys = verifier(probe);
    const both = Promise.all([
      keys.level(FUNCTION, "read", deadline()),
      keys.level(FUNCTION, "read", deadline()),
    ]);
    await Promise.resolve();
    release(true);
    expect(await both).toEqual(["function", "function"]);
    expect(calls).toBe(1);
    // Settled: the next question after the answer expires is asked afresh (here: the answer is cached).
    expect(await keys.level(FUNCTION, "read", deadline())).toBe("function");
    expect(calls).toBe(1);
  });

  it("fails closed when the host does not answer by the deadline, and asks again next time", async () => {
    let calls = 0;
    const silent: HostKeyProbe = {
      opens(_question, _key, signal) {
        calls++;
        return new Promise((_resolve, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason as Error)),
        );
      },
    };
    const keys = verifier(silent);
    const failure = await keys.level(FUNCTION, "read", deadline(20)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KeyCheckUnavailableError);
    expect((failure as KeyCheckUnavailableError).code).toBe("AUTH_KEY_CHECK_UNAVAILABLE");
    expect((failure as KeyCheckUnavailableError).message).toMatch(
      /^The app's Functions host \(https:\/\/m2m-app\.azurewebsites\.net\) did not answer a key check before the request's deadline\. Until the app can ask its host, a key cannot be accepted/,
    );
    await keys.level(FUNCTION, "read", deadline(20)).catch(() => undefined);
    expect(calls).toBe(2);
  });

  it("passes the host's own failure on, and does not keep it", async () => {
    let calls = 0;
    const failing: HostKeyProbe = {
      opens() {
        calls++;
        return Promise.reject(new KeyCheckUnavailableError("The host answered 503"));
      },
    };
    const keys = verifier(failing);
    await expect(keys.level(ADMIN, "operate", deadline())).rejects.toThrow(/^The host answered 503\. /);
    await expect(keys.level(ADMIN, "operate", deadline())).rejects.toBeInstanceOf(KeyCheckUnavailableError);
    expect(calls).toBe(2);
  });
});
