import { startSharedAzurite } from "../../dev/azurite/startAzurite.js";

/**
 * Vitest global setup: one Azurite for the whole run, started when a test first asks for one. Every startAzurite() in
 * a test file (and in the processes the tests start) gets a storage account of its own in it, so files share nothing
 * but the process — which spares each of them Azurite's start (seconds), and a run of unit tests alone starts none.
 * Workers inherit the environment set here.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const azurite = await startSharedAzurite({ accounts: 400 });
  Object.assign(process.env, azurite.env);
  return () => azurite.stop();
}
