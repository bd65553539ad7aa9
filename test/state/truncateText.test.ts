import { describe, expect, it } from "vitest";
import { truncateText } from "../../src/state/truncateText.js";

describe("truncateText", () => {
  it("leaves text within the limit as it is", () => {
    expect(truncateText("abc", 3)).toEqual({ text: "abc", truncated: false });
  });

  it.each([
    { length: 100, max: 40 },
    { length: 100_006, max: 32_000 },
    { length: 1_000, max: 990 },
  ])("cuts $length characters to exactly $max, saying how many were dropped", ({ length, max }) => {
    const { text, truncated } = truncateText("y".repeat(length), max);
    expect(truncated).toBe(true);
    expect(text).toHaveLength(max);
    const dropped = Number(/…\[truncated (\d+) chars\]$/.exec(text)?.[1]);
    expect(text.indexOf("…")).toBe(length - dropped);
  });

  it("never leaves half of a surrogate pair", () => {
    const { text } = truncateText("a" + "😀".repeat(20), 25);
    // 25 would end inside the second emoji: it is dropped whole.
    expect(text).toBe("a😀…[truncated 38 chars]");
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});
