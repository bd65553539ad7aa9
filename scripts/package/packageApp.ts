import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { deployManifest } from "./deployManifest.js";
import { writeZip } from "./writeZip.js";
import type { ZipEntry } from "./ZipEntry.js";

/** Where `npm run package` writes the deployment package, relative to the project root (gitignored with dist/). */
export const PACKAGE_PATH = "dist/m2m-functions.zip";

export interface PackageOptions {
  /** The project folder: host.json, package.json and the built bundle its "main" names. */
  readonly root: string;
  /** Where to write the zip; relative paths are under `root`. Default PACKAGE_PATH. */
  readonly outFile?: string;
  /** Further files to ship, relative to `root`: a jobs file that M2M_JOBS_FILE names, say. */
  readonly include?: readonly string[];
}

export interface PackageResult {
  /** Absolute path of the zip written. */
  readonly outFile: string;
  /** The files in the zip, sorted by path, as the archive lists them. */
  readonly files: readonly { readonly path: string; readonly size: number }[];
  /** SHA-256 of the zip, hex: the same sources and lockfile build the same package, so the same digest. */
  readonly sha256: string;
}

// Files that hold secrets or a machine's settings: the app reads those from its app settings, never from the package.
const NEVER_SHIPPED = [/(^|\/)local\.settings\.json$/, /(^|\/)\.env(\..*)?$/, /\.(pem|pfx|p12|key)$/i];

/**
 * Writes the deployment package of an already built app: host.json at the root, package.json trimmed to what the
 * host reads (deployManifest), the bundle its "main" names and any `include`d files — nothing else. The bundle is
 * self-contained (esbuild inlines every dependency, `@azure/functions-core` comes from the worker, package.json's
 * version is inlined), so there is no node_modules; source maps stay out (see README "Deploy"). Deterministic: the
 * same files give the same bytes (writeZip). Throws when a file is missing, with what to run.
 */
export function packageApp(options: PackageOptions): PackageResult {
  const root = resolve(options.root);
  const read = (path: string, missing: string): Buffer => {
    const file = resolve(root, path);
    if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`${path} does not exist: ${missing}.`);
    return readFileSync(file);
  };

  const manifest = deployManifest(
    JSON.parse(read("package.json", "run this in the project folder").toString()),
  );
  const entries: ZipEntry[] = [
    { path: "host.json", data: read("host.json", "the Functions host needs it at the app root") },
    { path: "package.json", data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    { path: manifest.main, data: read(manifest.main, "build the app first (npm run build)") },
  ];
  for (const path of options.include ?? []) {
    const inside = relative(root, resolve(root, path)).split(sep).join("/");
    if (isAbsolute(path) || inside.startsWith("../") || inside === "..") {
      throw new Error(`--include ${path}: give a path inside the project folder, e.g. jobs.json.`);
    }
    if (NEVER_SHIPPED.some((pattern) => pattern.test(inside))) {
      throw new Error(
        `--include ${path}: secrets and local settings never ship in the package; set them as app settings ` +
          `(Key Vault references for secrets).`,
      );
    }
    if (entries.some((entry) => entry.path === inside)) {
      throw new Error(`--include ${path}: the package already holds ${inside}.`);
    }
    entries.push({ path: inside, data: read(path, "check the path given to --include") });
  }

  const zip = writeZip(entries);
  const outFile = resolve(root, options.outFile ?? PACKAGE_PATH);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, zip);
  return {
    outFile,
    files: entries
      .map((entry) => ({ path: entry.path, size: entry.data.length }))
      .sort((a, b) => (a.path < b.path ? -1 : 1)),
    sha256: createHash("sha256").update(zip).digest("hex"),
  };
}
