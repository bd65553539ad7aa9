import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSharedAzurite } from "../../dev/azurite/startAzurite.js";

/**
 * Vitest global setup: one Azurite for the whole run. Every startAzurite() in a test file (and in the processes the
 * tests start) gets a storage account of its own in it, so files share nothing but the process — which spares each of
 * them Azurite's start (seconds). Workers inherit the environment set here.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const claims = mkdtempSync(join(tmpdir(), "m2m-azurite-"));
  const azurite = await startSharedAzurite({ accounts: 400, claims });
  Object.assign(process.env, azurite.env);
  return async () => {
    await azurite.stop();
    rmSync(claims, { recursive: true, force: true });
  };
}
