import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  checkHmac,
  startWebhookReceiver,
  verifyHmac,
  type WebhookReceiver,
} from "../../dev/webhooks/startWebhookReceiver.js";

let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.stop();
});
afterEach(() => receiver.reset());

const post = (
  path: string,
  body: string,
  headers: Record<string, string> = { "content-type": "application/json" },
) => fetch(`${receiver.url}${path}`, { method: "POST", headers, body });

const card = {
  type: "message",
  attachments: [
    { contentType: "application/vnd.microsoft.card.adaptive", content: { type: "AdaptiveCard" } },
  ],
};

describe("webhook receiver", () => {
  it("records a Teams Workflows delivery and answers 202 Accepted with no body", async () => {
    const body = JSON.stringify(card);
    const response = await post("/teams/ops?api-version=2016-06-01", body);

    expect(response.status).toBe(202);
    expect(await response.text()).toBe("");
    expect(receiver.received).toEqual([
      expect.objectContaining({
        method: "POST",
        path: "/teams/ops",
        query: "?api-version=2016-06-01",
        body,
        json: card,
        status: 202,
      }),
    ]);
    expect(receiver.received[0]?.headers["content-type"]).toBe("application/json");
  });

  it("answers a Teams delivery that is not JSON 400 InvalidRequestContent", async () => {
    const response = await post("/teams/ops", "hello", { "content-type": "text/plain" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("InvalidRequestContent");
    expect(receiver.received).toEqual([]);
    expect(receiver.attempts[0]).toMatchObject({ body: "hello", json: null, status: 400 });
  });

  it("answers Slack 200 ok, 400 invalid_payload for a body that is not JSON, 400 no_text without text", async () => {
    const ok = await post("/slack/T0/B0/x", JSON.stringify({ text: "job failed" }));
    expect([ok.status, await ok.text()]).toEqual([200, "ok"]);

    const invalid = await post("/slack/T0/B0/x", "{not json");
    expect([invalid.status, await invalid.text()]).toEqual([400, "invalid_payload"]);

    const empty = await post("/slack/T0/B0/x", JSON.stringify({ username: "m2m" }));
    expect([empty.status, await empty.text()]).toEqual([400, "no_text"]);

    const form = await post("/slack/T0/B0/x", `payload=${encodeURIComponent('{"text":"hi"}')}`, {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(200);
    expect(receiver.attempts.map((r) => r.status)).toEqual([200, 400, 400, 200]);
    expect(receiver.received.map((r) => r.json)).toEqual([{ text: "job failed" }, { text: "hi" }]);
  });

  it("answers other paths 204 and refuses methods other than POST", async () => {
    expect((await post("/hooks/alerts", "{}")).status).toBe(204);
    const get = await fetch(`${receiver.url}/hooks/alerts`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("fails the next N requests with the given status and headers, then answers normally", async () => {
    receiver.failNext(2, 429, { "Retry-After": "1" });

    const first = await post("/slack/x", JSON.stringify({ text: "a" }));
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("1");
    expect((await post("/slack/x", JSON.stringify({ text: "a" }))).status).toBe(429);
    expect((await post("/slack/x", JSON.stringify({ text: "a" }))).status).toBe(200);

    receiver.failNext(1);
    expect((await post("/hooks/x", "{}")).status).toBe(500);
    expect(receiver.attempts.map((r) => r.status)).toEqual([429, 429, 200, 500]);
    expect(receiver.received.map((r) => r.status)).toEqual([200]);
  });

  it("answers scripted faults in the fault matrix's vocabulary, one per request, in order, before failNext", async () => {
    receiver.failNext(1, 500);
    receiver.faults.enqueue(
      { kind: "throttle", retryAfter: "7" },
      { kind: "throttle", retryAfter: "7" },
      { kind: "status", status: 502 },
      { kind: "status", status: 200, body: "<html>not a webhook answer</html>" },
      { kind: "unauthorized" },
    );

    const slackThrottled = await post("/slack/x", JSON.stringify({ text: "a" }));
    expect([
      slackThrottled.status,
      slackThrottled.headers.get("retry-after"),
      await slackThrottled.text(),
    ]).toEqual([429, "7", "rate_limited"]);
    const teamsThrottled = await post("/teams/x", "{}");
    expect([teamsThrottled.status, teamsThrottled.headers.get("retry-after")]).toEqual([429, "7"]);
    expect(((await teamsThrottled.json()) as { error: { code: string } }).error.code).toBe("TooManyRequests");
    expect((await post("/hooks/x", "{}")).status).toBe(502);
    const malformed = await post("/hooks/x", "{}");
    expect([malformed.status, await malformed.text()]).toEqual([200, "<html>not a webhook answer</html>"]);
    expect((await post("/teams/x", "{}")).status).toBe(401);
    expect((await post("/hooks/x", "{}")).status).toBe(500); // failNext, once the faults are used up
    expect((await post("/hooks/x", "{}")).status).toBe(204);
    expect(receiver.attempts.map((r) => r.status)).toEqual([429, 429, 502, 200, 401, 500, 204]);
    expect(receiver.faults.pending()).toBe(0);
  });

  it("hangs, resets, delays and streams a large answer on demand; faults aimed at a path let others pass", async () => {
    receiver.faults.enqueueFor("/teams/ops", { kind: "hang" });
    receiver.faults.enqueueFor("/slack/ops", { kind: "reset" });
    receiver.faults.enqueueFor("/hooks/slow", { kind: "latency", ms: 150 });
    receiver.faults.enqueueFor("/hooks/large", { kind: "large", bytes: 2_000_000 });

    await expect(
      fetch(`${receiver.url}/teams/ops`, { method: "POST", body: "{}", signal: AbortSignal.timeout(200) }),
    ).rejects.toMatchObject({ name: "TimeoutError" });
    await expect(post("/slack/ops", JSON.stringify({ text: "a" }))).rejects.toThrow("fetch failed");
    expect((await post("/hooks/other", "{}")).status).toBe(204);
    const started = Date.now();
    expect((await post("/hooks/slow", "{}")).status).toBe(204);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const large = await post("/hooks/large", "{}");
    expect(large.headers.get("content-length")).toBeNull();
    expect((await large.arrayBuffer()).byteLength).toBe(2_000_000);

    expect(receiver.attempts.map((r) => [r.path, r.status])).toEqual([
      ["/teams/ops", 0],
      ["/slack/ops", 0],
      ["/hooks/other", 204],
      ["/hooks/slow", 204],
      ["/hooks/large", 200],
    ]);
  });

  it("waits for deliveries that arrive later, and says how many came when they do not", async () => {
    const waiting = receiver.waitFor(2, 1000);
    await post("/hooks/a", "{}");
    await post("/hooks/b", "{}");
    expect((await waiting).map((r) => r.path)).toEqual(["/hooks/a", "/hooks/b"]);

    await expect(receiver.waitFor(3, 50)).rejects.toThrow(
      "waited 50 ms for 3 accepted webhook delivery(ies), got 2 (of 2 requests)",
    );
  });
});

describe("verifyHmac and checkHmac", () => {
  const secret = "s3cret-value";
  const sign = (timestamp: string, body: string, key = secret) =>
    `sha256=${createHmac("sha256", key).update(`${timestamp}.${body}`).digest("hex")}`;

  async function deliver(headers: Record<string, string>, body = '{"title":"Job failed"}') {
    await post("/hooks/generic", body, { "content-type": "application/json", ...headers });
    return receiver.attempts.at(-1)!;
  }

  it("accepts an HMAC-SHA256 over `${timestamp}.${body}` made with the shared secret", async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const received = await deliver({
      "X-M2M-Timestamp": timestamp,
      "X-M2M-Signature": sign(timestamp, '{"title":"Job failed"}'),
    });

    expect(verifyHmac(received, secret)).toBe(true);
    expect(checkHmac(received, secret, { toleranceSeconds: 300 })).toEqual({ valid: true });
    expect(verifyHmac(received, "another secret")).toBe(false);
  });

  it("says why a signature is refused: another secret, a changed body, a missing header, an old timestamp", async () => {
    const timestamp = "1700000000";
    const other = await deliver(
      { "X-M2M-Timestamp": timestamp, "X-M2M-Signature": sign(timestamp, "{}", "other") },
      "{}",
    );
    expect(checkHmac(other, secret)).toEqual({
      valid: false,
      reason: "X-M2M-Signature does not match HMAC-SHA256(secret, `${X-M2M-Timestamp}.${body}`)",
    });

    const changed = await deliver(
      { "X-M2M-Timestamp": timestamp, "X-M2M-Signature": sign(timestamp, "{}") },
      "{ }",
    );
    expect(checkHmac(changed, secret).valid).toBe(false);

    const unsigned = await deliver({ "X-M2M-Timestamp": timestamp });
    expect(checkHmac(unsigned, secret)).toEqual({ valid: false, reason: "no X-M2M-Signature header" });

    const old = await deliver(
      { "X-M2M-Timestamp": timestamp, "X-M2M-Signature": sign(timestamp, "{}") },
      "{}",
    );
    expect(checkHmac(old, secret)).toEqual({ valid: true });
    expect(checkHmac(old, secret, { toleranceSeconds: 300, now: () => 1_700_000_600_000 })).toEqual({
      valid: false,
      reason: "X-M2M-Timestamp '1700000000' is 600 s away from now (tolerance 300 s)",
    });
  });
});
