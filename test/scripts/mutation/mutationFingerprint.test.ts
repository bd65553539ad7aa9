import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { mutationFingerprint } from "../../../scripts/mutation/mutationFingerprint.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A module that imports a neighbour, and its test, in a folder of their own. */
function project() {
  const dir = mkdtempSync(join(tmpdir(), "m2m-fingerprint-"));
  dirs.push(dir);
  const files = {
    module: join(dir, "decide.ts"),
    neighbour: join(dir, "limits.ts"),
    unrelated: join(dir, "other.ts"),
    test: join(dir, "decide.test.ts"),
  };
  writeFileSync(
    files.module,
    'import { LIMIT } from "./limits.js";\nexport const decide = (n: number) => n > LIMIT;\n',
  );
  writeFileSync(files.neighbour, "export const LIMIT = 3;\n");
  writeFileSync(files.unrelated, "export const OTHER = 1;\n");
  writeFileSync(files.test, "// decide's tests\n");
  return { files, entry: { module: files.module, tests: [files.test] } };
}

describe("mutationFingerprint", () => {
  it("is the same while nothing the score depends on changes, and ignores modules the module does not import", async () => {
    const { files, entry } = project();
    const before = await mutationFingerprint(entry);
    writeFileSync(files.unrelated, "export const OTHER = 2;\n");
    expect(await mutationFingerprint(entry)).toBe(before);
  });

  it.each([
    [
      "the module",
      "module",
      'import { LIMIT } from "./limits.js";\nexport const decide = (n: number) => n >= LIMIT;\n',
    ],
    ["a module it imports", "neighbour", "export const LIMIT = 4;\n"],
    ["its tests", "test", "// decide's tests, one more\n"],
  ] as const)("changes when %s changes", async (_what, file, content) => {
    const { files, entry } = project();
    const before = await mutationFingerprint(entry);
    writeFileSync(files[file], content);
    expect(await mutationFingerprint(entry)).not.toBe(before);
  });
});
