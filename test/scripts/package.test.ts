import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import ignoreModule from "ignore";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_PATH, packageApp } from "../../scripts/package/packageApp.js";
import { readZip } from "../../scripts/package/readZip.js";
import type { ZipEntry } from "../../scripts/package/ZipEntry.js";

// `ignore` (gitignore rules, as azd reads .funcignore) is CommonJS: under NodeNext its default import is
// module.exports, and the factory is also its own `default`.
const ignore = ignoreModule.default;
const repo = resolve(".");
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

// Settings the entry needs to load (it registers one timer per job); nothing here is contacted.
const appSettings = {
  M2M_TENANT_ID: "00000000-0000-4000-8000-000000000001",
  M2M_CLIENT_ID: "00000000-0000-4000-8000-000000000002",
  M2M_SCOPE: "api://package-test/.default",
  M2M_KEYVAULT_URL: "https://package-test.vault.azure.net",
  M2M_KEYVAULT_CERTIFICATE_NAME: "package-test",
  AzureWebJobsStorage: "UseDevelopmentStorage=true",
  M2M_JOBS: JSON.stringify([
    { name: "nightly", schedule: "0 0 2 * * *", request: { url: "https://api.package-test/sync" } },
  ]),
};

/**
 * The functions (name and bindings) an entry registers when the local host's `@azure/functions-core` loads it, as
 * the Functions worker would: run in a child with `cwd` as the app root and only the app settings in its
 * environment.
 */
function registeredFunctions(cwd: string, entry: string): unknown {
  const probe = join(cwd, "probe.mjs");
  writeFileSync(
    probe,
    `const { loadFunctionApp } = await import(${JSON.stringify(pathToFileURL(join(repo, "dev/host/loadFunctionApp.ts")).href)});\n` +
      `const app = await loadFunctionApp(${JSON.stringify(entry)});\n` +
      `console.log(JSON.stringify(app.functions.map((f) => ({ name: f.metadata.name, bindings: f.metadata.bindings }))));\n`,
  );
  try {
    const output = execFileSync(process.execPath, ["--import", tsxLoader, probe], {
      cwd,
      env: { PATH: process.env.PATH, ...appSettings },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(output.trim().split("\n").at(-1)!);
  } finally {
    rmSync(probe);
  }
}

const text = (entries: readonly ZipEntry[], path: string): string =>
  Buffer.from(entries.find((entry) => entry.path === path)!.data).toString("utf8");

describe("npm run package", () => {
  // A copy of the project whose src/ and scripts/ are the real ones, so the real build and packaging run without
  // touching this checkout's dist/ (other work uses it).
  let project: string;
  let output: string;
  let entries: ZipEntry[];

  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), "m2m-package-"));
    symlinkSync(join(repo, "src"), join(project, "src"), "dir");
    symlinkSync(join(repo, "scripts"), join(project, "scripts"), "dir");
    // The job modules the build bundles.
    symlinkSync(join(repo, "examples"), join(project, "examples"), "dir");
    copyFileSync(join(repo, "package.json"), join(project, "package.json"));
    copyFileSync(join(repo, "host.json"), join(project, "host.json"));
    output = execFileSync(process.execPath, ["--import", tsxLoader, join(repo, "scripts/package.ts")], {
      cwd: project,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    entries = readZip(readFileSync(join(project, PACKAGE_PATH)));
  }, 120_000);

  afterAll(() => {
    rmSync(project, { recursive: true, force: true });
  });

  it("writes dist/m2m-functions.zip holding exactly host.json, package.json and the bundle", () => {
    expect(PACKAGE_PATH).toBe("dist/m2m-functions.zip");
    expect(entries.map((entry) => entry.path)).toEqual(["dist/index.js", "host.json", "package.json"]);
  });

  it("lists what the zip holds, read back from it, with its SHA-256", () => {
    expect(output).toMatch(/^dist\/m2m-functions\.zip \(sha256 [0-9a-f]{64}\):$/m);
    for (const entry of entries) {
      expect(output).toContain(`  ${String(entry.data.length).padStart(10)}  ${entry.path}\n`);
    }
  });

  it("ships a package.json whose main is a file in the zip, with nothing to install", () => {
    const manifest: unknown = JSON.parse(text(entries, "package.json"));
    const source = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest).toEqual({
      name: "m2m-functions",
      version: source.version,
      main: "dist/index.js",
      type: "module",
      engines: source.engines,
    });
    expect(entries.map((entry) => entry.path)).toContain(Reflect.get(manifest as object, "main"));
  });

  it("ships host.json and the bundle as built, byte for byte", () => {
    expect(text(entries, "host.json")).toBe(readFileSync(join(project, "host.json"), "utf8"));
    expect(text(entries, "dist/index.js")).toBe(readFileSync(join(project, "dist/index.js"), "utf8"));
  });

  it("packages the same build to the same bytes", () => {
    const again = packageApp({ root: project, outFile: "dist/again.zip" });
    expect(readFileSync(again.outFile).equals(readFileSync(join(project, PACKAGE_PATH)))).toBe(true);
    expect(output).toContain(`(sha256 ${again.sha256})`);
  });

  it("registers, unzipped where there is no node_modules, the same functions as src/index.ts", () => {
    const app = mkdtempSync(join(tmpdir(), "m2m-unzipped-"));
    try {
      for (const entry of entries) {
        mkdirSync(dirname(join(app, entry.path)), { recursive: true });
        writeFileSync(join(app, entry.path), entry.data);
      }
      const packaged = registeredFunctions(app, "dist/index.js");
      expect(packaged).toEqual(registeredFunctions(repo, "src/index.ts"));
      expect((packaged as { name: string }[]).map((f) => f.name)).toEqual(
        expect.arrayContaining(["diagnostics", "job-nightly", "jobs-run", "certificates-check", "dashboard"]),
      );
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("packageApp", () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "m2m-package-app-"));
    writeFileSync(
      join(root, "package.json"),
      JSON.stringify({
        name: "app",
        version: "1.0.0",
        type: "module",
        main: "dist/index.js",
        engines: { node: "22" },
      }),
    );
    writeFileSync(join(root, "host.json"), '{ "version": "2.0" }\n');
    writeFileSync(join(root, "jobs.json"), "[]\n");
    writeFileSync(join(root, "local.settings.json"), "{}\n");
    mkdirSync(join(root, "dist"));
    writeFileSync(join(root, "dist", "index.js"), "export {};\n");
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("ships an --include'd jobs file at its path under the app root", () => {
    const result = packageApp({ root, include: ["jobs.json"] });
    expect(result.files.map((file) => file.path)).toEqual([
      "dist/index.js",
      "host.json",
      "jobs.json",
      "package.json",
    ]);
    expect(readZip(readFileSync(result.outFile)).map((entry) => entry.path)).toEqual(
      result.files.map((file) => file.path),
    );
  });

  it.each([["local.settings.json"], [".env"], ["certs/app.pem"], ["app.pfx"]])(
    "refuses to ship %s",
    (path) => {
      expect(() => packageApp({ root, include: [path] })).toThrow(
        `--include ${path}: secrets and local settings never ship in the package; set them as app settings ` +
          `(Key Vault references for secrets).`,
      );
    },
  );

  it.each([["../outside.json"], ["/etc/hosts"]])("refuses to ship %s from outside the project", (path) => {
    expect(() => packageApp({ root, include: [path] })).toThrow(
      `--include ${path}: give a path inside the project folder, e.g. jobs.json.`,
    );
  });

  it("refuses to ship a file the package already holds", () => {
    expect(() => packageApp({ root, include: ["./host.json"] })).toThrow(
      "--include ./host.json: the package already holds host.json.",
    );
  });

  it("says to build first when the bundle is missing", () => {
    const unbuilt = mkdtempSync(join(tmpdir(), "m2m-package-unbuilt-"));
    try {
      copyFileSync(join(root, "package.json"), join(unbuilt, "package.json"));
      copyFileSync(join(root, "host.json"), join(unbuilt, "host.json"));
      expect(() => packageApp({ root: unbuilt })).toThrow(
        "dist/index.js does not exist: build the app first (npm run build).",
      );
    } finally {
      rmSync(unbuilt, { recursive: true, force: true });
    }
  });
});

describe(".funcignore", () => {
  const rules = readFileSync(".funcignore", "utf8");
  const packaged = ["dist/index.js", "host.json", "package.json"];
  // What a checkout holds after npm run package, and what azd or Core Tools would otherwise upload.
  const checkout = [
    ...packaged,
    ".ci/run",
    ".env",
    ".funcignore",
    ".github/workflows/deploy.yml",
    "README.md",
    "dev/local.ts",
    "dist/cli.js",
    "dist/cli.js.map",
    "dist/index.js.map",
    "dist/m2m-functions.zip",
    "jobs.example.json",
    "local.settings.example.json",
    "local.settings.json",
    "node_modules/@azure/functions/package.json",
    "node_modules/some-package/dist/index.js",
    "package-lock.json",
    "scripts/build.mjs",
    "src/index.ts",
    "test/scripts/package.test.ts",
    "tsconfig.json",
  ];

  it("lets azd (standard .gitignore rules) upload exactly what the package holds", () => {
    const rulesOf = ignore().add(rules);
    expect(checkout.filter((path) => !rulesOf.ignores(path)).sort()).toEqual(packaged);
  });

  it("lets Core Tools (its prefix-matching dialect) upload the same, plus the bundle's source map", () => {
    const accepts = coreToolsAccepts(rules);
    expect(checkout.filter(accepts).sort()).toEqual([...packaged, "dist/index.js.map"].sort());
  });
});

/**
 * `GitIgnoreParser.Accepts` of azure-functions-core-tools (src/Cli/func/Common/GitIgnoreParser.cs), which Core Tools
 * applies to every file's relative path: a port of the gitignore-parser package, where each pattern matches a path
 * prefix ending at a word boundary and any `!` pattern wins.
 */
function coreToolsAccepts(content: string): (path: string) => boolean {
  const positive: string[] = [];
  const negative: string[] = [];
  for (let line of content.split("\n").map((l) => l.trim())) {
    if (line === "" || line.startsWith("#")) continue;
    const isNegative = line.startsWith("!");
    if (isNegative) line = line.slice(1);
    if (line.startsWith("/")) line = line.slice(1);
    (isNegative ? negative : positive).push(line);
  }
  const pattern = (item: string): string =>
    item
      .replace(/[-[\]/{}()+?.\\^$|]/g, "\\$&")
      .replaceAll("**", "(.+)")
      .replaceAll("*", "([^\\/]+)");
  const regex = (items: string[]): RegExp =>
    items.length > 0 ? new RegExp(`^((${items.map(pattern).join(")|(")}))\\b`) : /$^/;
  const [denies, allows] = [regex(positive), regex(negative)];
  return (path) => allows.test(path) || !denies.test(path);
}
