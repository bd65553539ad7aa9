import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Alert } from "../../src/alerts/Alert.js";
import { slackChannel } from "../../src/alerts/slackChannel.js";
import { teamsChannel } from "../../src/alerts/teamsChannel.js";
import { webhookChannel } from "../../src/alerts/webhookChannel.js";

const alert: Alert = {
  subject: "job:sync",
  kind: "firing",
  severity: "critical",
  title: "Job 'sync' failed 3 times in a row",
  text: "The API answered 503.",
  facts: [{ name: "Job", value: "sync" }],
  dedupeKey: "job:sync:failing-since:never:firing",
  occurredAt: "2026-11-21T10:00:00.000Z",
};

let server: Server;
let base: string;
const received: { url: string; headers: IncomingMessage["headers"]; body: string }[] = [];
let answer = { status: 200, body: "ok" };

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      received.push({ url: request.url ?? "", headers: request.headers, body });
      response.writeHead(answer.status).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received.length = 0;
  answer = { status: 200, body: "ok" };
});

describe("alert channels", () => {
  it("Teams: a Workflows message with one Adaptive Card", async () => {
    answer = { status: 202, body: "" };
    await teamsChannel({ webhookUrl: `${base}/workflows/abc?sig=secret` }).send(alert);
    const body = JSON.parse(received[0]!.body) as {
      type: string;
      attachments: {
        contentType: string;
        content: { type: string; version: string; body: { type: string; text?: string; facts?: unknown }[] };
      }[];
    };
    expect(body.type).toBe("message");
    expect(body.attachments[0]!.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(body.attachments[0]!.content).toMatchObject({ type: "AdaptiveCard", version: "1.4" });
    expect(body.attachments[0]!.content.body[0]!.text).toBe(
      "🔴 Critical: Job 'sync' failed 3 times in a row",
    );
    expect(body.attachments[0]!.content.body[2]).toEqual({
      type: "FactSet",
      facts: [{ title: "Job", value: "sync" }],
    });
  });

  it("Slack: blocks with a text fallback; only 200 'ok' counts", async () => {
    await slackChannel({ webhookUrl: `${base}/services/T/B/secret` }).send(alert);
    const body = JSON.parse(received[0]!.body) as { text: string; blocks: { type: string }[] };
    expect(body.text).toBe("CRITICAL: Job 'sync' failed 3 times in a row — The API answered 503.");
    expect(body.blocks.map((b) => b.type)).toEqual(["header", "section", "section", "context"]);
    answer = { status: 200, body: "invalid_payload" };
    await expect(slackChannel({ webhookUrl: `${base}/services/T/B/secret` }).send(alert)).rejects.toThrow(
      `Alert channel 'slack' (${base}/<redacted>) answered 200: invalid_payload`,
    );
  });

  it("generic webhook: the alert as JSON, signed with HMAC-SHA256 over timestamp and body", async () => {
    await webhookChannel({
      url: `${base}/hook`,
      secret: "s3cret",
      now: () => new Date("2026-11-21T10:00:00Z"),
    }).send(alert);
    const { headers, body } = received[0]!;
    expect(JSON.parse(body)).toEqual(alert);
    expect(headers["x-m2m-timestamp"]).toBe("1795255200");
    expect(headers["x-m2m-dedupe-key"]).toBe(alert.dedupeKey);
    const expected = createHmac("sha256", "s3cret").update(`1795255200.${body}`).digest("hex");
    expect(headers["x-m2m-signature"]).toBe(`sha256=${expected}`);
  });

  it("a failed delivery names the channel and status but not the URL's secret parts", async () => {
    answer = { status: 500, body: "boom" };
    const error = await teamsChannel({ webhookUrl: `${base}/workflows/abc?sig=topsecret` })
      .send(alert)
      .then(
        () => new Error("expected the delivery to fail"),
        (e: unknown) => e as Error,
      );
    expect(error.message).toBe(`Alert channel 'teams' (${base}/<redacted>) answered 500: boom`);
    expect(error.message).not.toContain("topsecret");
  });
});
