import { describe, expect, it } from "vitest";
import { readRunDeadline } from "../../src/config/readRunDeadline.js";

const setting = { name: "M2M_RUN_DEADLINE_SECONDS", form: "whole seconds" };
const host = (functionTimeout?: unknown) =>
  JSON.stringify(functionTimeout === undefined ? {} : { functionTimeout });
const tenMinutes = host("00:10:00");

describe("readRunDeadline", () => {
  it("defaults to 540 s when host.json allows it", () => {
    expect(readRunDeadline(setting, undefined, tenMinutes)).toEqual({ ms: 540_000, problem: null });
    expect(readRunDeadline(setting, undefined, host("00:09:30"))).toEqual({ ms: 540_000, problem: null });
    expect(readRunDeadline(setting, undefined, host("-1"))).toEqual({ ms: 540_000, problem: null });
    expect(readRunDeadline(setting, undefined, null)).toEqual({ ms: 540_000, problem: null });
  });

  it("shortens the default to end 30 s before a shorter functionTimeout", () => {
    expect(readRunDeadline(setting, undefined, host("00:05:00"))).toEqual({ ms: 270_000, problem: null });
    expect(readRunDeadline(setting, undefined, host("00:00:35.9"))).toEqual({ ms: 5_000, problem: null });
  });

  it("takes a host.json without functionTimeout as the Consumption plan's 5 minutes", () => {
    expect(readRunDeadline(setting, undefined, host())).toEqual({ ms: 270_000, problem: null });
    expect(readRunDeadline(setting, "280", host())).toEqual({
      ms: 540_000,
      problem:
        'M2M_RUN_DEADLINE_SECONDS: expected whole seconds (at most 270: host.json\'s functionTimeout is not set (5 minutes on the Consumption plan), and a run needs 30 s after its deadline to be recorded and alerted; lower the setting or raise functionTimeout); got "280"',
    });
  });

  it("accepts a setting that ends exactly 30 s before functionTimeout", () => {
    expect(readRunDeadline(setting, "570", tenMinutes)).toEqual({ ms: 570_000, problem: null });
    expect(readRunDeadline(setting, "5", tenMinutes)).toEqual({ ms: 5_000, problem: null });
    expect(readRunDeadline(setting, "3600", host("-1"))).toEqual({ ms: 3_600_000, problem: null });
  });

  it("refuses a setting that would let the host kill a run before it is recorded, naming both numbers", () => {
    expect(readRunDeadline(setting, "571", tenMinutes)).toEqual({
      ms: 540_000,
      problem:
        'M2M_RUN_DEADLINE_SECONDS: expected whole seconds (at most 570: host.json\'s functionTimeout is "00:10:00", and a run needs 30 s after its deadline to be recorded and alerted; lower the setting or raise functionTimeout); got "571"',
    });
  });

  it.each(["4", "3601", "1.5", "60.0", "1e2", "-1", "+60", "60s", "x60", "ten minutes"])(
    "refuses %j: whole seconds from 5 to 3600",
    (value) => {
      expect(readRunDeadline(setting, value, host("-1"))).toEqual({
        ms: 540_000,
        problem: `M2M_RUN_DEADLINE_SECONDS: expected whole seconds (5..3600); got ${JSON.stringify(value)}`,
      });
    },
  );

  it("says when functionTimeout leaves no time for any run", () => {
    expect(readRunDeadline(setting, undefined, host("00:00:34"))).toEqual({
      ms: 540_000,
      problem:
        'M2M_RUN_DEADLINE_SECONDS: no deadline leaves a run time: host.json\'s functionTimeout is "00:00:34", and a run needs 30 s after its deadline to be recorded and alerted; raise functionTimeout in host.json',
    });
  });

  it("names a functionTimeout the host would refuse, and a host.json that is not JSON", () => {
    expect(readRunDeadline(setting, "60", host("10m"))).toEqual({
      ms: 540_000,
      problem: 'host.json\'s functionTimeout "10m" is not a TimeSpan ("00:10:00") or -1',
    });
    expect(readRunDeadline(setting, "60", "{ functionTimeout: ")).toEqual({
      ms: 540_000,
      problem: "host.json is not valid JSON, so its functionTimeout cannot be checked",
    });
  });
});
