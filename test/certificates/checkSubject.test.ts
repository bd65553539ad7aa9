import { describe, expect, it } from "vitest";
import { checkSubject } from "../../src/certificates/checkSubject.js";

const APP = "3f1c0e2a-1111-4222-8333-944455556666";
const NOW = new Date("2030-06-01T06:00:42.000Z");

describe("checkSubject", () => {
  it("fires, naming the edge, when the check ran out of time", () => {
    const message =
      "Key Vault did not answer within 42 s: the invocation's deadline was reached. Check that Key Vault is reachable from the app; a slow answer now and then is retried on the next run.";
    expect(checkSubject(APP, { edge: "Key Vault", message }, NOW)).toEqual({
      subject: `check:certificates/${APP}`,
      condition: {
        subject: `check:certificates/${APP}`,
        episode: "timed-out",
        urgency: 1,
        label: "timed out",
        severity: "warning",
        title: "Certificate check ran out of time",
        text: `${message} The check could not look at every certificate, so an expiry or a failed renewal may go unnoticed until one finishes. The next check (M2M_CERT_CHECK_SCHEDULE) tries again.`,
        facts: [
          { name: "Edge", value: "Key Vault" },
          { name: "Checked", value: "2030-06-01T06:00:42.000Z" },
        ],
      },
      resolution: {
        title: "Certificate check finishes in time again",
        text: "The certificate check finished within its deadline: every certificate was looked at.",
        facts: [{ name: "Checked", value: "2030-06-01T06:00:42.000Z" }],
      },
      announceThenResolve: false,
    });
  });

  it("has no condition when the check finished in time: a firing one is resolved", () => {
    const subject = checkSubject(APP, null, NOW);
    expect(subject.condition).toBeNull();
    expect(subject.subject).toBe(`check:certificates/${APP}`);
    expect(subject.resolution.title).toBe("Certificate check finishes in time again");
  });
});
