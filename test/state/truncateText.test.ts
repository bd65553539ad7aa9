import { describe, expect, it } from "vitest";
import { truncateText } from "../../src/state/truncateText.js";

describe("truncateText", () => {
  it("leaves text within the limit as it is", () => {
    expect(truncateText("abc", 3)).toEqual({ text: "abc", truncated: false });
  });

  it("leaves text of exactly maxChars as it is, and cuts text one over, saying how many were dropped", () => {
    expect(truncateText("y".repeat(30), 30)).toEqual({ text: "y".repeat(30), truncated: false });
    expect(truncateText("y".repeat(31), 30)).toEqual({
      text: `${"y".repeat(9)}…[truncated 22 chars]`,
      truncated: true,
    });
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

  it("keeps one more character when the smaller count needs one digit less", () => {
    // Dropping all 100 needs "100" (22 characters in all); keeping one leaves "99", so that one fits.
    expect(truncateText("y".repeat(100), 22).text).toBe("y…[truncated 99 chars]");
  });

  it("never leaves half of a surrogate pair", () => {
    const { text } = truncateText("a" + "😀".repeat(20), 25);
    // 25 would end inside the second emoji: it is dropped whole.
    expect(text).toBe("a😀…[truncated 38 chars]");
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it.each([
    { pair: "\uD800\uDC00", codePoint: "U+10000" },
    { pair: "\uDBFF\uDFFF", codePoint: "U+10FFFF" },
  ])("drops $codePoint whole when the cut would land inside it", ({ pair }) => {
    // The cut after 4 characters lands between the pair's halves: "abc" is kept, and 42 of 45 are dropped.
    expect(truncateText(`abc${pair}${"y".repeat(40)}`, 25).text).toBe("abc…[truncated 42 chars]");
  });

  it("keeps a surrogate pair that ends right at the cut", () => {
    expect(truncateText("ab" + "😀".repeat(20), 25).text).toBe("ab😀…[truncated 38 chars]");
  });

  it.each([
    { max: 21, text: "…[truncated 100 chars" },
    { max: 5, text: "…[tru" },
    { max: 1, text: "…" },
    { max: 0, text: "" },
  ])("keeps within maxChars $max, smaller than the marker, by cutting the marker itself", ({ max, text }) => {
    expect(truncateText("y".repeat(100), max)).toEqual({ text, truncated: true });
  });
});
