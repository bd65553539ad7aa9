// Bundles the deployable app: one file per entry, so a cold start on Azure (which reads the app from a network
// share) opens two files instead of thousands under node_modules (esbuild options: scripts/esbuildOptions.mjs).
// Job modules (jobs/, examples/jobs/) are picked up here: the loader the source runs with reads the folders at start,
// which a deployed app cannot do, so the bundle gets a loader that imports each module file found now.
// Run under tsx (npm run build) to read the job folders' rules from the app's own source.
import { build } from "esbuild";
import { bundleOptions } from "./esbuildOptions.mjs";
import { readdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { JOB_FOLDERS, jobModuleNames } from "../src/jobs/code/jobModuleFiles.ts";

/** The job modules under the app root, as `{ source, path }`, in the order the source loader finds them. */
async function jobModuleFiles(root) {
  const files = [];
  for (const folder of Object.values(JOB_FOLDERS)) {
    const names = await readdir(join(root, folder)).catch((error) => {
      if (error.code === "ENOENT") return [];
      throw error;
    });
    for (const name of jobModuleNames(names))
      files.push({ source: `${folder}/${name}`, path: join(root, folder, name) });
  }
  return files;
}

/** Replaces src/jobs/code/loadJobModules.ts with static imports of the job module files found at build time. */
const bundledJobModules = {
  name: "m2m-job-modules",
  setup(context) {
    const loader = resolve("src/jobs/code/loadJobModules.ts");
    context.onLoad({ filter: /[\\/]src[\\/]jobs[\\/]code[\\/]loadJobModules\.ts$/ }, async (args) => {
      if (resolve(args.path) !== loader) return undefined;
      const files = await jobModuleFiles(resolve("."));
      const imports = files.map((file, i) => `import * as job${i} from ${JSON.stringify(file.path)};`);
      const entries = files.map(
        (file, i) => `{ source: ${JSON.stringify(file.source)}, exported: job${i}.default }`,
      );
      return {
        loader: "ts",
        resolveDir: resolve("."),
        watchFiles: files.map((file) => file.path),
        contents: `${imports.join("\n")}\n/** The job modules found when the app was built (scripts/build.mjs). */\nexport async function loadJobModules() {\n  return [${entries.join(", ")}];\n}\n`,
      };
    });
  },
};

await rm("dist", { recursive: true, force: true });
await build({
  ...bundleOptions,
  entryPoints: { index: "src/index.ts", cli: "src/cli.ts", m2m: "src/cli/m2m.ts" },
  outdir: "dist",
  sourcemap: "linked",
  plugins: [bundledJobModules],
  logLevel: "info",
  metafile: false,
});
