import { systemClock } from "../../../src/clock/Clock.js";
import { sleep } from "../../../src/clock/sleep.js";
import { callDownstream } from "../../../src/jobs/downstream/callDownstream.js";
import type { HttpJobDefinition } from "../../../src/jobs/JobDefinition.js";
import { silentLogger } from "../../../src/logging/Logger.js";
import { appMetrics } from "../../../src/telemetry/appMeter.js";
import type { TokenSource } from "../../../src/tokens/TokenSource.js";
import type { BenchMode, RowResult } from "./Row.js";
import { interleave, ms, ratio, summarize } from "./stats.js";
import { reportsJob, type BenchWorld } from "./world.js";

/**
 * The downstream client (callDownstream: headers, per-attempt timeout, body cap, outcome) against a raw `fetch` of
 * the same URL with the same token, interleaved: with a token handed over as it is, and with the app's token source
 * (MSAL's cache, warm).
 */
export async function downstreamClientRows(world: BenchWorld, mode: BenchMode): Promise<RowResult[]> {
  const samples = mode.quick ? 100 : 1_000;
  const services = world.instance(world.settings({ M2M_JOBS: reportsJob(world, "bench-client") }));
  const job = services.jobs.definitions[0] as HttpJobDefinition;
  const token = await services.tokens.getToken();
  const handed: TokenSource = { getToken: () => Promise.resolve(token) };
  const deps = (tokens: TokenSource) => ({
    tokens,
    clock: systemClock,
    sleep,
    random: Math.random,
    logger: silentLogger,
    maxBodyBytes: services.config.maxBodyBytes,
    metrics: appMetrics(),
  });
  const withHanded = deps(handed);
  const withSource = deps(services.tokens);
  let runs = 0;
  const client = (d: ReturnType<typeof deps>) => async () => {
    const outcome = await callDownstream(
      job,
      { runId: `bench-${(runs += 1)}`, deadlineAt: new Date(Date.now() + 30_000) },
      d,
    );
    if (outcome.errorCode) throw new Error(`the client's call failed: ${outcome.errorMessage}`);
  };
  const raw = async () => {
    const response = await fetch(job.request.url, { headers: { authorization: `Bearer ${token.token}` } });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`the raw call got ${response.status}`);
  };
  const times = await interleave(
    { raw, client: client(withHanded), clientWithTokens: client(withSource) },
    { samples, warmUp: 20 },
  );
  const rawSummary = summarize(times.raw);
  const clientSummary = summarize(times.client);
  const sourceSummary = summarize(times.clientWithTokens);
  const clientRatio = ratio(clientSummary.p50, rawSummary.p50);
  const sourceRatio = ratio(sourceSummary.p50, rawSummary.p50);
  return [
    {
      id: "downstreamClient",
      measure: "Downstream client vs raw fetch, p50",
      figure:
        `${clientRatio}× (${sourceRatio}× with the token source; raw ${ms(rawSummary.p50)} ms, ` +
        `client ${ms(clientSummary.p50)} ms, with tokens ${ms(sourceSummary.p50)} ms)`,
      goal: "≤ 1.05× (≤ 1.10× with the token source)",
      atGoal: clientRatio <= 1.05 && sourceRatio <= 1.1,
      detail: {
        raw: rawSummary,
        client: clientSummary,
        clientWithTokens: sourceSummary,
        clientRatio,
        sourceRatio,
      },
    },
  ];
}
