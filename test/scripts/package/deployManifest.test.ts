import { describe, expect, it } from "vitest";
import { deployManifest } from "../../../scripts/package/deployManifest.js";

const project = {
  name: "m2m-functions",
  version: "1.2.3",
  private: true,
  type: "module",
  main: "dist/index.js",
  bin: { "m2m-diagnose": "dist/cli.js" },
  engines: { node: ">=22 <23" },
  scripts: { build: "node scripts/build.mjs" },
  dependencies: { "@azure/functions": "^4.16.5" },
  devDependencies: { vitest: "^5.1.1" },
  optionalDependencies: { "azure-functions-core-tools": "^4.13.2" },
};

describe("deployManifest", () => {
  it("keeps name, version, main, type and engines, in that order, and nothing to install", () => {
    const manifest = deployManifest(project);
    expect(manifest).toEqual({
      name: "m2m-functions",
      version: "1.2.3",
      main: "dist/index.js",
      type: "module",
      engines: { node: ">=22 <23" },
    });
    expect(Object.keys(manifest)).toEqual(["name", "version", "main", "type", "engines"]);
  });

  it('drops a leading "./" from main, as the package lists "dist/index.js"', () => {
    expect(deployManifest({ ...project, main: "./dist/index.js" }).main).toBe("dist/index.js");
  });

  it("names every field that is missing or not of the expected form", () => {
    expect(() => deployManifest({ name: "m2m-functions", main: "../index.js", type: "commonjs" })).toThrow(
      "package.json cannot be packaged:\n" +
        '- "version" must be its version; it is missing\n' +
        '- "main" must be a path inside the app, e.g. "dist/index.js"; it is "../index.js"\n' +
        '- "type" must be "module" (the bundle is an ES module); it is "commonjs"\n' +
        '- "engines.node" must be the Node.js range the app runs on, e.g. ">=22 <23"; it is missing',
    );
  });

  it("refuses something that is not a package.json object", () => {
    expect(() => deployManifest([])).toThrow(
      'package.json cannot be packaged:\n- "name" must be the app\'s name; it is missing\n',
    );
  });
});
