import { afterEach, describe, it } from "vitest";
import { runJobCell } from "./jobCell.js";
import { useJobWorld } from "./jobWorld.js";
import { cellsOf } from "./spec.js";

/**
 * The fault matrix's cells on Table Storage (through the fault proxy in front of Azurite): the job's lease, its run
 * history and the alert ledger. Each cell runs a job on a cold app instance — and, when the channels were told
 * directly, a second run while Table Storage still fails, which tells them nothing more — see spec.ts for the outcomes.
 */
const world = useJobWorld();
afterEach(() => world.clearFaults());

describe.each(["Table Storage"] as const)("%s", (edge) => {
  it.each(cellsOf(edge))("$fault", async (cell) => {
    await runJobCell(world, cell);
  });
});
