import { describe, expect, it } from "vitest";
import { fitAlert, MAX_ALERT_JSON_CHARS } from "../../src/alerts/fitAlert.js";
import { sampleAlert } from "./sampleAlert.js";

/** A sample alert whose JSON is `chars` long, made up with its text. */
function alertOfJsonLength(chars: number) {
  const padding = chars - JSON.stringify(sampleAlert({ text: "" })).length;
  return sampleAlert({ text: "e".repeat(padding) });
}

describe("fitAlert", () => {
  it("returns an alert that fits a delivery row as it is", () => {
    const alert = sampleAlert();
    expect(fitAlert(alert)).toBe(alert);
  });

  it("returns an alert whose JSON is exactly MAX_ALERT_JSON_CHARS as it is", () => {
    const alert = alertOfJsonLength(MAX_ALERT_JSON_CHARS);
    expect(JSON.stringify(alert)).toHaveLength(MAX_ALERT_JSON_CHARS);
    expect(fitAlert(alert)).toBe(alert);
  });

  it("cuts an alert one character over MAX_ALERT_JSON_CHARS, leaving the parts that are short", () => {
    const alert = alertOfJsonLength(MAX_ALERT_JSON_CHARS + 1);
    const dropped = alert.text.length - 3976;

    expect(fitAlert(alert)).toEqual({ ...alert, text: `${"e".repeat(3976)}…[truncated ${dropped} chars]` });
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

  it("cuts the title to 300, the first 30 facts' names to 100 and values to 500 characters", () => {
    const huge = sampleAlert({
      title: "t".repeat(1_000),
      text: "e".repeat(50_000),
      facts: Array.from({ length: 100 }, (_, i) => ({
        name: `${i} ${"n".repeat(200)}`,
        value: "v".repeat(2_000),
      })),
    });

    const fitted = fitAlert(huge);

    expect(fitted.title).toBe(`${"t".repeat(278)}…[truncated 722 chars]`);
    expect(fitted.facts[0]).toEqual({
      name: `0 ${"n".repeat(76)}…[truncated 124 chars]`,
      value: `${"v".repeat(477)}…[truncated 1523 chars]`,
    });
    expect(fitted.facts[29]?.name).toBe(`29 ${"n".repeat(75)}…[truncated 125 chars]`);
    expect(fitted.facts.map((fact) => [fact.name.length, fact.value.length])).toEqual(
      Array.from({ length: 30 }, () => [100, 500]),
    );
  });
});

describe("fitAlert with characters JSON escapes", () => {
  it("halves its limits until an alert of quotes and control characters fits", () => {
    const escaped = sampleAlert({
      title: '"'.repeat(1_000),
      text: "\u0001".repeat(50_000),
      facts: Array.from({ length: 100 }, () => ({ name: '"'.repeat(200), value: "\u0002".repeat(2_000) })),
    });

    const fitted = fitAlert(escaped);

    expect(JSON.stringify(fitted).length).toBeLessThanOrEqual(MAX_ALERT_JSON_CHARS);
    // JSON characters at the first cut: text 4000 × 6, facts 30 × (100 × 2 + 500 × 6); halved once: text
    // 2000 × 6, facts 15 × (50 × 2 + 250 × 6), still over 30,000; halved twice it fits.
    expect(fitted.text).toHaveLength(1000);
    expect(fitted.title).toHaveLength(75);
    expect(fitted.facts).toHaveLength(7);
    expect(fitted.facts[0]).toEqual({
      name: `${'"'.repeat(3)}…[truncated 197 chars]`,
      value: `${"\u0002".repeat(102)}…[truncated 1898 chars]`,
    });
    expect(fitted).toMatchObject({ dedupeKey: escaped.dedupeKey, subject: escaped.subject });
  });
});
