import { describe, expect, it } from "vitest";
import { MAX_SUMMARY_BYTES, runSummaryJson } from "../../../src/jobs/code/runSummaryJson.js";

const TOO_LARGE = "at most 4096 are kept (return counts and cursors, not data)";

describe("runSummaryJson: what is kept", () => {
  it("keeps at most 4 KiB", () => {
    expect(MAX_SUMMARY_BYTES).toBe(4096);
  });

  it.each([
    ["undefined (run returned nothing)", undefined],
    ["null", null],
  ])("keeps nothing, and sees no problem, for %s", (_what, value) => {
    expect(runSummaryJson(value)).toStrictEqual({ json: null, problem: null });
  });

  it.each([
    ["counts", { pushed: 12, skipped: 0 }, { pushed: 12, skipped: 0 }],
    ["a string", "done", "done"],
    ["a number", 0, 0],
    ["false", false, false],
    ["an array", [1, "a", null], [1, "a", null]],
  ])("keeps %s as it is", (_what, value, json) => {
    expect(runSummaryJson(value)).toStrictEqual({ json, problem: null });
  });

  it("keeps the value as JSON reads it back: a Date as its ISO string, undefined fields dropped", () => {
    const value = { at: new Date("2030-01-02T03:04:05.000Z"), skipped: undefined, list: [undefined] };
    expect(runSummaryJson(value)).toStrictEqual({
      json: { at: "2030-01-02T03:04:05.000Z", list: [null] },
      problem: null,
    });
  });

  it("keeps a copy, not the value the run may still change", () => {
    const value = { pushed: 1 };
    const { json } = runSummaryJson(value);
    value.pushed = 2;
    expect(json).toStrictEqual({ pushed: 1 });
  });
});

describe("runSummaryJson: size", () => {
  it("keeps a summary of exactly MAX_SUMMARY_BYTES", () => {
    const value = "x".repeat(MAX_SUMMARY_BYTES - 2); // plus two quotes
    expect(runSummaryJson(value)).toStrictEqual({ json: value, problem: null });
  });

  it("refuses one byte more, saying its size without its content", () => {
    const value = "x".repeat(MAX_SUMMARY_BYTES - 1);
    expect(runSummaryJson(value)).toStrictEqual({
      json: null,
      problem: `it is 4097 bytes of JSON; ${TOO_LARGE}`,
    });
  });

  it("counts UTF-8 bytes, not characters", () => {
    const fits = "é".repeat((MAX_SUMMARY_BYTES - 2) / 2); // 2 bytes each
    expect(runSummaryJson(fits)).toStrictEqual({ json: fits, problem: null });
    expect(runSummaryJson(`${fits}é`)).toStrictEqual({
      json: null,
      problem: `it is 4098 bytes of JSON; ${TOO_LARGE}`,
    });
  });
});

describe("runSummaryJson: a value that is not JSON", () => {
  it("refuses a cycle, naming the error JSON gave", () => {
    const cycle: Record<string, unknown> = { pushed: 1 };
    cycle.self = cycle;
    expect(runSummaryJson(cycle)).toStrictEqual({ json: null, problem: "it is not JSON (TypeError)" });
  });

  it("refuses a BigInt", () => {
    expect(runSummaryJson({ total: 10n })).toStrictEqual({
      json: null,
      problem: "it is not JSON (TypeError)",
    });
  });

  it("refuses a function", () => {
    expect(runSummaryJson(() => 1)).toStrictEqual({ json: null, problem: "it is not JSON (a function)" });
  });

  it("refuses a symbol", () => {
    expect(runSummaryJson(Symbol("done"))).toStrictEqual({
      json: null,
      problem: "it is not JSON (a symbol)",
    });
  });

  it("names what a toJSON threw, without its message", () => {
    class Refused extends Error {
      override name = "RefusedError";
    }
    const value = {
      toJSON() {
        throw new Refused("secret-value");
      },
    };
    expect(runSummaryJson(value)).toStrictEqual({ json: null, problem: "it is not JSON (RefusedError)" });
  });

  it("says only 'error' when a toJSON throws something that is not an Error", () => {
    const value = {
      toJSON() {
        throw "secret-value"; // eslint-disable-line @typescript-eslint/only-throw-error
      },
    };
    expect(runSummaryJson(value)).toStrictEqual({ json: null, problem: "it is not JSON (error)" });
  });
});
