import { TableClient } from "@azure/data-tables";
import type { Services } from "../../../src/container.js";
import { silentLogger } from "../../../src/logging/Logger.js";
import type { BenchMode, RowResult } from "./Row.js";
import { interleave, ms, ratio, summarize } from "./stats.js";
import { reportsJob, type BenchWorld } from "./world.js";

/**
 * A warm job run, whole (lease, token, the call, run record, summary, alerting, release), against the bare downstream
 * call it makes (fetch with a token in hand) and against one Table Storage round trip (a point read from Azurite),
 * interleaved; timed against Azurite directly. The Table Storage requests each warm run makes are counted apart, by the
 * proxy in front of Azurite. Twice: without an alert channel, and with the webhook channel configured.
 */
export async function jobRunRows(world: BenchWorld, mode: BenchMode): Promise<RowResult[]> {
  const samples = mode.quick ? 40 : 400;
  const direct = { AzureWebJobsStorage: world.azurite.connectionString };
  const channel = { M2M_ALERT_WEBHOOK_URL: `${world.receiver.url}/generic` };
  const instance = (name: string, extra: Record<string, string>) => ({
    name,
    services: world.instance(world.settings({ M2M_JOBS: reportsJob(world, name), ...extra })),
  });
  const plain = instance("bench-plain", direct);
  const alerting = instance("bench-alerting", { ...direct, ...channel });
  const token = (await plain.services.tokens.getToken()).token;
  const url = `${world.downstream.url}/reports`;
  const bare = async () => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`the bare call got ${response.status}`);
  };
  const probe = TableClient.fromConnectionString(world.azurite.connectionString, "benchProbe", {
    allowInsecureConnection: true,
  });
  await probe.createTable();
  await probe.upsertEntity({ partitionKey: "p", rowKey: "r" });
  const tableRoundTrip = () => probe.getEntity("p", "r");
  const times = await interleave(
    { bare, tableRoundTrip, run: runOf(plain), runWithChannel: runOf(alerting) },
    { samples, warmUp: 5 },
  );

  // Counted through the proxy: instances of their own, warmed by their first runs (tables, rows, ETags in memory).
  const counted = async (job: { name: string; services: Services }) => {
    const perRun: number[] = [];
    const serialPerRun: number[] = [];
    for (let i = 0; i < 5 + (mode.quick ? 10 : 50); i += 1) {
      const before = world.tableRequests();
      const serialBefore = world.serialTableRequests();
      await runOf(job)();
      if (i < 5) continue;
      perRun.push(world.tableRequests() - before);
      serialPerRun.push(world.serialTableRequests() - serialBefore);
    }
    return {
      min: Math.min(...perRun),
      max: Math.max(...perRun),
      serialMax: Math.max(...serialPerRun),
      warmRuns: perRun.length,
    };
  };
  const plainTables = await counted(instance("bench-plain-counted", {}));
  const channelTables = await counted(instance("bench-alerting-counted", channel));

  const s = {
    bare: summarize(times.bare),
    table: summarize(times.tableRoundTrip),
    run: summarize(times.run),
    runWithChannel: summarize(times.runWithChannel),
  };
  const runRatio = ratio(s.run.p50, s.bare.p50);
  const channelRatio = ratio(s.runWithChannel.p50, s.bare.p50);
  // What a run would take if it were only its call and the Table Storage round trips it waits on one after the other.
  const floorRatio = ratio(s.bare.p50 + plainTables.serialMax * s.table.p50, s.bare.p50);
  const range = (t: { min: number; max: number }) => (t.min === t.max ? `${t.min}` : `${t.min}–${t.max}`);
  return [
    {
      id: "jobRun",
      measure: "Whole job run vs the bare downstream call, p50",
      figure:
        `${runRatio}× (${channelRatio}× with an alert channel; run ${ms(s.run.p50)} ms, with channel ` +
        `${ms(s.runWithChannel.p50)} ms, bare call ${ms(s.bare.p50)} ms; one Azurite round trip ${ms(s.table.p50)} ms, ` +
        `so the call and the ${plainTables.serialMax} round trips it waits on alone are ${floorRatio}×)`,
      goal: "≤ 2×",
      atGoal: runRatio <= 2 && channelRatio <= 2,
      detail: { ...s, runRatio, channelRatio, floorRatio },
    },
    {
      id: "tableRequestsPerRun",
      measure: "Table Storage requests per warm run",
      figure:
        `${range(plainTables)} (${range(channelTables)} with a channel); ${plainTables.serialMax} ` +
        `(${channelTables.serialMax}) waited on one after the other, the others sent beside them`,
      goal: "≤ 2",
      atGoal: plainTables.max <= 2 && channelTables.max <= 2,
      detail: { plain: plainTables, withChannel: channelTables },
    },
  ];
}

const TIMER = { kind: "timer", isPastDue: false } as const;

/** One run of the instance's job, which must succeed. */
const runOf = (job: { name: string; services: Services }) => async () => {
  const result = await job.services.jobs.run(job.name, TIMER, silentLogger);
  if (result.status !== "succeeded") throw new Error(`${job.name} ${result.status}: ${result.errorMessage}`);
};
