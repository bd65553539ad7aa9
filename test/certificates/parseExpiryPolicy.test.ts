import { describe, expect, it } from "vitest";
import { parseExpiryPolicy } from "../../src/certificates/parseExpiryPolicy.js";

const WARNING_FORM =
  "whole days from 1 to 3650 before expiry when a certificate turns 'warning' (default 30)";
const CRITICAL_FORM =
  "whole days from 1 to 3650 before expiry when a certificate turns 'critical', at most M2M_CERT_WARNING_DAYS (default 7)";
const REMINDER_FORM =
  "comma-separated whole days from 1 to 3650 before expiry, each once, when an expiring certificate is reminded of again (default 30,14,7,3,1)";

describe("parseExpiryPolicy", () => {
  it.each([
    ["absent", {}],
    ["empty", { M2M_CERT_WARNING_DAYS: "", M2M_CERT_CRITICAL_DAYS: " ", M2M_CERT_REMINDER_DAYS: "" }],
  ])("takes the defaults when the settings are %s", (_name, env) => {
    expect(parseExpiryPolicy(env)).toEqual({
      policy: { warningDays: 30, criticalDays: 7, reminderDays: [30, 14, 7, 3, 1] },
      problems: [],
    });
  });

  it("reads every setting, trimming spaces and sorting reminder steps descending", () => {
    const { policy, problems } = parseExpiryPolicy({
      M2M_CERT_WARNING_DAYS: " 45 ",
      M2M_CERT_CRITICAL_DAYS: "10",
      M2M_CERT_REMINDER_DAYS: "1, 7 ,45,3",
    });
    expect(problems).toEqual([]);
    expect(policy).toEqual({ warningDays: 45, criticalDays: 10, reminderDays: [45, 7, 3, 1] });
    expect(Object.isFrozen(policy) && Object.isFrozen(policy.reminderDays)).toBe(true);
  });

  it("lowers the default critical threshold to a lower warning threshold", () => {
    expect(parseExpiryPolicy({ M2M_CERT_WARNING_DAYS: "5" })).toEqual({
      policy: { warningDays: 5, criticalDays: 5, reminderDays: [30, 14, 7, 3, 1] },
      problems: [],
    });
  });

  it.each([
    ["1 day", "1", { warningDays: 1, criticalDays: 1 }],
    ["3650 days", "3650", { warningDays: 3650, criticalDays: 7 }],
  ])("accepts a warning threshold of %s, the bounds", (_name, value, thresholds) => {
    expect(parseExpiryPolicy({ M2M_CERT_WARNING_DAYS: value })).toEqual({
      policy: { ...thresholds, reminderDays: [30, 14, 7, 3, 1] },
      problems: [],
    });
  });

  it("accepts reminder steps of 1 and 3650 days, the bounds", () => {
    expect(parseExpiryPolicy({ M2M_CERT_REMINDER_DAYS: "1,3650" })).toEqual({
      policy: { warningDays: 30, criticalDays: 7, reminderDays: [3650, 1] },
      problems: [],
    });
  });

  it("accepts a critical threshold equal to the warning threshold", () => {
    expect(parseExpiryPolicy({ M2M_CERT_WARNING_DAYS: "14", M2M_CERT_CRITICAL_DAYS: "14" })).toEqual({
      policy: { warningDays: 14, criticalDays: 14, reminderDays: [30, 14, 7, 3, 1] },
      problems: [],
    });
  });

  it("refuses a critical threshold above a configured warning threshold, quoting the value as given", () => {
    expect(parseExpiryPolicy({ M2M_CERT_WARNING_DAYS: "10", M2M_CERT_CRITICAL_DAYS: " 011 " })).toEqual({
      policy: { warningDays: 10, criticalDays: 7, reminderDays: [30, 14, 7, 3, 1] },
      problems: [
        `M2M_CERT_CRITICAL_DAYS: expected ${CRITICAL_FORM} (more than M2M_CERT_WARNING_DAYS, 10); got "011"`,
      ],
    });
  });

  it("keeps the critical threshold that follows a lower warning threshold when critical is invalid", () => {
    expect(parseExpiryPolicy({ M2M_CERT_WARNING_DAYS: "5", M2M_CERT_CRITICAL_DAYS: "soon" })).toEqual({
      policy: { warningDays: 5, criticalDays: 5, reminderDays: [30, 14, 7, 3, 1] },
      problems: [`M2M_CERT_CRITICAL_DAYS: expected ${CRITICAL_FORM}; got "soon"`],
    });
  });

  it.each([
    ["M2M_CERT_WARNING_DAYS", "thirty", `M2M_CERT_WARNING_DAYS: expected ${WARNING_FORM}; got "thirty"`],
    ["M2M_CERT_WARNING_DAYS", "0", `M2M_CERT_WARNING_DAYS: expected ${WARNING_FORM}; got "0"`],
    ["M2M_CERT_WARNING_DAYS", "3651", `M2M_CERT_WARNING_DAYS: expected ${WARNING_FORM}; got "3651"`],
    ["M2M_CERT_WARNING_DAYS", "7.5", `M2M_CERT_WARNING_DAYS: expected ${WARNING_FORM}; got "7.5"`],
    ["M2M_CERT_CRITICAL_DAYS", "-1", `M2M_CERT_CRITICAL_DAYS: expected ${CRITICAL_FORM}; got "-1"`],
    [
      "M2M_CERT_CRITICAL_DAYS",
      "31",
      `M2M_CERT_CRITICAL_DAYS: expected ${CRITICAL_FORM} (more than M2M_CERT_WARNING_DAYS, 30); got "31"`,
    ],
    [
      "M2M_CERT_REMINDER_DAYS",
      "30;14;7",
      `M2M_CERT_REMINDER_DAYS: expected ${REMINDER_FORM} (not whole days: "30;14;7"); got "30;14;7"`,
    ],
    [
      "M2M_CERT_REMINDER_DAYS",
      "30,,7,0",
      `M2M_CERT_REMINDER_DAYS: expected ${REMINDER_FORM} (not whole days: "", "0"); got "30,,7,0"`,
    ],
    [
      "M2M_CERT_REMINDER_DAYS",
      "30,14,14,1",
      `M2M_CERT_REMINDER_DAYS: expected ${REMINDER_FORM} (14 appears more than once); got "30,14,14,1"`,
    ],
  ])("reports %s=%j as a problem, not a throw", (name, value, problem) => {
    const { policy, problems } = parseExpiryPolicy({ [name]: value });
    expect(problems).toEqual([problem]);
    expect(policy).toEqual({ warningDays: 30, criticalDays: 7, reminderDays: [30, 14, 7, 3, 1] });
  });

  it("reports every invalid setting at once", () => {
    const { problems } = parseExpiryPolicy({
      M2M_CERT_WARNING_DAYS: "soon",
      M2M_CERT_CRITICAL_DAYS: "x",
      M2M_CERT_REMINDER_DAYS: "a",
    });
    expect(problems.map((p) => p.split(":")[0])).toEqual([
      "M2M_CERT_WARNING_DAYS",
      "M2M_CERT_CRITICAL_DAYS",
      "M2M_CERT_REMINDER_DAYS",
    ]);
  });

  it("does not compare critical with an invalid warning threshold", () => {
    expect(
      parseExpiryPolicy({ M2M_CERT_WARNING_DAYS: "soon", M2M_CERT_CRITICAL_DAYS: "40" }).problems,
    ).toEqual([`M2M_CERT_WARNING_DAYS: expected ${WARNING_FORM}; got "soon"`]);
  });
});
