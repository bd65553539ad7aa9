import { describe, expect, it } from "vitest";
import { checkCertificateSchedule } from "../../src/config/checkCertificateSchedule.js";
import { createSettingReader } from "../../src/config/createSettingReader.js";

function problemsOf(env: Record<string, string>) {
  const reader = createSettingReader(env);
  checkCertificateSchedule(reader);
  return reader.problems;
}

describe("checkCertificateSchedule", () => {
  it("accepts no schedule (the default) and any the host accepts", () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ M2M_CERT_CHECK_SCHEDULE: "0 30 7 * * Mon-Fri" })).toEqual([]);
  });

  it("names an expression the host refuses, and why", () => {
    expect(problemsOf({ M2M_CERT_CHECK_SCHEDULE: "0 0 6 * *" })).toEqual([
      'M2M_CERT_CHECK_SCHEDULE: expected six-field NCRONTAB for the certificate check (default 0 0 6 * * *, daily at 06:00 UTC) (NCRONTAB needs six fields ({second} {minute} {hour} {day} {month} {day-of-week}); got 5); got "0 0 6 * *"',
    ]);
    expect(problemsOf({ M2M_CERT_CHECK_SCHEDULE: "0 0 6 31 2 *" })).toEqual([
      expect.stringMatching(
        /^M2M_CERT_CHECK_SCHEDULE: expected .* \(it never fires: .*\); got "0 0 6 31 2 \*"$/,
      ),
    ]);
  });
});
