import { describe, expect, it } from "vitest";
import { parseFunctionTimeout } from "../../src/config/parseFunctionTimeout.js";

describe("parseFunctionTimeout", () => {
  it.each([
    ["00:10:00", 600_000],
    ["00:05:00", 300_000],
    ["0:5:0", 300_000],
    [" 00:30:00 ", 1_800_000],
    ["23:59:59", 86_399_000],
    ["1.00:00:00", 86_400_000],
    ["2.01:02:03", 176_523_000],
    ["10.00:00:00", 864_000_000],
    ["00:00:01.5", 1_500],
    ["00:00:00.0000001", 0],
  ])("%j is %i ms", (value, ms) => {
    expect(parseFunctionTimeout(value)).toEqual({ kind: "limited", ms });
  });

  it("reads -1 as no limit", () => {
    expect(parseFunctionTimeout("-1")).toEqual({ kind: "unlimited" });
  });

  it.each([
    [undefined],
    [null],
    [600],
    [""],
    ["10m"],
    ["00:10"],
    ["24:00:00"],
    ["00:60:00"],
    ["00:00:60"],
    ["x00:10:00"],
    ["00:10:00x"],
    ["00:10:00.12345678"],
    ["-00:10:00"],
    ["1.2.00:00:00"],
    ["-2"],
  ])("%j is invalid", (value) => {
    expect(parseFunctionTimeout(value)).toEqual({ kind: "invalid" });
  });
});
