// The README's run command: the app's main job on the embedded local default. Starts the stand-ins (Entra ID with
// a managed identity endpoint, Key Vault, a protected downstream API, a webhook receiver) and Azurite, loads the
// app (src/index.ts) in the local Functions host with settings pointing at them, then — exactly as on Azure —
// shows the token the app gets and runs the scheduled jobs once through their HTTP trigger.
// `--serve` keeps everything running with the timers on (like `func start`) until Ctrl+C.
import { fileURLToPath } from "node:url";
import type { RunResult } from "../src/jobs/RunResult.js";
import { startLocalWorld } from "./demo/startDemo.js";
import { startLocalHost } from "./host/startLocalHost.js";
import { untilStopSignal } from "./untilStopSignal.js";
import type { CertificateInventoryItem } from "../src/certificates/CertificateInventoryItem.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : (args[at + 1] ?? fallback);
};
const scenarioPath = option(
  "--scenario",
  fileURLToPath(new URL("./scenarios/default.json", import.meta.url)),
);
// The credential sources the stand-ins can serve (a certificate file would need a file of the user's own).
const MODES = ["keyvault-certificate", "client-secret", "managed-identity-federation"] as const;
const mode = option("--mode", "keyvault-certificate");
const serve = args.includes("--serve");
if (!(MODES as readonly string[]).includes(mode)) {
  // Checked before anything starts, so a typo leaves nothing listening.
  console.error(
    `--mode must be one of ${MODES.join(", ")}; got ${JSON.stringify(mode)}. Nothing was started.`,
  );
  process.exit(2);
}

const world = await startLocalWorld(scenarioPath);
const { standIns, receiver } = world;
const env: Record<string, string> = { ...world.env, M2M_CREDENTIAL_SOURCE: mode };
if (mode === "client-secret" && standIns.clientSecret) env.M2M_CLIENT_SECRET = standIns.clientSecret;

let exitCode = 0;
const host = await startLocalHost({
  entry: fileURLToPath(new URL("../src/index.ts", import.meta.url)),
  env,
  runTimers: serve,
}).catch(async (error: unknown) => {
  // The app could not be loaded (its settings, say): stop what was started before saying why.
  await world.stop();
  throw error;
});
try {
  console.log(
    `Stand-ins: Entra ID ${standIns.entra.authorityHost}, Key Vault ${standIns.vault.url}, API ${world.downstreamUrl}`,
  );
  console.log(
    `Functions host: ${host.url} (function key ${host.hostKey}, admin key ${host.masterKey}); credential source: ${mode}\n`,
  );
  for (const fn of host.functions)
    console.log(
      `  ${fn.name}: ${fn.triggerType}${fn.route ? ` /${host.routePrefix}/${fn.route}` : ""}${fn.schedule ? ` [${fn.schedule}]` : ""}`,
    );

  // Reads take the function key; running a job changes state, so it takes the admin key.
  const call = async (method: string, path: string) => {
    const response = await fetch(`${host.url}/${host.routePrefix}/${path}`, {
      method,
      headers: { "x-functions-key": method === "GET" ? host.hostKey : host.masterKey },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  const diagnosis = await call("GET", "diagnostics/token");
  console.log(`\nGET /api/diagnostics/token -> ${diagnosis.status}`);
  console.log(
    JSON.stringify(
      { steps: diagnosis.body.steps, claims: diagnosis.body.claims, error: diagnosis.body.error },
      null,
      2,
    ),
  );
  if (diagnosis.status !== 200) exitCode = 1;

  for (const fn of host.functions.filter((f) => f.name.startsWith("job-"))) {
    const name = fn.name.slice("job-".length);
    const run = await call("POST", `jobs/${name}/run`);
    const r = run.body as Partial<RunResult>;
    console.log(
      `\nPOST /api/jobs/${name}/run -> ${run.status}: ${r.status} in ${r.durationMs} ms, HTTP ${r.httpStatus}, ${r.attempts?.length ?? 0} attempt(s)`,
    );
    if (r.errorMessage) console.log(`  ${r.errorCode}: ${r.errorMessage}`);
    if (name === "report-pull" && run.status !== 200) exitCode = 1;
  }
  const list = await call("GET", "jobs");
  console.log(`\nGET /api/jobs -> ${list.status}`);
  console.log(JSON.stringify(list.body, null, 2));
  if (mode === "keyvault-certificate") {
    const certificates = await call("GET", "certificates");
    const items = (certificates.body.items ?? []) as CertificateInventoryItem[];
    console.log(`\nGET /api/certificates -> ${certificates.status}`);
    for (const item of items) {
      console.log(
        `  ${item.name}: ${item.state}, ${item.daysLeft} days left, registration ${item.registration}, ${item.managed ? "renewed by the app" : "not managed"}`,
      );
    }
    if (certificates.status !== 200) exitCode = 1;
  }
  console.log(`\nAlerts received by the webhook stand-in: ${receiver.received.length}`);

  if (serve) {
    console.log("\nServing with timers on; Ctrl+C to stop.");
    await untilStopSignal();
  }
} finally {
  await host.stop();
  await world.stop();
}
process.exit(exitCode);
