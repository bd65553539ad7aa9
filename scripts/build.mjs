// Bundles the deployable app: one file per entry, so a cold start on Azure (which reads the app from a network
// share) opens two files instead of thousands under node_modules. @azure/functions-core is provided by the
// Functions worker at run time and stays external.
import { build } from "esbuild";
import { rm } from "node:fs/promises";

await rm("dist", { recursive: true, force: true });
await build({
  entryPoints: { index: "src/index.ts", cli: "src/cli.ts", m2m: "src/cli/m2m.ts" },
  outdir: "dist",
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  splitting: false,
  sourcemap: "linked",
  external: ["@azure/functions-core"],
  // CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __m2mCreateRequire } from 'node:module'; const require = __m2mCreateRequire(import.meta.url);",
  },
  logLevel: "info",
  metafile: false,
});
