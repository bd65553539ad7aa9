import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startLocalHost } from "../../dev/host/startLocalHost.js";
import { appSettings } from "./appSettings.js";

const entry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

describe("start-up", () => {
  it("fails to load the app when a job definition is bad, naming the job and the field", async () => {
    const starting = startLocalHost({
      entry,
      logger: { log: () => undefined },
      env: appSettings([
        { name: "nightly-sync", schedule: "0 0 2 * *", request: { url: "https://api.test/sync" } },
      ]),
    });
    await expect(starting).rejects.toThrow(
      "job 'nightly-sync' (M2M_JOBS[0]).schedule: expected a six-field NCRONTAB expression (NCRONTAB needs six fields ({second} {minute} {hour} {day} {month} {day-of-week}); got 5)",
    );
  });
});
