import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, normalize } from "node:path";
import type { MutationModule } from "./mutationModules.js";

/** What decides a module's score besides its own code and tests: the gate's tooling and its settings. */
const TOOLING = ["stryker.config.json", "vitest.mutation.config.ts", "scripts/mutation/mutationModules.ts"];
const STRYKER_PACKAGES = ["@stryker-mutator/core", "@stryker-mutator/vitest-runner", "vitest"];

/** The local modules a file imports directly (`from "./x.js"` → `./x.ts`), as paths from the project root. */
function localImports(file: string, source: string): string[] {
  return [...source.matchAll(/from\s+"(\.{1,2}\/[^"]+)\.js"/g)]
    .map((match) => normalize(join(dirname(file), `${match[1]}.ts`)))
    .filter((path) => existsSync(path));
}

/**
 * A fingerprint of everything a module's mutation score depends on: the module, the modules it imports directly, its
 * tests, the gate's settings and the versions of Stryker and Vitest. Equal fingerprints mean the recorded passing
 * score still holds; any change to one of them means the module is scored again.
 */
export async function mutationFingerprint(entry: MutationModule): Promise<string> {
  const hash = createHash("sha256");
  const add = async (path: string) => {
    hash.update(`${path}\0`);
    hash.update(await readFile(path));
    hash.update("\0");
  };
  const moduleSource = await readFile(entry.module, "utf8");
  for (const path of [
    entry.module,
    ...localImports(entry.module, moduleSource).sort(),
    ...entry.tests,
    ...TOOLING,
  ]) {
    await add(path);
  }
  for (const name of STRYKER_PACKAGES) {
    const { version } = JSON.parse(await readFile(`node_modules/${name}/package.json`, "utf8")) as {
      version: string;
    };
    hash.update(`${name}@${version}\0`);
  }
  return hash.digest("hex");
}
