// Benchmark (not a test): how long a cold start spends importing the Functions entry. Three arms, each a fresh Node
// process per sample, sampled in turn (A, B, C, A, B, C, …) so that the machine's drift falls on all of them alike:
// - `app`: dist/index.js, the bundle that ships (npm run build);
// - `sdks`: the reference — a bundle of the four SDKs the app cannot do without (MSAL Node, @azure/identity, the Key
//   Vault certificates client and @azure/data-tables) and @azure/functions, with the same esbuild settings: what any
//   app on these SDKs pays;
// - `unbundled`: the tsc output importing from node_modules (what the bundle saves).
// Prints medians and p99 per arm and the ratios against the reference. RUNS=<n> sets the samples per arm (default 21);
// BENCH_JSON=<file> also writes the figures there.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { build } from "esbuild";
import { bundleOptions } from "./esbuildOptions.mjs";

const runs = Number(process.env.RUNS ?? 21);
// UNBUNDLED=0 leaves out the unbundled arm and its tsc build (npm run bench -- --quick).
const unbundled = process.env.UNBUNDLED !== "0";
// The build reads the job folders' rules from the app's TypeScript: it runs under tsx, as npm run build does.
execFileSync("node", ["--import", "tsx", "scripts/build.mjs"], { stdio: "ignore" });
if (unbundled) {
  execFileSync("npx", ["--no-install", "tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
  // src/ reads ../package.json (the user agent's version); give the unbundled copy the same neighbour.
  copyFileSync("package.json", ".tsbuild/package.json");
}

// The reference: the SDKs alone, each module evaluated (a namespace kept alive, so nothing is dropped), bundled as
// scripts/build.mjs bundles the app.
mkdirSync(".tsbuild/bench", { recursive: true });
writeFileSync(
  ".tsbuild/bench/sdks.mjs",
  [
    'import * as msal from "@azure/msal-node";',
    'import * as identity from "@azure/identity";',
    'import * as certificates from "@azure/keyvault-certificates";',
    'import * as tables from "@azure/data-tables";',
    'import * as functions from "@azure/functions";',
    "globalThis.__sdks = [msal, identity, certificates, tables, functions];",
  ].join("\n"),
);
await build({
  ...bundleOptions,
  entryPoints: { sdks: ".tsbuild/bench/sdks.mjs" },
  outdir: ".tsbuild/bench/dist",
  logLevel: "silent",
});

// Valid settings: the entry reads them to register one timer per job.
const env = {
  ...process.env,
  M2M_TENANT_ID: "00000000-0000-4000-8000-000000000001",
  M2M_CLIENT_ID: "00000000-0000-4000-8000-000000000002",
  M2M_SCOPE: "api://bench/.default",
  M2M_KEYVAULT_URL: "https://bench.vault.azure.net",
  M2M_KEYVAULT_CERTIFICATE_NAME: "bench",
  AzureWebJobsStorage: "UseDevelopmentStorage=true",
  M2M_JOBS: JSON.stringify([
    { name: "bench", schedule: "0 */5 * * * *", request: { url: "https://bench.test/" } },
  ]),
};

/** Milliseconds a fresh Node process takes to import `entry`, timed inside it. */
function sample(entry) {
  const script = `const t = performance.now(); await import(${JSON.stringify(entry)}); console.log(performance.now() - t);`;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    env,
    stdio: ["ignore", "pipe", "ignore"],
  });
  return Number(output.trim().split("\n").at(-1));
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

const arms = {
  app: resolve("dist/index.js"),
  sdks: resolve(".tsbuild/bench/dist/sdks.js"),
  ...(unbundled ? { unbundled: resolve(".tsbuild/src/index.js") } : {}),
};
const times = Object.fromEntries(Object.keys(arms).map((name) => [name, []]));
for (const entry of Object.values(arms)) {
  if (!existsSync(entry)) throw new Error(`${entry} was not built`);
  sample(entry); // warm the file system cache once, as a second cold start on the same worker would
}
for (let i = 0; i < runs; i++) {
  for (const [name, entry] of Object.entries(arms)) times[name].push(sample(entry));
}

const reference = percentile(times.sdks, 0.5);
console.log(`node ${process.version}, ${runs} fresh processes per arm, interleaved:`);
for (const [name, values] of Object.entries(times)) {
  const p50 = percentile(values, 0.5);
  const ratio = name === "sdks" ? "reference" : `${(p50 / reference).toFixed(2)}× the SDKs alone`;
  console.log(
    `  ${name.padEnd(9)} p50 ${p50.toFixed(1).padStart(7)} ms  p99 ${percentile(values, 0.99).toFixed(1).padStart(7)} ms  ${ratio}`,
  );
}

// For `npm run bench`: the figures as JSON.
if (process.env.BENCH_JSON) {
  const summary = Object.fromEntries(
    Object.entries(times).map(([name, values]) => [
      name,
      { p50: percentile(values, 0.5), p99: percentile(values, 0.99), samples: values.length },
    ]),
  );
  writeFileSync(process.env.BENCH_JSON, `${JSON.stringify({ runs, arms: summary })}\n`);
}
