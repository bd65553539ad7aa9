import { describe, expect, it } from "vitest";
import { fitAlert, MAX_ALERT_JSON_CHARS } from "../../src/alerts/fitAlert.js";
import { sampleAlert } from "./sampleAlert.js";

describe("fitAlert", () => {
  it("returns an alert that fits a delivery row as it is", () => {
    const alert = sampleAlert();
    expect(fitAlert(alert)).toBe(alert);
  });

  it("cuts an oversized alert (a huge error text, many facts) to fit, saying what was cut", () => {
    const huge = sampleAlert({
      text: "e".repeat(50_000),
      facts: Array.from({ length: 100 }, (_, i) => ({ name: `Fact ${i}`, value: "v".repeat(2_000) })),
    });

    const fitted = fitAlert(huge);

    expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(MAX_ALERT_JSON_CHARS);
    expect(fitted.text).toHaveLength(4000);
    expect(fitted.text).toMatch(/…\[truncated 46\d{3} chars\]$/);
    expect(fitted.facts).toHaveLength(30);
    expect(fitted).toMatchObject({ dedupeKey: huge.dedupeKey, subject: huge.subject, kind: "firing" });
  });
});
