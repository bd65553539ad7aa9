import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { settings } from "../../src/config/settings.js";
import { loadJobModules } from "../../src/jobs/code/loadJobModules.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const example = JSON.parse(
  readFileSync(new URL("../../local.settings.example.json", import.meta.url), "utf8"),
) as {
  Values: Record<string, string>;
};

/** The settings the job modules read (`settings`) and their %SETTING% schedules: app settings too. */
const jobSettings = (await loadJobModules()).flatMap(({ exported }) => {
  const module = exported as { settings?: string[]; schedule?: string };
  const reference = /^%(.+)%$/.exec(module.schedule ?? "");
  return [...(module.settings ?? []), ...(reference ? [reference[1]!] : [])];
});

describe("app settings documentation", () => {
  it.each([...Object.values(settings).map((s) => s.name), ...jobSettings])(
    "%s is in the README and local.settings.example.json",
    (name) => {
      expect(readme).toContain(`\`${name}\``);
      expect(example.Values).toHaveProperty(name);
    },
  );

  it("local.settings.example.json has no setting the app does not read", () => {
    const known = new Set<string>([
      ...Object.values(settings).map((s) => s.name),
      ...jobSettings,
      "FUNCTIONS_WORKER_RUNTIME",
      "AzureWebJobsStorage",
    ]);
    expect(Object.keys(example.Values).filter((name) => !known.has(name))).toEqual([]);
  });
});
