import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { webhookChannel } from "../../src/alerts/webhookChannel.js";
import { startRecordingServer, type RecordingServer } from "./recordingServer.js";
import { sampleAlert } from "./sampleAlert.js";

let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer();
});
afterAll(() => server?.close());
beforeEach(() => server.reset());

const clock = () => new Date("2030-01-01T10:00:05.900Z");
const SENT_AT = "1893492005";

describe("webhookChannel", () => {
  it("POSTs the alert as JSON with its dedupe key and the time sent in unix seconds", async () => {
    const alert = sampleAlert();

    await webhookChannel({ url: `${server.origin}/alerts`, clock }).send(alert);

    const [request] = server.requests;
    expect(JSON.parse(request!.body)).toEqual(alert);
    expect(request!.headers).toMatchObject({
      "content-type": "application/json",
      "x-m2m-dedupe-key": "job:report-sync:firing:after:2030-01-01T09:00:00.000Z",
      "x-m2m-timestamp": SENT_AT,
    });
    expect(request!.headers).not.toHaveProperty("x-m2m-signature");
  });

  it("signs `${timestamp}.${body}` with HMAC-SHA256 when a secret is set, and the signature verifies", async () => {
    await webhookChannel({ url: `${server.origin}/alerts`, secret: "s3cr3t-shared", clock }).send(
      sampleAlert(),
    );

    const [request] = server.requests;
    const expected = createHmac("sha256", "s3cr3t-shared")
      .update(`${SENT_AT}.${request!.body}`)
      .digest("hex");
    expect(request!.headers["x-m2m-signature"]).toBe(`sha256=${expected}`);
    // ...and a receiver with another secret, or a changed body, would not accept it.
    const forged = createHmac("sha256", "other").update(`${SENT_AT}.${request!.body}`).digest("hex");
    expect(request!.headers["x-m2m-signature"]).not.toBe(`sha256=${forged}`);
  });

  it("takes any 2xx as success", async () => {
    server.answerNext({ status: 204 });

    await expect(webhookChannel({ url: `${server.origin}/alerts`, clock }).send(sampleAlert())).resolves.toBe(
      undefined,
    );
  });

  it("fails on 500 with the answer's excerpt, the URL's query and path left out", async () => {
    server.answerNext({ status: 500, body: "receiver down\n  retry later" });

    await expect(
      webhookChannel({ url: `${server.origin}/hooks/team-a?token=abcdef123456`, clock }).send(sampleAlert()),
    ).rejects.toMatchObject({
      code: "ALERT_CHANNEL_REJECTED",
      message:
        `Alert channel 'webhook' (${server.origin}) answered HTTP 500: receiver down retry later. Check the ` +
        "receiver behind M2M_ALERT_WEBHOOK_URL (and, if it verifies X-M2M-Signature, that it has the same " +
        "M2M_ALERT_WEBHOOK_SECRET).",
    });
  });
});
