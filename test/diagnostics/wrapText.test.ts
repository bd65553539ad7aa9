import { describe, expect, it } from "vitest";
import { wrapText } from "../../src/diagnostics/wrapText.js";

describe("wrapText", () => {
  it("fills lines up to the width, indent included, and breaks between words", () => {
    expect(wrapText("one two three four", 13, "  ")).toEqual(["  one two", "  three four"]);
  });

  it("keeps a line of exactly the width", () => {
    expect(wrapText("abc def", 9, "  ")).toEqual(["  abc def"]);
    expect(wrapText("abc defg", 9, "  ")).toEqual(["  abc", "  defg"]);
  });

  it("gives a word longer than the width a line of its own, and folds runs of spaces and newlines", () => {
    expect(wrapText("a  https://example.com/a/long/path\n b", 10, "")).toEqual([
      "a",
      "https://example.com/a/long/path",
      "b",
    ]);
  });

  it("returns no line for empty text", () => {
    expect(wrapText("  ", 10, "  ")).toEqual([]);
  });
});
