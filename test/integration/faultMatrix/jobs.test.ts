import { afterEach, describe, expect, it } from "vitest";
import { runJobCell, type JobCellRecord } from "./jobCell.js";
import { useJobWorld } from "./jobWorld.js";
import { cellsOf, type FaultName } from "./spec.js";

/**
 * The fault matrix's cells on the edges a run crosses once it has its token: the downstream API and the alert webhook
 * (the API fails so that an alert is due). Each cell runs a job on a cold app instance with the fault on one edge; see
 * spec.ts for the outcome each must reach. Table Storage's cells are in storage.test.ts (a file of their own, so that
 * the slowest row runs next to the others).
 */
const world = useJobWorld();
afterEach(() => world.clearFaults());

/** What a cell's note says, checked on that cell alone. */
const notes: Partial<Record<string, (record: JobCellRecord) => void>> = {
  "downstream API × malformed body": ({ first }) => {
    expect(first.result).toMatchObject({ httpStatus: 200, json: null, errorBodyExcerpt: null });
  },
  "downstream API × huge body": ({ first, services }) => {
    expect(first.result).toMatchObject({ httpStatus: 200, json: null, bytes: services.config.maxBodyBytes });
    expect(first.log).toContainEqual(
      expect.objectContaining({
        level: "warn",
        message: "The API's JSON response is longer than the body cap; it was not parsed",
      }),
    );
  },
};

describe.each(["downstream API", "alert webhook"] as const)("%s", (edge) => {
  it.each(cellsOf(edge))("$fault", async (cell) => {
    const record = await runJobCell(world, cell);
    notes[`${edge} × ${cell.fault satisfies FaultName}`]?.(record);
  });
});
