// Runs the app's functions locally without Azure Functions Core Tools, like `func start`:
//   tsx dev/host/cli.ts [--entry dist/index.js] [--port 7071] [--settings local.settings.json] [--no-timers]
//                       [--auth] [--auth-principal '<json or roles>']
// Settings come from the environment, then the "Values" of local.settings.json (the environment wins, as with
// Core Tools); the route prefix from host.json. Runs until Ctrl+C.
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { consoleHostLogger } from "./consoleHostLogger.js";
import { fileScheduleStatusStore } from "./fileScheduleStatusStore.js";
import { formatFunctionList } from "./formatFunctionList.js";
import type { LocalPrincipal } from "./LocalPrincipal.js";
import { parseLocalPrincipal } from "./parseLocalPrincipal.js";
import { readLocalSettings } from "./readLocalSettings.js";
import { readRoutePrefix } from "./readRoutePrefix.js";
import { untilStopSignal } from "../untilStopSignal.js";
import { startLocalHost } from "./startLocalHost.js";

const usage = `Usage: tsx dev/host/cli.ts [options]

  --entry FILE        the app's entry (default: "main" of package.json, dist/index.js; src/index.ts works too)
  --port N            port to listen on (default 7071; 0 takes a free one)
  --host-key KEY      a function key: opens function-level routes and the app's reads (default: random, printed)
  --master-key KEY    the admin key: admin routes, /admin, the Event Grid webhook and the app's renew and job runs
                      (default: random, printed; never the host key)
  --auth              emulate App Service Authentication: the app gets WEBSITE_AUTH_ENABLED=true, incoming
                      x-ms-client-principal headers are removed, and a request signs in with the header
                      x-local-principal: '<json or roles>' (see --auth-principal)
  --auth-principal P  --auth, and sign in every request without that header as P: JSON
                      '{"name": "ada@contoso.com", "roles": ["M2M.Operator"]}' or roles "M2M.Reader,M2M.Operator"
  --settings FILE     app settings file (default local.settings.json, if present)
  --no-timers         do not run timers on their schedules (invoke them with POST /admin/functions/<name>)
  --verbose           debug logs too (the library's and the timers' schedules)`;

function defaultEntry(): string {
  if (!existsSync("package.json")) return "dist/index.js";
  const parsed: unknown = JSON.parse(readFileSync("package.json", "utf8"));
  const main: unknown =
    typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, "main") : undefined;
  return typeof main === "string" ? main : "dist/index.js";
}

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        entry: { type: "string" },
        port: { type: "string", default: "7071" },
        "host-key": { type: "string" },
        "master-key": { type: "string" },
        auth: { type: "boolean", default: false },
        "auth-principal": { type: "string" },
        settings: { type: "string" },
        "no-timers": { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }
  if (args.help) {
    console.log(usage);
    return 0;
  }
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port ${args.port}: expected a port number.\n\n${usage}`);
    return 2;
  }

  let principal: LocalPrincipal | undefined;
  try {
    if (args["auth-principal"] !== undefined) principal = parseLocalPrincipal(args["auth-principal"]);
  } catch (error) {
    console.error(`--auth-principal: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
    return 2;
  }
  const logger = consoleHostLogger({ minLevel: args.verbose ? "debug" : "information" });
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(readLocalSettings(args.settings))) {
    if (process.env[name] === undefined) env[name] = value;
    else if (args.verbose)
      console.log(`Skipping '${name}' from local settings as it's already defined in the environment.`);
  }
  const routePrefix = readRoutePrefix();
  const host = await startLocalHost({
    entry: args.entry ?? defaultEntry(),
    port,
    env,
    logger,
    runTimers: !args["no-timers"],
    scheduleStatusStore: fileScheduleStatusStore(".dev/host/schedule-status"),
    ...(args["host-key"] ? { hostKey: args["host-key"] } : {}),
    ...(args["master-key"] ? { masterKey: args["master-key"] } : {}),
    ...(args.auth || principal ? { authentication: principal ? { principal } : {} } : {}),
    ...(routePrefix !== undefined ? { routePrefix } : {}),
  });

  console.log(`\n${formatFunctionList(host)}`);
  console.log(`Host key, a function key for reads (x-functions-key header or ?code=): ${host.hostKey}`);
  console.log(
    `Master key, the admin key for renew, job runs and /admin (x-functions-key header): ${host.masterKey}`,
  );
  if (args.auth || principal) {
    console.log(
      `App Service Authentication emulated: ${principal ? `every request signed in as ${principal.name} with roles [${principal.roles.join(", ")}] unless it sends` : "sign in with"} the header x-local-principal: '<json or roles>'`,
    );
  }
  console.log("\nRunning. Press Ctrl+C to stop.\n");

  await untilStopSignal();
  console.log("Stopping...");
  await host.stop();
  return 0;
}

// Exit explicitly: the app may hold sockets or timers (SDK clients, token caches) that would keep node running.
try {
  process.exit(await main(process.argv.slice(2)));
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
