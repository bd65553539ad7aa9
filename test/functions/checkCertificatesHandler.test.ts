import { InvocationContext, type Timer } from "@azure/functions";
import { describe, expect, it } from "vitest";
import type {
  CertificateCheckReport,
  CertificateWatch,
} from "../../src/certificates/createCertificateWatch.js";
import { systemClock } from "../../src/clock/Clock.js";
import { checkCertificatesHandler } from "../../src/functions/checkCertificatesHandler.js";
import type { Retention } from "../../src/state/createRetention.js";

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: "", next: "", lastUpdated: "" },
};

const quietCheck: CertificateCheckReport = {
  inventory: {
    generatedAt: "2030-06-01T06:00:00.000Z",
    items: [],
    findings: [],
    appCredentials: [],
    registeredCertificatesValidUntil: null,
    graphError: null,
    sources: [],
    rotation: null,
  },
  renewal: { due: false, report: null, error: null },
  alerts: [],
  delivery: null,
  alertError: null,
  timedOut: null,
};

function world(check: () => Promise<CertificateCheckReport>) {
  const steps: string[] = [];
  const watch: CertificateWatch = {
    async check() {
      steps.push("check");
      return check();
    },
  };
  const retention: Retention = {
    purge() {
      steps.push("purge");
      return Promise.resolve({ cutoff: "2030-05-02T06:00:00.000Z", stores: [] });
    },
  };
  const messages: string[] = [];
  const context = new InvocationContext({
    functionName: "certificates-check",
    // The message, without the properties contextLogger writes after it as JSON.
    logHandler: (_level, message) => void messages.push(String(message).split(" {")[0] ?? ""),
  });
  return {
    steps,
    messages,
    context,
    services: () => ({ watch, retention, config: { runDeadlineMs: 60_000 }, clock: systemClock }),
  };
}

describe("checkCertificatesHandler", () => {
  it("runs the certificate check, then deletes what is past retention", async () => {
    const { steps, messages, context, services } = world(() => Promise.resolve(quietCheck));

    await checkCertificatesHandler(timer, context, services);

    expect(steps).toEqual(["check", "purge"]);
    expect(messages).toContain("Certificate check done");
  });

  it("still deletes what is past retention when the check fails, and fails with the check's own error", async () => {
    const { steps, context, services } = world(() =>
      Promise.reject(new Error("Key Vault did not answer within 42 s")),
    );

    await expect(checkCertificatesHandler(timer, context, services)).rejects.toThrow(
      "Key Vault did not answer within 42 s",
    );
    expect(steps).toEqual(["check", "purge"]);
  });
});
