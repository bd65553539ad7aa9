import { beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../src/container.js";
import { DAY_MS, useCertificateWorld } from "../support/certificateWorld.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { testScenario } from "../support/useStandIns.js";

// Graph allows about 150 keyCredentials reads a minute per tenant (https://learn.microsoft.com/graph/api/application-get):
// a certificate check reads the application a small, fixed number of times, however long Key Vault takes.
const scenario = testScenario({ certificates: [{ name: "app", validDays: 90 }] });
const world = useCertificateWorld(scenario, {
  M2M_CERT_RENEW_BEFORE_DAYS: "5",
  M2M_ROTATION_GRACE_HOURS: "24",
});

let app: Services;
let expiry: number;
beforeAll(async () => {
  app = world.instance();
  expiry = (await app.credentials.current()).certificate!.notAfter.getTime();
});

const entra = () => world.standIns().entra;
const graphCalls = () =>
  entra().graphRequests.map((r) => `${r.method} ${r.status}${r.fault ? ` ${r.fault}` : ""}`);
const check = () => app.watch.check(recordingLogger().logger, "test");

describe("Graph reads per certificate check", () => {
  it("reads the application at most four times in a check that renews and registers the key, throttled or not", async () => {
    world.at(expiry - 5 * DAY_MS);
    entra().resetCounters();
    // Graph throttles the first read: the client waits the second it asks for, then reads.
    entra().graphFaults.enqueue({ kind: "throttle", retryAfter: "1" });

    const report = await check();

    expect(report.renewal.report).toMatchObject({
      actions: ["start", "create-version", "add-key", "verify", "wait"],
      stoppedAt: "wait",
    });
    // The inventory before the rotation starts (to alert "renewing now"), the rotation's lookup by appId (which
    // serves its first observation too), its observation after addKey, the inventory after: the polls while Key
    // Vault issues the version read nothing.
    expect(graphCalls()).toEqual([
      "GET 429 throttle",
      "GET 200",
      "GET 200",
      "POST 200",
      "GET 200",
      "GET 200",
    ]);
  });

  it("reads it at most three times in the check that removes the old key", async () => {
    world.at(expiry - 4 * DAY_MS);
    entra().resetCounters();

    const report = await check();

    expect(report.renewal.report).toMatchObject({ actions: ["remove-key", "done"], stoppedAt: "done" });
    expect(graphCalls()).toEqual(["GET 200", "POST 204", "GET 200", "GET 200"]);
  });

  it("reads it once in a check with nothing to do", async () => {
    world.at(expiry + 10 * DAY_MS);
    entra().resetCounters();
    await check();
    expect(graphCalls()).toEqual(["GET 200"]);
  });
});
