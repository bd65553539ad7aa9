import { afterEach, describe, it } from "vitest";
import { runJobCell } from "./jobCell.js";
import { useJobWorld } from "./jobWorld.js";
import { cellsOf } from "./spec.js";

/**
 * The fault matrix's cells on the edges a cold start crosses before the API: the managed identity endpoint (a token
 * for Key Vault), Key Vault (the certificate) and the token endpoint (the access token). Each cell runs a job on a cold
 * app instance with the fault on one edge; see spec.ts for the outcome each must reach.
 */
const world = useJobWorld();
afterEach(() => world.clearFaults());

describe.each(["token endpoint", "managed identity endpoint", "Key Vault"] as const)("%s", (edge) => {
  it.each(cellsOf(edge))("$fault", async (cell) => {
    await runJobCell(world, cell);
  });
});
