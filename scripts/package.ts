// npm run package [-- --include jobs.json]: builds the app (scripts/build.mjs), then writes the deployment package
// (scripts/package/packageApp.ts) and lists it as read back from the zip, with its SHA-256.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { packageApp } from "./package/packageApp.js";
import { readZip } from "./package/readZip.js";

const usage = `Usage: npm run package [-- --include FILE ...]

  --include FILE   also ship FILE (relative to the project folder), e.g. the jobs file M2M_JOBS_FILE names`;

function main(argv: string[]): number {
  let include: string[];
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        include: { type: "string", multiple: true, default: [] },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    if (values.help) {
      console.log(usage);
      return 0;
    }
    include = values.include;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }

  // The build reads the job folders' rules from the app's TypeScript: it runs with the loader this script runs with.
  execFileSync(process.execPath, [...process.execArgv, "scripts/build.mjs"], { stdio: "inherit" });
  try {
    const result = packageApp({ root: process.cwd(), include });
    const listed = readZip(readFileSync(result.outFile));
    console.log(`\n${relative(process.cwd(), result.outFile)} (sha256 ${result.sha256}):`);
    for (const entry of listed) console.log(`  ${String(entry.data.length).padStart(10)}  ${entry.path}`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
