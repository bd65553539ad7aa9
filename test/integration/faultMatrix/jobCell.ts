import { expect } from "vitest";
import type { EdgeFault } from "../../../dev/faults/EdgeFault.js";
import type { Services } from "../../../src/container.js";
import type { CellJob, CellRun, useJobWorld } from "./jobWorld.js";
import {
  DEADLINE_MS,
  EVERY_REQUEST,
  HUGE_BYTES,
  INJECTIONS,
  RECORD_MARGIN_MS,
  type Cell,
  type Edge,
} from "./spec.js";

type JobWorld = ReturnType<typeof useJobWorld>;

/** Slack for the test's own work around a run (the event loop, a cold instance's first request). */
const SLACK_MS = 1_000;
const SCOPE = "api://m2m-downstream/.default";

/** Where a cell's faults go, and how many are still waiting there. */
interface FaultTarget {
  enqueue(faults: EdgeFault[]): void;
  pending(): number;
}

/**
 * The queue of the stand-in in front of `edge`. Managed identity faults are aimed at the cell's own identity, so a
 * request @azure/identity still retries in the background for an earlier cell cannot take them.
 */
function faultTarget(world: JobWorld, edge: Edge, identityClientId: string): FaultTarget {
  const { entra, vault } = world.standIns();
  switch (edge) {
    case "token endpoint":
      return {
        enqueue: (faults) => entra.tokenFaults.enqueue(...faults.map(notUnauthorized)),
        pending: () => entra.tokenFaults.pending(),
      };
    case "managed identity endpoint":
      return {
        enqueue: (faults) =>
          entra.identityFaults.enqueueFor(identityClientId, ...faults.map(notUnauthorized)),
        pending: () => entra.identityFaults.pending(),
      };
    case "Key Vault":
      return { enqueue: (faults) => vault.faults.enqueue(...faults), pending: () => vault.faults.pending() };
    case "downstream API":
      return {
        enqueue: (faults) => world.downstream().faults.enqueue("GET /reports", ...faults.map(notLarge)),
        pending: () => world.downstream().faults.pending("GET /reports"),
      };
    case "alert webhook":
      return {
        enqueue: (faults) => world.receiver().faults.enqueue(...faults),
        pending: () => world.receiver().faults.pending(),
      };
    case "Table Storage":
      return {
        enqueue: (faults) => world.azurite().tableFaults.enqueue(...faults),
        pending: () => world.azurite().tableFaults.pending(),
      };
    case "Graph":
      throw new Error("Graph's cells run the certificate check (graph.test.ts), not a job");
  }
}

function notUnauthorized<F extends EdgeFault>(fault: F): Exclude<F, { kind: "unauthorized" }> {
  if (fault.kind === "unauthorized") throw new Error("no cell injects a 401");
  return fault as Exclude<F, { kind: "unauthorized" }>;
}

function notLarge<F extends EdgeFault>(fault: F): Exclude<F, { kind: "large" }> {
  if (fault.kind === "large") throw new Error("the downstream API's huge body is its GET /large");
  return fault as Exclude<F, { kind: "large" }>;
}

/** The cell's job: named after the cell; failing with a 404 for the alert webhook's cells, so an alert is due. */
function cellJob({ edge, fault }: Pick<Cell, "edge" | "fault">): CellJob {
  const name = `${edge}-${fault}`.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase();
  if (edge === "alert webhook") return { name, path: "/missing" };
  if (edge === "downstream API" && fault === "huge body") {
    // A job that keeps its response: the one whose body is parsed, so the cap decides (read to it, not parsed).
    return { name, path: `/large?bytes=${HUGE_BYTES}&type=json&chunked=true`, keepResponse: true };
  }
  return { name, path: "/reports" };
}

/** What a cell did, for the assertions of its table row and of the facts only it has (a note). */
export interface JobCellRecord {
  job: CellJob;
  services: Services;
  first: CellRun;
  second: CellRun | null;
  /** How many of the injected faults the edge's stand-in answered with. */
  met: number;
}

/**
 * Runs one job-run cell: a cold instance, the fault on its edge, the job run once — then, for the alert webhook, once
 * more after the fault is gone (the delivery's retry), and when Table Storage failed, once more while it still fails
 * (the streak's second run: the channels are not told again) — and asserts the cell's row of the matrix.
 */
export async function runJobCell(world: JobWorld, cell: Cell): Promise<JobCellRecord> {
  const { edge, fault: faultName, outcome } = cell;
  const { fault, once } = INJECTIONS[faultName];
  const job = cellJob(cell);
  const { services, identityClientId } = world.instance(job);
  world.standIns().entra.resetCounters();
  world.downstream().resetRequests();
  const hugeApi = edge === "downstream API" && faultName === "huge body";
  const target = hugeApi ? null : faultTarget(world, edge, identityClientId);
  const count = once ? 1 : EVERY_REQUEST;
  target?.enqueue(Array.from({ length: count }, () => fault));

  const first = await world.run(job, services);
  const met = target
    ? count - target.pending()
    : world.downstream().requests.filter((r) => r.path === "/large").length;
  let second: CellRun | null = null;
  if (edge === "alert webhook") {
    world.clearFaults();
    second = await world.run(job, services);
  } else if (outcome.alerted === "direct") {
    // Table Storage still failing — quickly this time, a streak is a streak whatever the failure.
    world.clearFaults();
    target?.enqueue(Array.from({ length: EVERY_REQUEST }, () => INJECTIONS["malformed body"].fault));
    second = await world.run(job, services);
  }
  world.clearFaults();

  // Bounded: the deadline, then the record margin (both short here), and a little slack — within the bar.
  for (const run of [first, second]) {
    if (run) expect(run.elapsedMs).toBeLessThan(DEADLINE_MS + RECORD_MARGIN_MS + SLACK_MS);
  }
  // The fault was met on the real path: once, or again on every retry. (Table Storage's cells meet it in several
  // operations of the run — the lease, the run row, the alert ledger — so only "at least once" says anything there.)
  if (outcome.retried === "then succeeds") expect(met).toBe(1);
  else if (outcome.retried !== "no") expect(met).toBeGreaterThanOrEqual(2);
  else if (edge === "Table Storage") expect(met).toBeGreaterThanOrEqual(1);
  else expect(met).toBe(1);

  const { result, log } = first;
  expect({ status: result.status, errorCode: result.errorCode }).toEqual({
    status: outcome.status,
    errorCode: outcome.code,
  });
  if (outcome.code === "TOKEN") {
    // The token path's own code, which names the edge that failed (KEYVAULT_…, MANAGED_IDENTITY_…, TOKEN_…).
    const prefix = `Could not get an access token for '${SCOPE}' (${outcome.cause}): `;
    expect(result.errorMessage?.slice(0, prefix.length)).toBe(prefix);
  }
  // A run that timed out says which edge did not answer (or finish) in time; a failure names the edge that failed.
  if (outcome.names) {
    const named = outcome.status === "timed-out" ? `${outcome.names} did not` : outcome.names;
    expect(result.errorMessage?.toLowerCase()).toContain(named.toLowerCase());
  }

  // One line for the run, with the edge it names and what became of recording and alerting.
  const runLines = log.filter((entry) => entry.message.startsWith("Job run"));
  expect(runLines).toHaveLength(1);
  const failed = outcome.status !== "succeeded" || outcome.recorded === "logged";
  expect(runLines[0]).toMatchObject({
    level: failed ? "error" : "info",
    properties: {
      job: job.name,
      runId: result.runId,
      status: outcome.status,
      errorCode: outcome.code,
      edge: outcome.names,
      recorded: outcome.recorded === "run",
      alerted: outcome.alerted === "direct" ? "direct" : "ledger",
    },
  });
  // Nothing else is an error but a failed delivery of the alert (said on its own line, with its code).
  const errors = log.filter((entry) => entry.level === "error");
  const deliveryFailures = errors.filter((entry) => entry.message.startsWith("Alert delivery failed"));
  expect(errors).toHaveLength((failed ? 1 : 0) + deliveryFailures.length);
  expect(deliveryFailures.map((entry) => entry.properties?.code)).toEqual(
    edge === "alert webhook" && outcome.cause ? [outcome.cause] : [],
  );

  // Recorded exactly once per run, or not at all when Table Storage is what failed.
  const runs = await services.jobs.recentRuns(job.name, 10);
  const made = [first, second].filter((run) => run !== null).map((run) => run.result.runId);
  expect(runs.map((run) => run.runId).sort()).toEqual(outcome.recorded === "run" ? [...made].sort() : []);

  // Alerted once when due, never twice: after the second run too.
  const alerts = world.alertsAbout(job);
  if (outcome.alerted === "none") expect(alerts).toEqual([]);
  else {
    expect(alerts.map((alert) => [alert.kind, alert.title])).toEqual([
      [
        "firing",
        outcome.alerted === "direct"
          ? `Job '${job.name}' cannot use Table Storage: its runs are not recorded or alerted as usual`
          : `Job '${job.name}' has failed 1 run in a row`,
      ],
    ]);
  }
  if (outcome.alerted === "next run") {
    expect(second?.log.find((entry) => entry.message === "Alert delivered")).toBeDefined();
  }
  if (second && outcome.alerted === "direct") {
    expect(second.log.find((entry) => entry.message.startsWith("Job run"))?.properties).toMatchObject({
      recorded: false,
      alerted: "none",
    });
  }
  return { job, services, first, second, met };
}
