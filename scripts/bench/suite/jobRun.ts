import { silentLogger } from "../../../src/logging/Logger.js";
import type { BenchMode, RowResult } from "./Row.js";
import { interleave, ms, ratio, summarize } from "./stats.js";
import { reportsJob, type BenchWorld } from "./world.js";

const TIMER = { kind: "timer", isPastDue: false } as const;

/**
 * A warm job run, whole (lease, token, the call, run record, summary, alerting, release), against the bare downstream
 * call it makes (fetch with a token in hand), interleaved; and the Table Storage requests each warm run makes, counted
 * by the proxy in front of Azurite. Twice: without an alert channel, and with the webhook channel configured.
 */
export async function jobRunRows(world: BenchWorld, mode: BenchMode): Promise<RowResult[]> {
  const samples = mode.quick ? 40 : 400;
  const plain = world.instance(world.settings({ M2M_JOBS: reportsJob(world, "bench-plain") }));
  const alerting = world.instance(
    world.settings({
      M2M_JOBS: reportsJob(world, "bench-alerting"),
      M2M_ALERT_WEBHOOK_URL: `${world.receiver.url}/generic`,
    }),
  );
  const token = (await plain.tokens.getToken()).token;
  const url = `${world.downstream.url}/reports`;
  const bare = async () => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`the bare call got ${response.status}`);
  };
  const run = (services: typeof plain, name: string) => async () => {
    const result = await services.jobs.run(name, TIMER, silentLogger);
    if (result.status !== "succeeded") throw new Error(`${name} ${result.status}: ${result.errorMessage}`);
  };
  const counted = (services: typeof plain, name: string) => {
    const perRun: number[] = [];
    return {
      perRun,
      arm: async () => {
        const before = world.tableRequests();
        await run(services, name)();
        perRun.push(world.tableRequests() - before);
      },
    };
  };
  const plainRuns = counted(plain, "bench-plain");
  const alertingRuns = counted(alerting, "bench-alerting");
  const times = await interleave(
    { bare, run: plainRuns.arm, runWithChannel: alertingRuns.arm },
    { samples, warmUp: 5 },
  );
  const bareSummary = summarize(times.bare);
  const runSummary = summarize(times.run);
  const channelSummary = summarize(times.runWithChannel);
  // Warm runs only: the first rounds create the tables, the lease and summary rows, and the ETags in memory.
  const warm = (perRun: number[]) => perRun.slice(5);
  const tables = (perRun: number[]) => ({
    min: Math.min(...warm(perRun)),
    max: Math.max(...warm(perRun)),
  });
  const plainTables = tables(plainRuns.perRun);
  const channelTables = tables(alertingRuns.perRun);
  const runRatio = ratio(runSummary.p50, bareSummary.p50);
  const channelRatio = ratio(channelSummary.p50, bareSummary.p50);
  const range = (t: { min: number; max: number }) => (t.min === t.max ? `${t.min}` : `${t.min}–${t.max}`);
  return [
    {
      id: "jobRun",
      measure: "Whole job run vs the bare downstream call, p50",
      figure:
        `${runRatio}× (${channelRatio}× with an alert channel; run ${ms(runSummary.p50)} ms, ` +
        `with channel ${ms(channelSummary.p50)} ms, bare ${ms(bareSummary.p50)} ms)`,
      goal: "≤ 2×",
      atGoal: runRatio <= 2 && channelRatio <= 2,
      detail: { bare: bareSummary, run: runSummary, runWithChannel: channelSummary, runRatio, channelRatio },
    },
    {
      id: "tableRequestsPerRun",
      measure: "Table Storage requests per warm run",
      figure: `${range(plainTables)} (${range(channelTables)} with a channel)`,
      goal: "≤ 2",
      atGoal: plainTables.max <= 2 && channelTables.max <= 2,
      detail: { plain: plainTables, withChannel: channelTables, warmRuns: warm(plainRuns.perRun).length },
    },
  ];
}
