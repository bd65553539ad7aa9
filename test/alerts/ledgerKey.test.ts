import { describe, expect, it } from "vitest";
import { ledgerKey } from "../../src/alerts/ledgerKey.js";

describe("ledgerKey", () => {
  it.each([
    ["job:report-sync", "job:report-sync"],
    [
      "job:report-sync:firing:after:2030-01-01T09:00:00.000Z",
      "job:report-sync:firing:after:2030-01-01T09:00:00.000Z",
    ],
    ["certificate:kv-prod/app-cert", "certificate:kv-prod~2Fapp-cert"],
    ["a#b?c\\d'e", "a~23b~3Fc~5Cd~27e"],
    ["a|b~c", "a~7Cb~7Ec"],
    ["zertifikat:ü", "zertifikat:~C3~BC"],
  ])("keeps %j usable as a Table Storage key: %j", (value, key) => {
    expect(ledgerKey(value, "alert subject")).toBe(key);
  });

  it("never maps two values to one key", () => {
    expect(ledgerKey("a/b", "x")).not.toBe(ledgerKey("a~2Fb", "x"));
  });

  it("refuses a value too long for a key, naming what it is", () => {
    expect(() => ledgerKey("x".repeat(513), "alert subject")).toThrow(
      expect.objectContaining({
        code: "STATE_INVALID_KEY",
        message: expect.stringContaining("The alert subject 'xxx") as unknown,
      }),
    );
  });
});
