// `npm run dev`: watch the real app work, with no Azure account. Starts Azurite and the stand-ins, seeds the demo
// tenant (dev/scenarios/demo.json), and runs the app in the local Functions host on http://localhost:7071 with its
// timers on: jobs call the demo API every few seconds; the certificate, inside its renewal window, is alerted,
// renewed in Key Vault and rotated on the app registration while the jobs carry on. Alerts the webhook receiver
// gets are printed. With a local.settings.json that names a tenant (M2M_TENANT_ID), it runs against those settings
// instead and starts no stand-ins (Azurite only for UseDevelopmentStorage=true). Ctrl+C stops everything.
// `--stand-ins-only` starts the demo world without the app and writes local.settings.json pointing at it, for
// Azure Functions Core Tools' `func start` (removed again on Ctrl+C). `--telemetry` starts an OTLP/HTTP receiver, has
// the app export its traces, metrics and log records to it, and prints each trace as a tree as it completes and the
// metric table every 30 s and at the end (dev/otlp).
//   tsx dev/dev.ts [--port 7071] [--settings local.settings.json] [--demo] [--stand-ins-only] [--telemetry]
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Alert } from "../src/alerts/Alert.js";
import { startAzurite } from "./azurite/startAzurite.js";
import { startDemo } from "./demo/startDemo.js";
import { consoleHostLogger } from "./host/consoleHostLogger.js";
import { formatFunctionList } from "./host/formatFunctionList.js";
import { readLocalSettings } from "./host/readLocalSettings.js";
import { devTelemetryEnv } from "./otlp/devTelemetryEnv.js";
import { followTelemetry } from "./otlp/followTelemetry.js";
import { startOtlpReceiver } from "./otlp/startOtlpReceiver.js";
import { untilStopSignal } from "./untilStopSignal.js";
import { startLocalHost, type LocalHost } from "./host/startLocalHost.js";

const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: "7071" },
    settings: { type: "string", default: "local.settings.json" },
    demo: { type: "boolean", default: false },
    "stand-ins-only": { type: "boolean", default: false },
    telemetry: { type: "boolean", default: false },
  },
});
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port ${args.port}: expected a port number (7071 by default, 0 for a free one).`);
  process.exit(2);
}

const logger = consoleHostLogger({ minLevel: "information" });
const GENERATED = "written by `npm run dev -- --stand-ins-only`; removed when it stops";
const generated = (path: string) => existsSync(path) && readFileSync(path, "utf8").includes(GENERATED);
const standInsOnly = args["stand-ins-only"];
if (args.telemetry && standInsOnly) {
  console.error(
    "--telemetry shows the telemetry of the app npm run dev runs; with --stand-ins-only, func start runs it: " +
      "point its OTEL_EXPORTER_OTLP_ENDPOINT at an OTLP collector of your own.",
  );
  process.exit(2);
}
let settings =
  !args.demo && !standInsOnly && existsSync(args.settings) ? readLocalSettings(args.settings) : {};
if (generated(args.settings)) {
  console.log(`${args.settings} points at stand-ins that are gone; ignoring it and starting the demo.`);
  settings = {};
}
const stops: (() => Promise<unknown>)[] = [];
let host: LocalHost | null = null;
/** With a tenant's settings, Azurite runs only for UseDevelopmentStorage=true. */
let tenantAzurite = false;
let printAlerts: () => void = () => undefined;
/** With --telemetry: where the app exports (set before the app loads: it reads them at import). */
let telemetryEnv: Record<string, string> = {};

try {
  if (args.telemetry) {
    const receiver = await startOtlpReceiver();
    const follower = followTelemetry(receiver);
    // Pushed first, stopped last: after the host's shutdown has flushed the app's telemetry into it.
    stops.push(async () => {
      follower.stop();
      await receiver.stop();
    });
    telemetryEnv = devTelemetryEnv(receiver.url);
    Object.assign(process.env, telemetryEnv);
    console.log(
      `Telemetry: the app exports to the OTLP/HTTP receiver at ${receiver.url}; each trace prints when it completes, ` +
        "the metric table every 30 s (when a value changed) and at the end.",
    );
  }
  if (standInsOnly) {
    if (existsSync(args.settings) && !generated(args.settings)) {
      throw new Error(
        `${args.settings} exists: move it away first (it is not overwritten), or pass --settings <other file>.`,
      );
    }
    const demo = await startDemo({ withHost: false, logger });
    stops.push(() => demo.stop());
    const values = {
      ...demo.env,
      // Core Tools starts the worker with these; the worker trusts the stand-ins' development CA through it.
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? "",
    };
    writeFileSync(
      args.settings,
      `${JSON.stringify({ IsEncrypted: false, $comment: GENERATED, Values: values }, null, 2)}\n`,
    );
    stops.push(() => Promise.resolve(rmSync(args.settings, { force: true })));
    console.log(
      `\nStand-ins and Azurite are running; ${args.settings} points at them.\n` +
        "In another terminal: npm start   (npm run build, then func start)\n",
    );
  } else if (settings.M2M_TENANT_ID) {
    console.log(`Using ${args.settings} (M2M_TENANT_ID is set): no stand-ins start.`);
    const env = { ...settings, ...telemetryEnv };
    if (/^UseDevelopmentStorage=true/i.test(env.AzureWebJobsStorage ?? "")) {
      const azurite = await startAzurite({ own: true });
      tenantAzurite = true;
      stops.push(() => azurite.stop());
      env.AzureWebJobsStorage = azurite.connectionString;
    }
    const started = await startLocalHost({
      entry: fileURLToPath(new URL("../src/index.ts", import.meta.url)),
      port,
      runTimers: true,
      env,
      logger,
    });
    host = started;
    stops.push(() => started.stop());
  } else {
    const demo = await startDemo({ port, logger });
    stops.push(() => demo.stop());
    host = demo.host!;
    let printed = 0;
    printAlerts = () => {
      for (const delivery of demo.receiver.received.slice(printed)) {
        const alert = delivery.json as Partial<Alert> | null;
        console.log(
          `\n>>> ALERT ${alert?.kind ?? "?"} (${alert?.severity ?? "?"}): ${alert?.title ?? delivery.body.slice(0, 200)}\n` +
            `    ${alert?.text ?? ""}\n`,
        );
      }
      printed = demo.receiver.received.length;
    };
    console.log(
      `\nDemo tenant ${demo.standIns.entra.tenantId}: Entra ID ${demo.standIns.entra.authorityHost}, ` +
        `Key Vault ${demo.standIns.vault.url}, Azurite ${demo.azurite.connectionString.match(/TableEndpoint=([^;]+)/)?.[1] ?? ""}`,
    );
    console.log(`\n${formatFunctionList(host)}`);
    console.log(`Status page: ${demo.dashboardUrl}`);
    console.log(`Admin key, for renew and job runs (x-functions-key header): ${host.masterKey}`);
    console.log(
      "Jobs run every few seconds; the certificate check runs every 20 s: watch its alert, the renewal and the rotation.",
    );
  }
} catch (error) {
  for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
if (settings.M2M_TENANT_ID && host) {
  console.log(`\n${formatFunctionList(host)}`);
  console.log(`Status page: ${host.functionUrl("dashboard")}?code=${host.hostKey}`);
  console.log(`Admin key, for renew and job runs (x-functions-key header): ${host.masterKey}`);
}
console.log("Press Ctrl+C to stop.\n");

const poll = setInterval(() => printAlerts(), 500);
await untilStopSignal();
clearInterval(poll);
printAlerts();
// Name only what this run started: --stand-ins-only starts no host, a tenant's own settings no stand-ins.
const parts = [
  ...(host ? ["the host (waiting for running functions)"] : []),
  ...(settings.M2M_TENANT_ID ? [] : ["the stand-ins"]),
  ...(settings.M2M_TENANT_ID && !tenantAzurite ? [] : ["Azurite"]),
  ...(args.telemetry ? ["the telemetry receiver"] : []),
];
console.log(
  parts.length > 0 ? `\nStopping: ${parts.join(", ").replace(/, ([^,]*)$/, " and $1")}...` : "\nStopping...",
);
for (const stop of stops.splice(0).reverse()) await stop().catch((error: unknown) => console.error(error));
console.log("Stopped; nothing is left running.");
// Exit explicitly: SDK clients may hold keep-alive sockets or timers that would keep node running.
process.exit(0);
