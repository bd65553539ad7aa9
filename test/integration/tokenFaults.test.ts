import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEntraStandIn, type EntraStandIn } from "../../dev/entra/startEntraStandIn.js";
import { systemClock, type Clock } from "../../src/clock/Clock.js";
import { createDeadline } from "../../src/clock/Deadline.js";
import type { AppCredential, CredentialProvider } from "../../src/credentials/AppCredential.js";
import { TimedOutError, TokenError } from "../../src/errors.js";
import { msalTokenSource } from "../../src/tokens/msalTokenSource.js";
import { manualClock } from "../support/manualClock.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { DOWNSTREAM_SCOPE, secretClientApp } from "../support/secretClientApp.js";

const SCOPE = DOWNSTREAM_SCOPE;

let entra: EntraStandIn;
let clientId: string;
let credential: AppCredential;
let config: ReturnType<typeof secretClientApp>["config"];

beforeAll(async () => {
  entra = await startEntraStandIn();
  ({ clientId, credential, config } = secretClientApp(entra, "token faults"));
});
afterAll(async () => {
  await entra?.stop();
});
afterEach(() => {
  entra.tokenFaults.clear();
  entra.resetCounters();
});

const credentials: CredentialProvider = {
  current: () => Promise.resolve(credential),
  reload: () => Promise.resolve(credential),
};

/**
 * A token source over real MSAL against the stand-in. With a manual clock, waits move the clock instead of
 * passing (and are recorded), so a Retry-After of seconds costs nothing.
 */
function tokenSource(options: { clock?: Clock; real?: boolean; requestTimeoutMs?: number } = {}) {
  const time = manualClock();
  const clock = options.real ? systemClock : (options.clock ?? time.clock);
  const waits: number[] = [];
  const log = recordingLogger();
  const source = msalTokenSource({
    config,
    credentials,
    logger: log.logger,
    clock,
    random: () => 0.5,
    ...(options.real
      ? {}
      : {
          sleep: (ms: number) => {
            waits.push(ms);
            time.advance(ms);
            return Promise.resolve();
          },
        }),
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  return { source, waits, log, time, deadline: (budgetMs: number) => createDeadline({ budgetMs, clock }) };
}

const outcomes = () => entra.tokenRequests.map((r) => r.fault ?? r.outcome);
const host = () => new URL(entra.authorityHost).host;

describe("transient token endpoint failures, through MSAL Node", () => {
  it("waits the Retry-After of a 429, then returns the token of the second request", async () => {
    const { source, waits, log, deadline } = tokenSource();
    entra.tokenFaults.enqueue({ kind: "throttle", retryAfter: "3" });

    const token = await source.getToken({ deadline: deadline(30_000) });

    expect(token).toMatchObject({ scope: SCOPE, fromCache: false });
    expect(waits).toEqual([3_000]);
    expect(outcomes()).toEqual(["throttle", "issued"]);
    // A token that came on the second try is a success: the failure is a warning, not an error.
    expect(log.entries.filter((e) => e.level === "error")).toEqual([]);
    expect(log.entries.find((e) => e.message === "Token request failed; retrying")).toMatchObject({
      level: "warn",
      properties: { attempt: 1, code: "TOKEN_ENDPOINT_THROTTLED", waitMs: 3_000, waitSource: "retry-after" },
    });
  });

  it("retries Entra's 503 temporarily_unavailable twice with backoff, then returns the token", async () => {
    const { source, waits, deadline } = tokenSource();
    entra.tokenFaults.enqueue({ kind: "status", status: 503 }, { kind: "status", status: 503 });

    const token = await source.getToken({ deadline: deadline(30_000) });

    expect(token.fromCache).toBe(false);
    // Full jitter with random() = 0.5: half of 500 ms, then half of 1000 ms.
    expect(waits).toEqual([250, 500]);
    expect(outcomes()).toEqual(["status", "status", "issued"]);
  });

  it("retries a reset connection", async () => {
    const { source, deadline } = tokenSource();
    entra.tokenFaults.enqueue({ kind: "reset" });
    await expect(source.getToken({ deadline: deadline(30_000) })).resolves.toMatchObject({ scope: SCOPE });
    expect(outcomes()).toEqual(["reset", "issued"]);
  });

  it("gives up after three 503s with a sentence naming AADSTS90033, the attempts and what to do", async () => {
    const { source, deadline } = tokenSource();
    entra.tokenFaults.enqueue(...Array.from({ length: 3 }, () => ({ kind: "status" as const, status: 503 })));

    const error = await source.getToken({ deadline: deadline(30_000) }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TokenError);
    expect(error).toMatchObject({ code: "TOKEN_ENDPOINT_UNAVAILABLE", aadsts: 90033, retryable: true });
    expect((error as Error).message).toBe(
      "AADSTS90033: Entra ID's directory service is temporarily unavailable (HTTP 503); gave up after 3 attempts. " +
        "Fix: nothing to change in the app: this passes on its own and the next run tries again; if it persists, " +
        "check Azure Service Health for Microsoft Entra ID. " +
        "(Entra ID said: AADSTS90033: A transient error has occurred. Please try again.)",
    );
    expect(outcomes()).toEqual(["status", "status", "status"]);
  });

  it("says what a plain 500 was, in a sentence, never [object Object]", async () => {
    const { source, deadline } = tokenSource();
    entra.tokenFaults.enqueue(
      { kind: "status", status: 500 },
      { kind: "status", status: 500, body: { error: { code: "InternalError", message: "boom" } } },
      { kind: "status", status: 500 },
    );

    const error = await source.getToken({ deadline: deadline(30_000) }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "TOKEN_ENDPOINT_UNAVAILABLE", retryable: true });
    expect((error as Error).message).toBe(
      `Entra ID's token endpoint answered HTTP 500 with a body that is not JSON (text/plain) to the token request for ${SCOPE}; gave up after 3 attempts. ` +
        `This usually passes on its own and the next run tries again; if it persists, check Azure Service Health for Microsoft Entra ID, and that M2M_AUTHORITY_HOST (${host()}) is Entra ID's host with no proxy answering in its place.`,
    );
  });

  it("names a JSON 500 that is not an Entra error as such", async () => {
    const { source, deadline } = tokenSource();
    entra.tokenFaults.enqueue(
      ...Array.from({ length: 3 }, () => ({
        kind: "status" as const,
        status: 500,
        body: { error: { code: "InternalError", message: "boom" } },
      })),
    );
    const error = await source.getToken({ deadline: deadline(30_000) }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      /^Entra ID's token endpoint answered HTTP 500 with a JSON body that is not an Entra ID error to the token request for /,
    );
    expect((error as Error).message).not.toContain("[object Object]");
  });

  it("fails at once when Entra asks to wait longer than the time left, saying how long", async () => {
    const { source, waits, deadline } = tokenSource();
    entra.tokenFaults.enqueue({ kind: "throttle", retryAfter: "30" });

    const error = await source.getToken({ deadline: deadline(5_000) }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "TOKEN_ENDPOINT_THROTTLED", retryable: true });
    expect((error as Error).message).toBe(
      `Entra ID's token endpoint throttled the token request for ${SCOPE} with HTTP 429; it asked to wait 30 s (Retry-After), more than the 5 s left before the deadline. ` +
        `The next run tries again; if this repeats, look for other clients of app registration ${clientId} that ask for tokens without caching them (this app caches each token until 5 minutes before it expires).`,
    );
    expect(waits).toEqual([]);
    expect(outcomes()).toEqual(["throttle"]);
  });

  it("does not send again before the Retry-After has passed, in a later call either", async () => {
    const { source, time, deadline } = tokenSource();
    entra.tokenFaults.enqueue({ kind: "throttle", retryAfter: "30" });
    await expect(source.getToken({ deadline: deadline(5_000) })).rejects.toMatchObject({
      code: "TOKEN_ENDPOINT_THROTTLED",
    });

    time.advance(10_000);
    await expect(source.getToken({ deadline: deadline(5_000) })).rejects.toThrow(
      `Entra ID's token endpoint throttled an earlier token request for ${SCOPE} (this one was not sent: that answer's Retry-After has not passed) with HTTP 429; it asked to wait 20 s (Retry-After), more than the 5 s left before the deadline.`,
    );
    expect(outcomes()).toEqual(["throttle"]);

    time.advance(20_000);
    await expect(source.getToken({ deadline: deadline(5_000) })).resolves.toMatchObject({ fromCache: false });
    expect(outcomes()).toEqual(["throttle", "issued"]);
  });

  it("does not retry a refusal: a wrong client secret is one request", async () => {
    const { source, deadline } = tokenSource();
    const saved = credential;
    credential = { ...saved, id: "client-secret:wrong", auth: { clientSecret: "not-the-secret" } };
    try {
      await expect(source.getToken({ deadline: deadline(30_000) })).rejects.toMatchObject({
        code: "CLIENT_SECRET_INVALID",
        aadsts: 7000215,
        retryable: false,
        message:
          "AADSTS7000215: the client secret is wrong — often the secret's ID was set instead of its Value. " +
          "Fix: set M2M_CLIENT_SECRET to the secret's Value (shown once, when it is created) or create a new secret. " +
          `(Entra ID said: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.)`,
      });
    } finally {
      credential = saved;
    }
    expect(outcomes()).toEqual([7000215]);
  });
});

describe("a token endpoint that does not answer", () => {
  it("ends at the deadline with TIMED_OUT naming the token endpoint", async () => {
    const { source } = tokenSource({ real: true });
    entra.tokenFaults.enqueue({ kind: "hang" });
    const started = Date.now();

    const error = await source
      .getToken({ deadline: createDeadline({ budgetMs: 2_000, clock: systemClock }) })
      .catch((e: unknown) => e);

    expect(Date.now() - started).toBeLessThan(2_000 + 1_000);
    expect(error).toBeInstanceOf(TimedOutError);
    expect(error).toMatchObject({ code: "TIMED_OUT", edge: "the token endpoint" });
    expect((error as Error).message).toMatch(
      /^the token endpoint did not answer within \d+(\.\d)? s: the invocation's deadline was reached\./,
    );
  });

  it("is given up after the per-request timeout when no deadline is given, and retried", async () => {
    const { source } = tokenSource({ real: true, requestTimeoutMs: 300 });
    entra.tokenFaults.enqueue({ kind: "hang" });
    await expect(source.getToken()).resolves.toMatchObject({ fromCache: false });
    expect(outcomes()).toEqual(["hang", "issued"]);
  });
});

describe("a proactive refresh (refresh_in) that Entra ID fails", () => {
  let refreshing: EntraStandIn;
  beforeAll(async () => {
    refreshing = await startEntraStandIn({ tokenRefreshInSeconds: 1 });
    const app = secretClientApp(refreshing, "refresh_in");
    const current = app.credential;
    refreshingSource = msalTokenSource({
      config: app.config,
      credentials: { current: () => Promise.resolve(current), reload: () => Promise.resolve(current) },
      logger: recordingLogger().logger,
      clock: systemClock,
    });
  });
  afterAll(async () => {
    await refreshing?.stop();
  });
  let refreshingSource: ReturnType<typeof msalTokenSource>;

  it("serves the cached token, still valid, without retrying; the next call refreshes it", async () => {
    const first = await refreshingSource.getToken();
    // MSAL refreshes once its clock, in rounded seconds, is past the request's second + refresh_in (1 s); the
    // request's second is the token's expiry less its lifetime (3600 s).
    const refreshAt = first.expiresOn.getTime() - 3_600_000 + 1_550;
    await new Promise((resolve) => setTimeout(resolve, refreshAt - Date.now()));
    refreshing.tokenFaults.enqueue({ kind: "status", status: 503 });

    const during = await refreshingSource.getToken();
    expect(during).toMatchObject({ token: first.token, fromCache: true });
    expect(refreshing.tokenRequests.map((r) => r.fault ?? r.outcome)).toEqual(["issued", "status"]);

    // MSAL refreshes again on the next call, and (as always for a proactive refresh) answers from its cache.
    await expect(refreshingSource.getToken()).resolves.toMatchObject({ fromCache: true });
    expect(refreshing.tokenRequests.map((r) => r.fault ?? r.outcome)).toEqual(["issued", "status", "issued"]);
  });
});
