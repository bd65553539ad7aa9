import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startLocalHost } from "../../dev/host/startLocalHost.js";

const entry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

describe("start-up", () => {
  it("fails to load the app when a job definition is bad, naming the job and the field", async () => {
    const starting = startLocalHost({
      entry,
      logger: { log: () => undefined },
      env: {
        M2M_TENANT_ID: "8b1f1c0e-1111-4222-8333-944455556666",
        M2M_CLIENT_ID: "3d4e5f60-1111-4222-8333-944455556666",
        M2M_SCOPE: "api://m2m-downstream/.default",
        M2M_KEYVAULT_URL: "https://kv.test",
        M2M_KEYVAULT_CERTIFICATE_NAME: "app",
        AzureWebJobsStorage: "UseDevelopmentStorage=true",
        M2M_JOBS: JSON.stringify([
          { name: "nightly-sync", schedule: "0 0 2 * *", request: { url: "https://api.test/sync" } },
        ]),
      },
    });
    await expect(starting).rejects.toThrow(
      "job 'nightly-sync' (M2M_JOBS[0]).schedule: expected a six-field NCRONTAB expression (NCRONTAB needs six fields ({second} {minute} {hour} {day} {month} {day-of-week}); got 5)",
    );
  });
});
