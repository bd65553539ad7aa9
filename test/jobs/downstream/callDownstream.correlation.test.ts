import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callDownstream } from "../../../src/jobs/downstream/callDownstream.js";
import { testDeps, testJob } from "./harness.js";
import { startScriptedServer } from "./scriptedServer.js";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const { version } = JSON.parse(readFileSync("package.json", "utf8")) as { version: string };

let server: Awaited<ReturnType<typeof startScriptedServer>>;
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(async () => {
  await server.close();
});

describe("callDownstream correlation", () => {
  it("sends one trace id and client request id per run, a new span per attempt, and records x-ms-request-id", async () => {
    server.answer(
      { status: 503, headers: { "x-ms-request-id": "first-request" } },
      { status: 200, headers: { "x-ms-request-id": "0f6c1a7e-request" } },
    );
    const t = testDeps();

    const outcome = await callDownstream(testJob(server.url), t.context(), t.deps);

    const [first, second] = server.requests.map((r) => r.headers);
    const firstTrace = TRACEPARENT.exec(String(first?.traceparent));
    const secondTrace = TRACEPARENT.exec(String(second?.traceparent));
    expect(firstTrace).not.toBeNull();
    expect(secondTrace?.[1]).toBe(firstTrace?.[1]);
    expect(secondTrace?.[2]).not.toBe(firstTrace?.[2]);
    expect(first?.["x-ms-client-request-id"]).toMatch(GUID);
    expect(second?.["x-ms-client-request-id"]).toBe(first?.["x-ms-client-request-id"]);
    expect(first?.["return-client-request-id"]).toBe("true");
    expect(first?.["user-agent"]).toBe(`m2m-functions/${version}`);
    expect(outcome.correlation).toEqual({
      traceparent: second?.traceparent,
      clientRequestId: first?.["x-ms-client-request-id"],
      requestId: "0f6c1a7e-request",
    });
  });

  it("starts a new trace and client request id for every run", async () => {
    server.answer({ status: 200 }, { status: 200 });
    const t = testDeps();

    const a = await callDownstream(testJob(server.url), t.context(), t.deps);
    const b = await callDownstream(testJob(server.url), t.context(), t.deps);

    expect(a.correlation.clientRequestId).not.toBe(b.correlation.clientRequestId);
    expect(TRACEPARENT.exec(a.correlation.traceparent)?.[1]).not.toBe(
      TRACEPARENT.exec(b.correlation.traceparent)?.[1],
    );
  });

  it("reuses the connection across runs (the global fetch's keep-alive pool)", async () => {
    server.answer({ status: 200, body: "a" }, { status: 200, body: { b: 1 } }, { status: 404, body: "c" });
    const t = testDeps();

    for (let run = 0; run < 3; run++) {
      await callDownstream(testJob(server.url), t.context(), t.deps);
      // Runs are minutes apart; a moment is enough for the connection to go back to the pool.
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    expect(new Set(server.requests.map((r) => r.remotePort)).size).toBe(1);
  });

  it("keeps the job's own headers, and its user-agent and content-type when it sets them", async () => {
    server.answer({ status: 200 });
    const t = testDeps();
    const job = testJob(server.url, {
      request: {
        method: "PATCH",
        url: `${server.url}/reports/1`,
        headers: {
          "x-tenant": "contoso",
          "User-Agent": "contoso-sync/2",
          "Content-Type": "application/merge-patch+json",
        },
        body: { state: "done" },
      },
    });

    await callDownstream(job, t.context(), t.deps);

    expect(server.requests[0]).toMatchObject({
      method: "PATCH",
      url: "/reports/1",
      body: '{"state":"done"}',
      headers: {
        "x-tenant": "contoso",
        "user-agent": "contoso-sync/2",
        "content-type": "application/merge-patch+json",
      },
    });
  });

  it("also records Graph's request-id", async () => {
    server.answer({ status: 200, headers: { "request-id": "graph-request" } });
    const t = testDeps();

    const outcome = await callDownstream(testJob(server.url), t.context(), t.deps);

    expect(outcome.correlation.requestId).toBe("graph-request");
  });
});

describe("callDownstream logging", () => {
  it("logs each retry at warn with the attempt, the failure and the wait", async () => {
    server.answer({ status: 503 }, { reset: true }, { status: 200 });
    const t = testDeps({ random: 0.5 });

    const outcome = await callDownstream(testJob(server.url), t.context(), t.deps);

    expect(t.log.entries).toEqual([
      {
        level: "warn",
        message: "Downstream attempt failed; retrying",
        properties: {
          job: "report-sync",
          runId: "run-1",
          attempt: 1,
          maxAttempts: 3,
          status: 503,
          error: "HTTP 503",
          waitMs: 500,
          waitSource: "backoff",
          clientRequestId: outcome.correlation.clientRequestId,
          requestId: null,
        },
      },
      {
        level: "warn",
        message: "Downstream attempt failed; retrying",
        properties: {
          job: "report-sync",
          runId: "run-1",
          attempt: 2,
          maxAttempts: 3,
          status: null,
          error: "ECONNRESET",
          waitMs: 1_000,
          waitSource: "backoff",
          clientRequestId: outcome.correlation.clientRequestId,
          requestId: null,
        },
      },
    ]);
  });

  it("never puts a token in a log line or in the outcome, even when the API echoes it", async () => {
    const t = testDeps();
    // The API echoes the authorization header it received, as a careless debug endpoint might. The 401 costs
    // a refresh attempt outside the policy: 4 requests in all.
    const echo = (request: { headers: { authorization?: string } }) =>
      `you sent ${request.headers.authorization}`;
    server.answer(
      { status: 401, bodyFrom: echo },
      { status: 503, bodyFrom: echo },
      { status: 500, bodyFrom: echo },
      { status: 500, bodyFrom: echo },
    );

    const outcome = await callDownstream(testJob(server.url), t.context(), t.deps);

    expect(t.tokens.issued).toHaveLength(2);
    const everything = `${t.log.text()}\n${JSON.stringify(outcome)}`;
    for (const token of t.tokens.issued) {
      expect(everything).not.toContain(token);
      // Not even the signature-less part that would identify it.
      expect(everything).not.toContain(token.split(".")[1]);
    }
    expect(outcome.errorBodyExcerpt).toBe("you sent Bearer <redacted>");
    expect(outcome.errorMessage).toBe(
      "The API answered HTTP 500 Internal Server Error: you sent Bearer <redacted> after 4 attempts.",
    );
    expect(t.log.entries.length).toBeGreaterThan(0);
  });

  it.each([
    [
      { headers: { "x-api-key": "key-0123456789\r\nX-Injected: 1" } },
      'The job\'s request could not be sent: Headers.append: "<redacted>" is an invalid header value.. Fix the job definition.',
    ],
    [
      { url: "https://svc:hunter2@api.example/reports?key=abc" },
      "The job's request could not be sent: Request cannot be constructed from a URL that includes credentials: https://api.example/reports?<query removed>. Fix the job definition.",
    ],
  ])(
    "names a request fetch refuses without quoting its header value or the URL's secrets (%j)",
    async (request, message) => {
      const t = testDeps();
      const job = testJob(server.url);

      const outcome = await callDownstream(
        { ...job, request: { ...job.request, ...request } },
        t.context(),
        t.deps,
      );

      expect(outcome).toMatchObject({
        status: "failed",
        errorCode: "REQUEST_INVALID",
        errorMessage: message,
      });
      expect(server.requests).toHaveLength(0);
    },
  );
});
