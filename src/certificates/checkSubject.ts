import type { WatchedSubject } from "./planCertificateAlerts.js";

export const CHECK_PREFIX = "check:";

/**
 * Pure: the alert subject `check:certificates/<appId>` — whether the certificate check finished in time. A check that
 * ran out of time (`timedOut`: the edge that did not answer, and the error's message) fires it: certificates it could
 * not look at may expire unnoticed. The next check that finishes in time resolves it.
 */
export function checkSubject(
  appId: string,
  timedOut: { edge: string; message: string } | null,
  now: Date,
): WatchedSubject {
  const subject = `${CHECK_PREFIX}certificates/${appId}`;
  const checked = { name: "Checked", value: now.toISOString() };
  return {
    subject,
    condition: timedOut && {
      subject,
      episode: "timed-out",
      urgency: 1,
      label: "timed out",
      severity: "warning",
      title: "Certificate check ran out of time",
      text:
        `${timedOut.message} The check could not look at every certificate, so an expiry or a failed renewal may go ` +
        `unnoticed until one finishes. The next check (M2M_CERT_CHECK_SCHEDULE) tries again.`,
      facts: [{ name: "Edge", value: timedOut.edge }, checked],
    },
    resolution: {
      title: "Certificate check finishes in time again",
      text: "The certificate check finished within its deadline: every certificate was looked at.",
      facts: [checked],
    },
    announceThenResolve: false,
  };
}
