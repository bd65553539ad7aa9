// The README's run command: start the local stand-ins (Entra ID with a managed identity endpoint, Key Vault),
// seed them from a scenario, point the app's settings at them and run the diagnosis, exactly as it would run
// against Azure. Run through dev/withDevCa.ts so Node trusts the stand-ins' dev CA.
import { fileURLToPath } from "node:url";
import { main as diagnose } from "../src/cli/diagnoseCommand.js";
import { readScenario } from "./scenario.js";
import { startStandIns } from "./startStandIns.js";

// Our own options; everything else goes to the diagnosis (--json, --show-token, --scope, --verbose).
const args = process.argv.slice(2);
const take = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  if (at === -1) return fallback;
  const [, value] = args.splice(at, 2);
  if (value === undefined) throw new Error(`${name} needs a value`);
  return value;
};
const scenarioPath = take("--scenario", fileURLToPath(new URL("./scenarios/default.json", import.meta.url)));
const mode = take("--mode", "keyvault-certificate");

const scenario = await readScenario(scenarioPath);
const standIns = await startStandIns(scenario);
let code = 1;
try {
  Object.assign(process.env, standIns.managedIdentityEnv);
  const env: Record<string, string> = { ...standIns.settings, M2M_CREDENTIAL_SOURCE: mode };
  if (mode === "client-secret" && standIns.clientSecret) env.M2M_CLIENT_SECRET = standIns.clientSecret;
  console.log(`Stand-ins: Entra ID ${standIns.entra.authorityHost}, Key Vault ${standIns.vault.url}`);
  console.log(`Credential source: ${mode}\n`);
  // Only the stand-ins' settings: a developer's local.settings.json is about their own setup, not this one.
  code = await diagnose(args, { ...process.env, ...env }, { settingsFile: false });
} finally {
  await standIns.stop();
}
process.exit(code);
