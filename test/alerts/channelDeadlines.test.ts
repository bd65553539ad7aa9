import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { issueServerTls } from "../../dev/pki/serverTls.js";
import { slackChannel } from "../../src/alerts/slackChannel.js";
import { teamsChannel } from "../../src/alerts/teamsChannel.js";
import { webhookChannel } from "../../src/alerts/webhookChannel.js";
import { systemClock } from "../../src/clock/Clock.js";
import { createDeadline } from "../../src/clock/Deadline.js";
import { startRecordingServer, type RecordingServer } from "./recordingServer.js";
import { sampleAlert } from "./sampleAlert.js";

// Over real HTTPS with the dev CA (run through dev/withDevCa.ts): a channel that never answers.
let server: RecordingServer;
beforeAll(async () => {
  server = await startRecordingServer(await issueServerTls());
});
afterAll(() => server?.close());
beforeEach(() => server.reset());

describe("alert channels within a deadline", () => {
  it.each([
    [
      "the Teams webhook",
      () => teamsChannel({ webhookUrl: `${server.origin}/workflows/x?sig=secret`, timeoutMs: 10_000 }),
    ],
    [
      "the Slack webhook",
      () => slackChannel({ webhookUrl: `${server.origin}/services/T0/B0/secret`, timeoutMs: 10_000 }),
    ],
    ["the alert webhook", () => webhookChannel({ url: `${server.origin}/alerts`, timeoutMs: 10_000 })],
  ])(
    "ends a post to %s that hangs at the deadline, naming it, well before the channel's own timeout",
    async (edge, make) => {
      server.answerNext("hang");
      const started = Date.now();

      const sending = make().send(sampleAlert(), createDeadline({ budgetMs: 300, clock: systemClock }));

      await expect(sending).rejects.toMatchObject({
        code: "TIMED_OUT",
        edge,
        message: expect.stringMatching(
          new RegExp(`^${edge} did not answer within 0\\.3 s: the invocation's deadline was reached\\.`),
        ) as unknown,
      });
      expect(Date.now() - started).toBeLessThan(2_000);
      await expect(sending).rejects.not.toThrow(/secret/);
    },
  );

  it("posts as usual when the deadline leaves time", async () => {
    server.answerNext({ status: 204 });
    await webhookChannel({ url: `${server.origin}/alerts` }).send(
      sampleAlert(),
      createDeadline({ budgetMs: 5_000, clock: systemClock }),
    );
    expect(server.requests).toHaveLength(1);
  });
});
