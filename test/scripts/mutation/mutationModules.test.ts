import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MUTATION_MODULES } from "../../../scripts/mutation/mutationModules.js";

describe("MUTATION_MODULES", () => {
  it.each(MUTATION_MODULES.map((m) => [m.module, m.tests] as const))(
    "%s exists and is imported by each of its own tests",
    (module, tests) => {
      expect(existsSync(module)).toBe(true);
      expect(tests.length).toBeGreaterThan(0);
      const importPath = module.replace(/^src\//, "/src/").replace(/\.ts$/, ".js");
      for (const test of tests) {
        expect(existsSync(test), test).toBe(true);
        expect(readFileSync(test, "utf8"), `${test} imports ${module}`).toContain(importPath);
      }
    },
  );

  it("lists each module once", () => {
    const modules = MUTATION_MODULES.map((m) => m.module);
    expect(new Set(modules).size).toBe(modules.length);
  });

  it("is the list the README's Development section gives", () => {
    const readme = readFileSync("README.md", "utf8");
    for (const { module } of MUTATION_MODULES)
      expect(readme).toContain(`\`${module.replace(/^src\//, "")}\``);
  });
});
