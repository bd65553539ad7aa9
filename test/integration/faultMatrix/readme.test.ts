import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { readmeTable } from "./spec.js";

/** The cells of a Markdown table's rows, trimmed (the separator row left out): what Prettier's padding leaves alone. */
function tableCells(markdown: string): string[][] {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("|") && !/^\|[\s|:-]+\|$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split("|")
        .map((cell) => cell.trim()),
    );
}

describe("README.md's fault matrix", () => {
  it("is the table the fault matrix tests are generated from, cell for cell", async () => {
    const readme = await readFile(new URL("../../../README.md", import.meta.url), "utf8");
    const section = readme.split(/^## /m).find((part) => part.startsWith("Fault matrix\n"));
    expect(section, "README.md has a '## Fault matrix' section").toBeDefined();

    expect(tableCells(section!)).toEqual(tableCells(readmeTable()));
  });
});
