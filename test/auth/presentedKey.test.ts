import { describe, expect, it } from "vitest";
import { presentedKey } from "../../src/auth/presentedKey.js";

describe("presentedKey", () => {
  it.each([
    [null, null, null],
    ["header-key", null, "header-key"],
    [null, "query-key", "query-key"],
    ["header-key", "query-key", "header-key"],
    ["", "query-key", null],
    [null, "", null],
    ["", "", null],
    [" ", null, " "],
  ])("header %j and ?code=%j present the key %j", (header, code, key) => {
    expect(presentedKey(header, code)).toBe(key);
  });
});
