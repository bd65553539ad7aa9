// npm run job -- <name> [--input '<json>'] [--settings FILE] [--scenario FILE]
// Runs one job once, as POST /api/jobs/{name}/run does — the lease, the deadline, run history and alerts included —
// and prints its result and the run record history kept. Against the stand-ins (the default world, as `npm run local`
// starts it) unless --settings names a settings file (then the app's real settings: Entra ID, Key Vault, storage).
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { applySettingsToEnvironment } from "../src/cli/applySettingsToEnvironment.js";
import { readSettingsFile } from "../src/cli/readSettingsFile.js";
import { createServices } from "../src/container.js";
import { loadConfig } from "../src/config/loadConfig.js";
import { M2mError } from "../src/errors.js";
import { loadJobModules } from "../src/jobs/code/loadJobModules.js";
import { consoleLogger } from "../src/logging/consoleLogger.js";
import { startLocalWorld, type LocalWorld } from "./demo/startDemo.js";

const usage = `Usage: npm run job -- <name> [options]

  --input JSON      a manual run's input (what POST /api/jobs/<name>/run takes as its body), checked by the job
  --settings FILE   run with these app settings (a local.settings.json) instead of the local stand-ins
  --scenario FILE   the stand-ins' scenario (default dev/scenarios/default.json)

Exit code: 0 when the run succeeded, 1 when it failed, timed out or was skipped, 2 for a usage or settings error.`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        input: { type: "string" },
        settings: { type: "string" },
        scenario: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }
  const { values: args, positionals } = parsed;
  if (args.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(`Name one job to run.\n\n${usage}`);
    return 2;
  }
  const name = positionals[0]!;
  let input: unknown;
  if (args.input !== undefined) {
    try {
      input = JSON.parse(args.input) as unknown;
    } catch {
      console.error(`--input: expected JSON, such as '{"from": 0}'. Nothing was run.`);
      return 2;
    }
  }

  let world: LocalWorld | null = null;
  try {
    if (args.settings !== undefined) {
      applySettingsToEnvironment(readSettingsFile(args.settings), process.env, process.env);
    } else {
      world = await startLocalWorld(
        args.scenario ?? fileURLToPath(new URL("./scenarios/default.json", import.meta.url)),
      );
      Object.assign(process.env, world.env);
      console.log(`Stand-ins: Entra ID ${world.standIns.entra.authorityHost}, API ${world.downstreamUrl}\n`);
    }
    const config = loadConfig(process.env, undefined, { jobModules: await loadJobModules() });
    const logger = consoleLogger();
    const services = createServices(config, { logger });
    const result = await services.jobs.run(
      name,
      { kind: "manual", isPastDue: false },
      logger,
      input !== undefined ? { input } : {},
    );
    const [record] = await services.jobs.recentRuns(result.job, 1);
    console.log(
      record?.runId === result.runId
        ? `\nRun record (as GET /api/jobs/${result.job}/runs shows it):\n${JSON.stringify(record, null, 2)}`
        : `\nThe run was not found in run history (see the log above for why). Its result:\n${JSON.stringify(result, null, 2)}`,
    );
    const outcome = result.errorCode
      ? `${result.status} (${result.errorCode}: ${result.errorMessage ?? ""})`
      : result.status;
    console.log(
      `\nResult: ${result.job} ${outcome} in ${result.durationMs} ms; summary ${JSON.stringify(result.json)}`,
    );
    return result.status === "succeeded" ? 0 : 1;
  } catch (error) {
    // An unknown job, a refused input, a settings problem: the app's own words, without a stack.
    if (error instanceof M2mError) {
      console.error(`${error.code}: ${error.message}`);
      return 2;
    }
    throw error;
  } finally {
    await world?.stop();
  }
}

// Exit explicitly: SDK clients and token caches may hold sockets or timers.
process.exit(await main(process.argv.slice(2)));
