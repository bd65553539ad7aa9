import { beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../../src/container.js";
import { useCertificateWorld } from "../support/certificateWorld.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { testScenario } from "../support/useStandIns.js";

// Key Vault derives a one-month policy from a 20-day certificate: every renewal issues a version already due.
const scenario = testScenario({ certificates: [{ name: "app", validDays: 20 }] });
const world = useCertificateWorld(scenario, {
  M2M_CERT_RENEW_BEFORE_DAYS: "45",
  M2M_ROTATION_GRACE_HOURS: "0",
});

let app: Services;
beforeAll(() => {
  app = world.instance();
});
const check = () => app.watch.check(recordingLogger().logger, "test");

describe("a certificate policy whose versions are due as soon as they are issued", () => {
  it("renews once, then refuses to renew on every check and says what to change, once", async () => {
    const first = await check();
    expect(first.renewal.report).toMatchObject({ stoppedAt: "done" });
    expect(world.standIns().vault.getVersions("app")).toHaveLength(2);

    const second = await check();
    await check();
    expect(second.renewal.error).toMatch(
      /^Version \w+ of 'app' is valid for 3\d days, not more than M2M_CERT_RENEW_BEFORE_DAYS \(45\)/,
    );
    expect(world.standIns().vault.getVersions("app")).toHaveLength(2);
    const failures = world.alerts().filter((a) => a.title === "Renewal of certificate 'app' failed");
    expect(failures).toHaveLength(1);
    expect(failures[0]!.text).toContain("Lengthen the certificate policy's validity (validity_months)");
  });
});
