import { describe, expect, it } from "vitest";
import { createSettingReader } from "../../src/config/createSettingReader.js";
import { readRunLimits } from "../../src/config/readRunLimits.js";

function read(env: Record<string, string>, hostJson: string | null = null) {
  const reader = createSettingReader(env);
  return { value: readRunLimits(reader, hostJson), problems: reader.problems };
}

describe("readRunLimits", () => {
  it("defaults to a 540 s deadline and 1 MiB bodies", () => {
    expect(read({})).toEqual({ value: { runDeadlineMs: 540_000, maxBodyBytes: 1_048_576 }, problems: [] });
  });

  it("takes the deadline as host.json allows it, and says why when it does not", () => {
    const host = JSON.stringify({ functionTimeout: "00:05:00" });
    expect(read({ M2M_RUN_DEADLINE_SECONDS: "270" }, host).value.runDeadlineMs).toBe(270_000);
    expect(read({}, host).value.runDeadlineMs).toBe(270_000);
    expect(read({ M2M_RUN_DEADLINE_SECONDS: "271" }, host).problems).toEqual([
      expect.stringMatching(
        /^M2M_RUN_DEADLINE_SECONDS: expected .* \(at most 270: host\.json's functionTimeout is "00:05:00", .*\); got "271"$/,
      ),
    ]);
    expect(read({}, "{").problems).toEqual([
      "host.json is not valid JSON, so its functionTimeout cannot be checked",
    ]);
  });

  it("reads the body cap from 1 KiB to 64 MiB", () => {
    expect(read({ M2M_MAX_BODY_BYTES: "1024" }).value.maxBodyBytes).toBe(1024);
    expect(read({ M2M_MAX_BODY_BYTES: "67108864" }).value.maxBodyBytes).toBe(67_108_864);
    for (const value of ["1023", "67108865"]) {
      expect(read({ M2M_MAX_BODY_BYTES: value })).toEqual({
        value: { runDeadlineMs: 540_000, maxBodyBytes: 1_048_576 },
        problems: [
          `M2M_MAX_BODY_BYTES: expected whole bytes of a downstream response body to read at most (default 1048576) (1024..67108864); got "${value}"`,
        ],
      });
    }
  });
});
