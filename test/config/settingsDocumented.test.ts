import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { settings } from "../../src/config/settings.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const example = JSON.parse(
  readFileSync(new URL("../../local.settings.example.json", import.meta.url), "utf8"),
) as {
  Values: Record<string, string>;
};

describe("app settings documentation", () => {
  it.each(Object.values(settings).map((s) => s.name))(
    "%s is in the README and local.settings.example.json",
    (name) => {
      expect(readme).toContain(`\`${name}\``);
      expect(example.Values).toHaveProperty(name);
    },
  );

  it("local.settings.example.json has no setting the app does not read", () => {
    const known = new Set<string>([
      ...Object.values(settings).map((s) => s.name),
      "FUNCTIONS_WORKER_RUNTIME",
      "AzureWebJobsStorage",
    ]);
    expect(Object.keys(example.Values).filter((name) => !known.has(name))).toEqual([]);
  });
});
