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

describe("callDownstream response bodies", () => {
  it("parses an application/json body", async () => {
    server.answer({ status: 200, body: { reports: [1, 2] } });
    const t = testDeps();

    const outcome = await callDownstream(kept(server.url), t.context(), t.deps);

    expect(outcome.json).toEqual({ reports: [1, 2] });
    expect(outcome.bytes).toBe('{"reports":[1,2]}'.length);
  });

  it("keeps no response body for a job without keepResponse: only its size, and it is not parsed", async () => {
    server.answer({ status: 200, headers: { "content-type": "application/json" }, body: "{not json" });
    const t = testDeps();

    const outcome = await callDownstream(testJob(server.url), t.context(), t.deps);

    expect(outcome).toMatchObject({ status: "succeeded", httpStatus: 200, bytes: 9, json: null });
    expect(t.log.entries).toEqual([]);
  });

  it.each([
    ["application/json; charset=utf-8", { a: 1 }],
    ["application/problem+json", { a: 1 }],
    ["application/vnd.api+json", { a: 1 }],
    ["text/plain", null],
    ["application/jsonx", null],
  ])("with content-type %s the parsed body is %j", async (contentType, json) => {
    server.answer({ status: 200, headers: { "content-type": contentType }, body: '{"a":1}' });
    const t = testDeps();

    const outcome = await callDownstream(kept(server.url), t.context(), t.deps);

    expect(outcome.json).toEqual(json);
  });

  it("succeeds with json null and a warning when a JSON body does not parse", async () => {
    server.answer({ status: 200, headers: { "content-type": "application/json" }, body: "{not json" });
    const t = testDeps();

    const outcome = await callDownstream(kept(server.url), t.context(), t.deps);

    expect(outcome.status).toBe("succeeded");
    expect(outcome.json).toBeNull();
    expect(t.log.entries.map((e) => e.message)).toContain(
      "The API's response is declared JSON but does not parse",
    );
  });

  it("stops reading an endless body at maxBodyBytes and does not parse it", async () => {
    server.answer({
      status: 200,
      headers: { "content-type": "application/json" },
      stream: { chunkBytes: 16_384 },
    });
    const t = testDeps({ maxBodyBytes: 100_000 });

    const outcome = await callDownstream(kept(server.url), t.context(), t.deps);

    expect(outcome.status).toBe("succeeded");
    expect(outcome.bytes).toBe(100_000);
    expect(outcome.json).toBeNull();
    expect(t.log.entries.map((e) => e.message)).toEqual([
      "The API's JSON response is longer than the body cap; it was not parsed",
    ]);
    // The body is endless: the run ending at all shows reading stopped. The server stopped writing too (loopback
    // socket buffers hold a few MB).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.streamedBytes()).toBeLessThan(10_000_000);
  });

  it("reads a body of exactly maxBodyBytes as complete", async () => {
    server.answer({
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify("x".repeat(998)),
    });
    const t = testDeps({ maxBodyBytes: 1_000 });

    const outcome = await callDownstream(kept(server.url), t.context(), t.deps);

    expect(outcome.bytes).toBe(1_000);
    expect(outcome.json).toBe("x".repeat(998));
  });

  it("keeps about 1 KB of a long error body as the excerpt", async () => {
    server.answer({ status: 422, body: "e".repeat(50_000) });
    const t = testDeps();

    const outcome = await callDownstream(testJob(server.url), t.context(), t.deps);

    expect(outcome.errorCode).toBe("HTTP_STATUS");
    expect(outcome.bytes).toBe(50_000);
    expect(outcome.errorBodyExcerpt).toBe(`${"e".repeat(1024)}…`);
  });

  it("scrubs the error excerpt and the message: JWTs, Bearer credentials, URL user info and queries", async () => {
    const t = testDeps();
    const otherJwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvdGhlciJ9.c2lnbmF0dXJl";
    server.answer({
      status: 400,
      body: {
        error: {
          code: "BadRequest",
          message: `token ${otherJwt} refused; retry at https://svc:pw@api.example/v1/items?sig=abc123#x`,
        },
        echo: "Authorization: Bearer opaque-token-0123456789",
      },
    });

    const outcome = await callDownstream(testJob(server.url), t.context(), t.deps);

    expect(outcome.errorMessage).toBe(
      "The API answered HTTP 400 Bad Request: BadRequest: token <redacted> refused; retry at " +
        "https://api.example/v1/items?<query removed>#<fragment removed> (not retried: a client error).",
    );
    expect(outcome.errorBodyExcerpt).toBe(
      '{"error":{"code":"BadRequest","message":"token <redacted> refused; retry at ' +
        'https://api.example/v1/items?<query removed>#<fragment removed>"},"echo":"Authorization: Bearer <redacted>"}',
    );
  });

  it("treats a success status whose body stalls past the timeout as a timed-out attempt, and retries", async () => {
    server.answer(
      { status: 200, headers: { "content-type": "application/json" }, stall: '{"rep' },
      { status: 200, body: { ok: true } },
    );
    const t = testDeps();

    const outcome = await callDownstream(
      testJob(server.url, { timeoutMs: 150, keepResponse: true }),
      t.context(),
      t.deps,
    );

    expect(outcome.status).toBe("succeeded");
    expect(outcome.json).toEqual({ ok: true });
    expect(outcome.attempts.map((a) => [a.status, a.error])).toEqual([
      [200, "timeout reading the body"],
      [200, null],
    ]);
  });
});

/** A job that keeps its response (keepResponse): the parsed JSON is its run's `json`. */
function kept(url: string) {
  return testJob(url, { keepResponse: true });
}
