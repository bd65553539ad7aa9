// Benchmark: how long importing the Functions entry takes, bundled (dist/index.js, what ships) vs. unbundled
// (tsc output importing from node_modules). Cold start on Azure reads the app from a network share, where every
// extra file costs more than here; this reports the local number. Each sample is a fresh Node process.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";
import { resolve } from "node:path";

const runs = Number(process.env.RUNS ?? 7);
// The build reads the job folders' rules from the app's TypeScript: it runs under tsx, as npm run build does.
execFileSync("node", ["--import", "tsx", "scripts/build.mjs"], { stdio: "ignore" });
execFileSync("npx", ["--no-install", "tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
// src/ reads ../package.json (the user agent's version); give the unbundled copy the same neighbour.
copyFileSync("package.json", ".tsbuild/package.json");

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

function sample(entry) {
  const script = `const t = performance.now(); await import(${JSON.stringify(entry)}); console.log(performance.now() - t);`;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    env,
    stdio: ["ignore", "pipe", "ignore"],
  });
  return Number(output.trim().split("\n").at(-1));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const entries = { bundled: resolve("dist/index.js"), unbundled: resolve(".tsbuild/src/index.js") };
const results = {};
for (const [name, entry] of Object.entries(entries)) {
  if (!existsSync(entry)) throw new Error(`${entry} was not built`);
  sample(entry); // warm the file system cache once, as a second cold start on the same worker would
  results[name] = median(Array.from({ length: runs }, () => sample(entry)));
}
console.log(`node ${process.version}, median of ${runs} fresh processes:`);
for (const [name, ms] of Object.entries(results)) console.log(`  ${name.padEnd(9)} ${ms.toFixed(1)} ms`);
