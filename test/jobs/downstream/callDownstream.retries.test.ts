import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callDownstream } from "../../../src/jobs/downstream/callDownstream.js";
import { testDeps, testJob } from "./harness.js";
import { startScriptedServer } from "./scriptedServer.js";

let server: Awaited<ReturnType<typeof startScriptedServer>>;
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(async () => {
  await server.close();
});

describe("callDownstream retries", () => {
  it("retries a 503 after a jittered backoff and succeeds on the second attempt", async () => {
    server.answer({ status: 503, body: "busy" }, { status: 200, body: { ok: true } });
    const { deps, waits, context } = testDeps({ random: 0.5 });

    const outcome = await callDownstream(testJob(server.url), context(), deps);

    expect(outcome.status).toBe("succeeded");
    expect(outcome.httpStatus).toBe(200);
    expect(outcome.errorCode).toBeNull();
    expect(outcome.errorBodyExcerpt).toBeNull();
    expect(outcome.attempts.map((a) => [a.attempt, a.status, a.error, a.retryAfterMs])).toEqual([
      [1, 503, "HTTP 503", 500],
      [2, 200, null, null],
    ]);
    // Full jitter: random 0.5 × min(maxDelayMs, baseDelayMs × 2^0).
    expect(waits).toEqual([500]);
    expect(server.requests).toHaveLength(2);
  });

  it("doubles the backoff ceiling per attempt", async () => {
    server.answer({ status: 500 }, { status: 502 }, { status: 504 }, { status: 200 });
    const { deps, waits, context } = testDeps({ random: 0.5 });

    const outcome = await callDownstream(
      testJob(server.url, { retry: { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 30_000 } }),
      context(),
      deps,
    );

    expect(outcome.status).toBe("succeeded");
    expect(waits).toEqual([500, 1_000, 2_000]);
  });

  it("waits as long as a 429's Retry-After in seconds asks, instead of its own backoff", async () => {
    server.answer({ status: 429, headers: { "retry-after": "2" } }, { status: 200 });
    const { deps, waits, context } = testDeps();

    const outcome = await callDownstream(testJob(server.url), context(), deps);

    expect(outcome.status).toBe("succeeded");
    expect(waits).toEqual([2_000]);
    expect(outcome.attempts[0]).toMatchObject({ status: 429, error: "HTTP 429", retryAfterMs: 2_000 });
  });

  it("honours a Retry-After given as an HTTP date", async () => {
    const { deps, waits, context } = testDeps();
    // HTTP dates have whole seconds: the wait is between 9 and 10 s from the moment the header is read.
    const at = new Date(Math.floor(deps.clock().getTime() / 1000) * 1000 + 10_000);
    server.answer({ status: 503, headers: { "retry-after": at.toUTCString() } }, { status: 200 });

    const outcome = await callDownstream(testJob(server.url), context(), deps);

    expect(outcome.status).toBe("succeeded");
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(8_900);
    expect(waits[0]).toBeLessThanOrEqual(10_000);
  });

  it("stops at maxAttempts and reports the last status with its body", async () => {
    server.answer(
      { status: 503, body: "busy 1" },
      { status: 503, body: "busy 2" },
      { status: 503, body: "busy 3" },
      { status: 200 },
    );
    const { deps, waits, context } = testDeps({ random: 0 });

    const outcome = await callDownstream(testJob(server.url), context(), deps);

    expect(outcome.status).toBe("failed");
    expect(outcome.errorCode).toBe("HTTP_STATUS");
    expect(outcome.errorMessage).toBe(
      "The API answered HTTP 503 Service Unavailable: busy 3 after 3 attempts.",
    );
    expect(outcome.httpStatus).toBe(503);
    expect(outcome.errorBodyExcerpt).toBe("busy 3");
    expect(outcome.attempts).toHaveLength(3);
    expect(outcome.attempts.map((a) => a.retryAfterMs)).toEqual([0, 0, null]);
    expect(waits).toEqual([0, 0]);
    expect(server.requests).toHaveLength(3);
  });

  it("stops with DEADLINE when Retry-After would pass the run's deadline, and says what the server asked", async () => {
    server.answer({ status: 429, headers: { "retry-after": "120" }, body: "slow down" }, { status: 200 });
    const { deps, waits, context } = testDeps();

    const outcome = await callDownstream(testJob(server.url), context(10_000), deps);

    expect(outcome.status).toBe("failed");
    expect(outcome.errorCode).toBe("DEADLINE");
    expect(outcome.errorMessage).toMatch(
      /^The API answered HTTP 429 and asked to wait 120 s \(Retry-After\), which would pass the run's deadline \((9\.\d|10) s left\); stopped after 1 attempt\.$/,
    );
    expect(outcome.httpStatus).toBe(429);
    expect(outcome.errorBodyExcerpt).toBe("slow down");
    expect(outcome.attempts).toHaveLength(1);
    expect(outcome.attempts[0]?.retryAfterMs).toBeNull();
    expect(waits).toEqual([]);
  });

  it("stops with DEADLINE when the next backoff would pass the deadline", async () => {
    server.answer({ status: 503 }, { status: 200 });
    const { deps, waits, context } = testDeps({ random: 0.99 });

    const outcome = await callDownstream(
      testJob(server.url, { retry: { maxAttempts: 3, baseDelayMs: 5_000, maxDelayMs: 30_000 } }),
      context(3_000),
      deps,
    );

    expect(outcome.errorCode).toBe("DEADLINE");
    expect(outcome.errorMessage).toMatch(
      /^Stopped after 1 attempt \(last: HTTP 503\): the next retry, in 4950 ms, would pass the run's deadline \(\d+ ms left\)\.$/,
    );
    expect(waits).toEqual([]);
  });

  it("does not call the API when the deadline has already passed", async () => {
    const { deps, context } = testDeps();

    const outcome = await callDownstream(testJob(server.url), context(-1), deps);

    expect(outcome.errorCode).toBe("DEADLINE");
    expect(outcome.errorMessage).toMatch(/^The run's deadline passed before the API was called/);
    expect(outcome.attempts).toEqual([]);
    expect(outcome.correlation).toEqual({ traceparent: "", clientRequestId: "", requestId: null });
    expect(server.requests).toHaveLength(0);
  });

  it("times out an attempt against a hanging server and reports TIMEOUT after the last attempt", async () => {
    server.answer({ hang: true }, { hang: true });
    const { deps, context } = testDeps();
    const started = Date.now();

    const outcome = await callDownstream(
      testJob(server.url, { timeoutMs: 150, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 } }),
      context(),
      deps,
    );

    expect(outcome.status).toBe("failed");
    expect(outcome.errorCode).toBe("TIMEOUT");
    expect(outcome.errorMessage).toBe(
      "No complete response within 150 ms (the job's timeoutMs) after 2 attempts.",
    );
    expect(outcome.httpStatus).toBeNull();
    expect(outcome.attempts.map((a) => [a.status, a.error])).toEqual([
      [null, "timeout"],
      [null, "timeout"],
    ]);
    expect(outcome.attempts[0]?.durationMs).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("cuts an attempt's timeout to the time left before the deadline, and then reports DEADLINE", async () => {
    server.answer({ hang: true });
    const { deps, context } = testDeps();

    const outcome = await callDownstream(testJob(server.url, { timeoutMs: 30_000 }), context(200), deps);

    expect(outcome.errorCode).toBe("DEADLINE");
    expect(outcome.errorMessage).toMatch(
      /^Attempt 1 had only (1\d\d|200) ms left before the run's deadline and got no response in time\.$/,
    );
    expect(outcome.attempts).toHaveLength(1);
  });

  it("retries a connection reset and a socket closed without a response", async () => {
    server.answer({ reset: true }, { destroy: true }, { status: 200 });
    const { deps, context } = testDeps();

    const outcome = await callDownstream(testJob(server.url), context(), deps);

    expect(outcome.status).toBe("succeeded");
    expect(outcome.attempts.map((a) => [a.status, a.error])).toEqual([
      [null, "ECONNRESET"],
      [null, "UND_ERR_SOCKET: other side closed"],
      [200, null],
    ]);
  });

  it("retries a refused connection and then fails with NETWORK and what to check", async () => {
    const closed = await startScriptedServer();
    await closed.close();
    const { deps, context } = testDeps();

    const outcome = await callDownstream(
      testJob(closed.url, { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 } }),
      context(),
      deps,
    );

    expect(outcome.errorCode).toBe("NETWORK");
    expect(outcome.errorMessage).toBe(
      "Could not reach the API (ECONNREFUSED) after 2 attempts: nothing is listening at the API's address: check the job's url and that the API is up.",
    );
    expect(outcome.attempts.map((a) => a.error)).toEqual(["ECONNREFUSED", "ECONNREFUSED"]);
  });

  it("does not retry a 400 and keeps the start of its body", async () => {
    server.answer({ status: 400, body: { error: { code: "BadRequest", message: "Unknown field 'x'" } } });
    const { deps, waits, context } = testDeps();

    const outcome = await callDownstream(testJob(server.url), context(), deps);

    expect(outcome.errorCode).toBe("HTTP_STATUS");
    expect(outcome.errorMessage).toBe(
      "The API answered HTTP 400 Bad Request: BadRequest: Unknown field 'x' (not retried: a client error).",
    );
    expect(outcome.errorBodyExcerpt).toBe('{"error":{"code":"BadRequest","message":"Unknown field \'x\'"}}');
    expect(outcome.json).toBeNull();
    expect(outcome.attempts).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("does not retry a POST that the job does not declare idempotent", async () => {
    server.answer({ status: 503 }, { status: 200 });
    const { deps, context } = testDeps();
    const job = testJob(server.url, {
      request: { method: "POST", url: `${server.url}/imports`, headers: {}, body: { day: "2024-05-01" } },
      idempotent: false,
    });

    const outcome = await callDownstream(job, context(), deps);

    expect(outcome.errorCode).toBe("HTTP_STATUS");
    expect(outcome.errorMessage).toBe(
      'The API answered HTTP 503 Service Unavailable (not retried: POST may not be safe to repeat; set "idempotent": true on the job if it is).',
    );
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.body).toBe('{"day":"2024-05-01"}');
    expect(server.requests[0]?.headers["content-type"]).toBe("application/json");
  });

  it("retries a POST that the job declares idempotent", async () => {
    server.answer({ status: 503 }, { status: 201 });
    const { deps, context } = testDeps();
    const job = testJob(server.url, {
      request: { method: "POST", url: `${server.url}/imports`, headers: {}, body: { day: "2024-05-01" } },
      idempotent: true,
      successStatuses: [200, 201],
    });

    const outcome = await callDownstream(job, context(), deps);

    expect(outcome.status).toBe("succeeded");
    expect(outcome.httpStatus).toBe(201);
    expect(server.requests.map((r) => r.body)).toEqual(['{"day":"2024-05-01"}', '{"day":"2024-05-01"}']);
  });

  it("stops with ABORTED when the run is cancelled", async () => {
    server.answer({ hang: true });
    const { deps, context } = testDeps();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    const outcome = await callDownstream(
      testJob(server.url),
      { ...context(), signal: controller.signal },
      deps,
    );

    expect(outcome.errorCode).toBe("ABORTED");
    expect(outcome.attempts.map((a) => a.error)).toEqual(["aborted"]);
  });
});
