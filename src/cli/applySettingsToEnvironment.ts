import type { Env } from "../config/Env.js";

/**
 * Puts a settings file's Values into the process environment, as the Functions host does with local.settings.json.
 * The SDKs read some settings only from there: @azure/identity's managed identity credential finds its endpoint in
 * IDENTITY_ENDPOINT and IDENTITY_HEADER (MSI_ENDPOINT and MSI_SECRET on older hosts, IMDS_ENDPOINT on Arc),
 * DefaultAzureCredential reads AZURE_CLIENT_ID and its kin. A variable the environment (`given`) already sets wins,
 * as it does for the app settings. Returns the names it set, in the file's order.
 */
export function applySettingsToEnvironment(
  values: Env,
  given: Env,
  target: Record<string, string | undefined>,
): string[] {
  const applied: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || given[name] !== undefined) continue;
    target[name] = value;
    applied.push(name);
  }
  return applied;
}
