// m2m-diagnose: checks a setup end to end — settings, credential, token, the Graph read of the app registration —
// and prints the token's claims.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { createDeadline } from "../clock/Deadline.js";
import { INTERACTIVE_BUDGET_MS } from "../clock/interactiveBudget.js";
import { createServices } from "../container.js";
import { loadConfig, type Env } from "../config/loadConfig.js";
import { applySettingsToEnvironment } from "./applySettingsToEnvironment.js";
import { readSettingsFile } from "./readSettingsFile.js";
import { diagnoseTokenPath } from "../diagnostics/diagnoseTokenPath.js";
import { explainTokenPath } from "../diagnostics/explainTokenPath.js";
import { formatDiagnosis } from "../diagnostics/formatDiagnosis.js";
import { ConfigurationError } from "../errors.js";
import { consoleLogger } from "../logging/consoleLogger.js";

const usage = `Usage: m2m-diagnose [--scope <resource>/.default] [--settings local.settings.json] [--json] [--show-token] [--explain] [--verbose]

Loads the app settings (environment first, then the "Values" of local.settings.json, which also become environment
variables, as the Functions host makes them: the managed identity finds IDENTITY_ENDPOINT and IDENTITY_HEADER there),
loads the credential, acquires a client credentials token, reads the app registration through Microsoft Graph (as
the certificate check and the key rotation do; a missing Graph permission is named with the az commands that grant
it) and prints the token's decoded claims and the time each step took. A system that does not answer within
${INTERACTIVE_BUDGET_MS / 1000} s fails its step with TIMED_OUT, naming it.
The raw token is printed only with --show-token.
--explain (for people, not with --json) then shows the token request as raw HTTP — the form fields MSAL sends, with
the secret, the managed identity token or the assertion's signature redacted, and a certificate assertion's header
and claims decoded — and every claim of the token with what it means, including why roles or groups are absent.`;

/** Runs the diagnosis; returns the process exit code (0 ok, 1 failed, 2 bad settings or usage). */
export async function main(
  argv: string[],
  env: Env = process.env,
  options: { settingsFile?: boolean } = {},
): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        scope: { type: "string" },
        settings: { type: "string" },
        json: { type: "boolean", default: false },
        "show-token": { type: "boolean", default: false },
        explain: { type: "boolean", default: false },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (args.help) {
    console.log(usage);
    return 0;
  }
  if (args.explain && args.json) {
    console.error(`--explain is text for people and does not combine with --json.\n\n${usage}`);
    return 2;
  }
  let config;
  let storageConfigured = false;
  try {
    const values = options.settingsFile === false ? {} : readSettingsFile(args.settings);
    storageConfigured = [values, env].some((source) =>
      [
        "AzureWebJobsStorage",
        "M2M_STORAGE_CONNECTION",
        "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__tableServiceUri",
      ].some((name) => Boolean(source[name]?.trim())),
    );
    // Before any credential exists: @azure/identity reads the managed identity's endpoint from process.env only.
    applySettingsToEnvironment(values, env, process.env);
    config = loadConfig({
      // Storage is read only to learn whether a key rotation holds an older certificate version, and only when it is
      // configured: a workstation need not configure it (then the latest version is diagnosed).
      AzureWebJobsStorage: "UseDevelopmentStorage=true",
      ...values,
      ...env,
    });
  } catch (error) {
    if (error instanceof ConfigurationError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const logger = consoleLogger({ minLevel: args.verbose ? "info" : "warn" });
  const services = createServices(config, { logger, readRotationHold: storageConfigured });
  const deadline = createDeadline({ budgetMs: INTERACTIVE_BUDGET_MS, clock: services.clock });
  const scope = args.scope ? { scope: args.scope } : {};
  const diagnosis = await diagnoseTokenPath(services, {
    ...scope,
    showToken: args["show-token"],
    allClaims: args.explain,
    deadline,
  });
  if (args.explain) {
    // The explanation goes through every claim: the diagnosis's short list of claims would say it twice.
    console.log(formatDiagnosis({ ...diagnosis, claims: null }));
    console.log(`\n${await explainTokenPath(services, diagnosis, { ...scope, deadline, jti: randomUUID })}`);
  } else {
    console.log(args.json ? JSON.stringify(diagnosis, null, 2) : formatDiagnosis(diagnosis));
  }
  return diagnosis.ok ? 0 : 1;
}
