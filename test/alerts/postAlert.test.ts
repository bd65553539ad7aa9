import { createServer } from "node:net";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postAlert, type AlertPost } from "../../src/alerts/postAlert.js";
import { captureTelemetry, type TelemetryCapture } from "../support/telemetryCapture.js";
import { startRecordingServer, type RecordingServer } from "./recordingServer.js";

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server?.close());
beforeEach(() => server.reset());

const post = (url: string): AlertPost => ({
  channel: "ops",
  url,
  body: "{}",
  accepted: (status) => status >= 200 && status < 300,
  hint: "Check the ops hook.",
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe("postAlert", () => {
  it("quotes an answer that echoes the webhook URL with the secret parts redacted", async () => {
    const url = `${server.origin}/hook/abcdef0123456789?sig=QWERTYsecret`;
    server.answerNext({ status: 403, body: `Forbidden: ${url} (sig=QWERTYsecret)` });

    await expect(postAlert(post(url))).rejects.toMatchObject({
      code: "ALERT_CHANNEL_REJECTED",
      message: `Alert channel 'ops' (${server.origin}) answered HTTP 403: Forbidden: <redacted> (sig=<redacted>). Check the ops hook.`,
    });
  });

  it("quotes an answer with other credentials and URL secrets scrubbed too", async () => {
    const url = `${server.origin}/hook`;
    server.answerNext({
      status: 401,
      body: "Bearer opaque-token-0123456789 refused; see https://ops:pw@login.example/authorize?code=abc",
    });

    await expect(postAlert(post(url))).rejects.toMatchObject({
      code: "ALERT_CHANNEL_REJECTED",
      message: `Alert channel 'ops' (${server.origin}) answered HTTP 401: Bearer <redacted> refused; see https://login.example/authorize?<query removed>. Check the ops hook.`,
    });
  });

  it("does not follow a redirect: the message would go to another host", async () => {
    server.answerNext({ status: 302, headers: { location: "https://elsewhere.example/steal" } });

    await expect(postAlert(post(`${server.origin}/hook/abcdef012345`))).rejects.toMatchObject({
      code: "ALERT_CHANNEL_REJECTED",
      status: 302,
      message: `Alert channel 'ops' (${server.origin}) answered HTTP 302 (a redirect: webhooks are not followed) with an empty body. Check the ops hook.`,
    });
    expect(server.requests).toHaveLength(1);
  });

  it("gives up after the timeout when the channel does not answer", async () => {
    server.answerNext("hang");

    await expect(
      postAlert(post(`${server.origin}/hook/abcdef012345`), { timeoutMs: 150 }),
    ).rejects.toMatchObject({
      code: "ALERT_CHANNEL_TIMEOUT",
      status: null,
      message: `Alert channel 'ops' (${server.origin}) did not finish within 150 ms (timed out before it answered): the channel is down or overloaded.`,
    });
  });

  it("says the channel is unreachable when nothing listens, without the URL's path", async () => {
    const port = await closedPort();

    const error = await postAlert(post(`http://127.0.0.1:${port}/hook/abcdef012345?sig=QWERTYsecret`)).then(
      () => new Error("expected a failure"),
      (e: unknown) => e as Error,
    );

    expect(error).toMatchObject({ code: "ALERT_CHANNEL_UNREACHABLE", status: null });
    expect(error.message).toContain(
      `Alert channel 'ops' (http://127.0.0.1:${port}) could not be reached (ECONNREFUSED`,
    );
    expect(error.message).not.toMatch(/abcdef012345|QWERTY/);
  });

  it("stops when the caller aborts", async () => {
    server.answerNext("hang");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);

    await expect(
      postAlert(post(`${server.origin}/hook/abcdef012345`), { timeoutMs: 5_000 }, controller.signal),
    ).rejects.toMatchObject({ code: "ALERT_CHANNEL_ABORTED" });
  });

  it("passes the fetch it is given: tests and proxies can stand in for the network", async () => {
    const seen: string[] = [];
    await postAlert(post("https://hooks.example/abc"), {
      fetch: (url, init) => {
        seen.push(`${init.method} ${url} ${typeof init.body === "string" ? init.body : ""}`);
        return Promise.resolve(new Response(null, { status: 202 }));
      },
    });

    expect(seen).toEqual(["POST https://hooks.example/abc {}"]);
  });
});

describe("postAlert's span", () => {
  let telemetry: TelemetryCapture;
  beforeEach(() => {
    telemetry = captureTelemetry();
  });
  afterEach(async () => {
    await telemetry.stop();
  });

  const spans = () =>
    telemetry.spans().map((span) => ({
      name: span.name,
      kind: span.kind,
      status: span.status.code,
      attributes: span.attributes,
    }));

  it("is a CLIENT span named POST with the channel, the host and the answer's status, never the URL", async () => {
    server.answerNext({ status: 202 });

    await postAlert(post(`${server.origin}/workflows/abc/paths/invoke?sig=SECRETsig`));

    expect(spans()).toEqual([
      {
        name: "POST",
        kind: SpanKind.CLIENT,
        status: SpanStatusCode.UNSET,
        attributes: {
          "m2m.alert.channel": "ops",
          "http.request.method": "POST",
          "server.address": "127.0.0.1",
          "http.response.status_code": 202,
        },
      },
    ]);
    expect(JSON.stringify(telemetry.spans().map((span) => [span.attributes, span.status]))).not.toMatch(
      /SECRETsig|workflows/,
    );
  });

  it("is failed with the refusal's code when the channel refuses, still without the URL", async () => {
    server.answerNext({ status: 503, body: "busy" });

    await expect(postAlert(post(`${server.origin}/hook/SECRETpath`))).rejects.toMatchObject({
      code: "ALERT_CHANNEL_REJECTED",
    });

    const [span] = telemetry.spans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes).toEqual({
      "m2m.alert.channel": "ops",
      "http.request.method": "POST",
      "server.address": "127.0.0.1",
      "http.response.status_code": 503,
      "error.type": "ALERT_CHANNEL_REJECTED",
      "m2m.error.code": "ALERT_CHANNEL_REJECTED",
    });
    expect(span?.status.message).not.toContain("SECRETpath");
  });

  it("has no status code when nothing answered", async () => {
    const port = await closedPort();

    await expect(postAlert(post(`http://127.0.0.1:${port}/hook/SECRETpath`))).rejects.toMatchObject({
      code: "ALERT_CHANNEL_UNREACHABLE",
    });

    expect(spans()).toEqual([
      {
        name: "POST",
        kind: SpanKind.CLIENT,
        status: SpanStatusCode.ERROR,
        attributes: {
          "m2m.alert.channel": "ops",
          "http.request.method": "POST",
          "server.address": "127.0.0.1",
          "error.type": "ALERT_CHANNEL_UNREACHABLE",
          "m2m.error.code": "ALERT_CHANNEL_UNREACHABLE",
        },
      },
    ]);
  });
});
