// Benchmark (not a test): what telemetry costs a job run, on against off, side by side in one run. OpenTelemetry's
// providers are process-global and the app decides at import (src/index.ts → startTelemetry), so each arm is its own
// process: two children (scripts/bench/telemetryChild.ts) load the app in the local Functions host with the local
// world's settings — `on` with OTEL_EXPORTER_OTLP_ENDPOINT pointing at an OTLP/HTTP receiver on loopback and the
// SDK's production defaults (spans batched every 5 s, log records every 1 s, metrics every 60 s), `off` with no
// telemetry setting at all. Each sample fires the job's timer function once (what its schedule does: token, Table
// Storage lease and records, the downstream call) and is timed here, round trip included; samples alternate between
// the arms so both see the same machine. The stand-ins, Azurite and the receiver run in this process (Azurite in its
// own), sharing the CPU with both arms. On loopback a run is mostly CPU, so the ratio is a worst case (against Azure,
// network round trips dilute it); the CPU time per run in each child, also printed, is the steadier figure under
// contention. `--on-env OTEL_SDK_DISABLED=true` makes both arms off: an A/A run that shows the noise.
//
//   npm run bench:telemetry [-- --samples 200 | --quick] [--job report-pull] [--out FILE]
//                             [--cpu-prof] [--on-env NAME=VALUE ...]
//
// Finding where the overhead goes:
// --cpu-prof  profiles both children over the measured runs (bench-results/telemetry-profiles/<arm>.cpuprofile, for
//             Chrome DevTools or speedscope) and prints the CPU per run charged to each telemetry package; profiling
//             slows both arms, so read the ratio from a run without it.
// --on-env    adds a setting to the `on` arm only, to switch parts off: OTEL_TRACES_SAMPLER=always_off (no spans
//             recorded; metrics and logs stay), BENCH_AZURE_SDK_SPANS=off (no Azure SDK spans; the app's own stay).
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalWorld, type LocalWorld } from "../../dev/demo/startDemo.js";
import type { ReceivedTelemetry } from "../../dev/otlp/ReceivedTelemetry.js";
import { startOtlpReceiver, type OtlpReceiver } from "../../dev/otlp/startOtlpReceiver.js";
import { METRICS } from "../../src/telemetry/metricNames.js";
import { startArm, type Arm } from "./telemetryArm.js";
import { formatBreakdowns, profileBreakdown } from "./telemetryProfile.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : (args[at + 1] ?? fallback);
};
const quick = args.includes("--quick");
const samples = Number(option("--samples", quick ? "30" : "200"));
const warmup = quick ? 5 : 20;
const job = option("--job", "report-pull");
const out = option("--out", "bench-results/telemetry.json");
const profileDir = args.includes("--cpu-prof") ? "bench-results/telemetry-profiles" : null;
const onEnv: Record<string, string> = {};
for (let at = args.indexOf("--on-env"); at !== -1; at = args.indexOf("--on-env", at + 1)) {
  const [name, ...value] = (args[at + 1] ?? "").split("=");
  if (!name || value.length === 0) {
    console.error(
      `--on-env takes NAME=VALUE (e.g. OTEL_TRACES_SAMPLER=always_off); got ${JSON.stringify(args[at + 1])}.`,
    );
    process.exit(2);
  }
  onEnv[name] = value.join("=");
}
if (!Number.isInteger(samples) || samples < 1) {
  console.error(
    `--samples must be a whole number of at least 1; got ${JSON.stringify(option("--samples", ""))}.`,
  );
  process.exit(2);
}
if (!process.env.NODE_EXTRA_CA_CERTS) {
  console.error(
    "The app reaches the stand-ins over HTTPS signed by the dev CA: run this through `npm run bench:telemetry`, " +
      "which trusts it (dev/withDevCa.ts).",
  );
  process.exit(2);
}

const SERVICE_NAME = "m2m-bench-telemetry";
const quantile = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};
const stats = (times: readonly number[]) => ({
  medianMs: quantile(times, 0.5),
  p90Ms: quantile(times, 0.9),
  p99Ms: quantile(times, 0.99),
  meanMs: times.reduce((sum, t) => sum + t, 0) / times.length,
  minMs: Math.min(...times),
  samples: times.length,
});

/** What the receiver got from the `on` arm over `runs` runs, and anything from elsewhere (there should be none). */
function summarize(telemetry: ReceivedTelemetry, runs: number) {
  const fromOn = (resource: Record<string, unknown>) => resource["service.name"] === SERVICE_NAME;
  const spans = telemetry.spans.filter((span) => fromOn(span.resource));
  const logRecords = telemetry.logRecords.filter((record) => fromOn(record.resource));
  const points = telemetry.metricPoints.filter((point) => fromOn(point.resource));
  const series = new Set(points.map((point) => `${point.name} ${JSON.stringify(point.attributes)}`));
  // Cumulative temporality: the newest point of each m2m.job.runs series is its count so far.
  const jobRuns = new Map<string, number>();
  for (const point of points.filter((p) => p.name === METRICS.jobRuns.name)) {
    jobRuns.set(JSON.stringify(point.attributes), point.value);
  }
  return {
    runs,
    spans: spans.length,
    spansPerRun: spans.length / runs,
    jobSpans: spans.filter((span) => span.name === `job ${job}`).length,
    logRecords: logRecords.length,
    logRecordsPerRun: logRecords.length / runs,
    metricPoints: points.length,
    metricPointsPerRun: points.length / runs,
    metricSeries: series.size,
    metricExports: new Set(points.map((point) => point.timeMs)).size,
    jobRunsCounted: [...jobRuns.values()].reduce((sum, n) => sum + n, 0),
    fromElsewhere:
      telemetry.spans.length -
      spans.length +
      telemetry.logRecords.length -
      logRecords.length +
      telemetry.metricPoints.length -
      points.length,
  };
}

const loadStart = os.loadavg();
let world: LocalWorld | undefined;
let receiver: OtlpReceiver | undefined;
const arms: Arm[] = [];
let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= (async () => {
    for (const arm of arms) await arm.stop().catch((error: unknown) => console.error(String(error)));
    await receiver?.stop();
    await world?.stop();
  })());
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: stopping the arms, the receiver and the local world.`);
    void cleanup().finally(() => process.exit(130));
  });
}

let exitCode = 0;
try {
  [world, receiver] = await Promise.all([
    startLocalWorld(fileURLToPath(new URL("../../dev/scenarios/default.json", import.meta.url))),
    // Everything is kept, to be counted: a run exports some 16 spans.
    startOtlpReceiver({ maxRecords: (warmup + samples) * 100 }),
  ]);
  // Neither arm inherits a telemetry destination from the shell: `off` must have none, `on` only the receiver.
  const shell = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(OTEL_|APPLICATIONINSIGHTS_)/.test(key)),
  );
  const common = { ...shell, ...world.env, BENCH_JOB: job };
  const started = await Promise.allSettled([
    startArm("off", common),
    startArm("on", {
      ...common,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: SERVICE_NAME,
      ...onEnv,
    }),
  ]);
  for (const arm of started) if (arm.status === "fulfilled") arms.push(arm.value);
  const notStarted = started.find((arm) => arm.status === "rejected");
  if (notStarted) throw notStarted.reason;
  const [off, on] = arms as [Arm, Arm];

  const downstream = world.downstream;
  const runOnce = async (arm: Arm, label: string) => {
    const before = downstream.requests.length;
    const result = await arm.run();
    const reached = downstream.requests.slice(before);
    if (!reached.some((request) => request.status === 200)) {
      const seen = reached.map((request) => `${request.status ?? "none"} (${request.outcome})`).join(", ");
      throw new Error(
        `${label} of the "${arm.name}" arm did not get a 200 from the downstream API ` +
          `(answers: ${seen || "no request reached it"}); the job must succeed for the times to mean anything.`,
      );
    }
    return result;
  };
  // CPU time each child spent between its last warm-up run and its last sample: wall times under contention are
  // noisy, CPU time per run much less so (it counts the exports done in the background during the samples too).
  const cpu = { off: { from: 0, to: 0 }, on: { from: 0, to: 0 } };
  // Warm up both arms (the token into MSAL's cache, TLS sessions, JIT, the SDK's first exports), then alternate.
  for (let i = 0; i < warmup; i += 1) {
    for (const arm of arms) cpu[arm.name].from = (await runOnce(arm, `warm-up run ${i + 1}`)).cpuMs;
  }
  if (profileDir) await Promise.all(arms.map((arm) => arm.profile("start")));
  for (let i = 0; i < samples; i += 1) {
    for (const arm of i % 2 === 0 ? [off, on] : [on, off]) {
      const { ms, cpuMs } = await runOnce(arm, `sample ${i + 1}`);
      arm.times.push(ms);
      cpu[arm.name].to = cpuMs;
    }
  }
  if (profileDir) {
    await mkdir(profileDir, { recursive: true });
    for (const arm of arms) await arm.profile("stop", `${profileDir}/${arm.name}.cpuprofile`);
  }
  const breakdowns = profileDir
    ? {
        off: await profileBreakdown(`${profileDir}/off.cpuprofile`, samples),
        on: await profileBreakdown(`${profileDir}/on.cpuprofile`, samples),
      }
    : null;
  const cpuPerRunMs = {
    off: (cpu.off.to - cpu.off.from) / samples,
    on: (cpu.on.to - cpu.on.from) / samples,
  };
  // Stopping the `on` host runs the app's appTerminate hook: what is buffered (the last spans, the metrics, which
  // export every 60 s) reaches the receiver before the child says it has stopped.
  for (const arm of arms) await arm.stop();
  const telemetry = summarize(
    { spans: receiver.spans(), metricPoints: receiver.metricPoints(), logRecords: receiver.logRecords() },
    warmup + samples,
  );
  const report = { off: stats(off.times), on: stats(on.times) };
  const ratio = { p50: report.on.medianMs / report.off.medianMs, p99: report.on.p99Ms / report.off.p99Ms };
  const pairedMedianMs = quantile(
    on.times.map((t, i) => t - off.times[i]!),
    0.5,
  );
  const loadEnd = os.loadavg();

  console.log(
    `\nJob "${job}" fired by its timer, ${samples} samples per arm (after ${warmup} warm-up runs each), alternating` +
      (Object.keys(onEnv).length > 0
        ? ` ("on" with ${Object.entries(onEnv)
            .map(([name, value]) => `${name}=${value}`)
            .join(", ")}):`
        : ":"),
  );
  for (const [name, r] of Object.entries(report)) {
    console.log(
      `  ${name.padEnd(3)}  median ${r.medianMs.toFixed(2)} ms   p90 ${r.p90Ms.toFixed(2)} ms   p99 ${r.p99Ms.toFixed(2)} ms   mean ${r.meanMs.toFixed(2)} ms`,
    );
  }
  console.log(
    `  on / off: ${ratio.p50.toFixed(3)}x at p50 (${((ratio.p50 - 1) * 100).toFixed(1)}%, goal ≤ 5%: ` +
      `${ratio.p50 <= 1.05 ? "met" : "NOT met"}), ${ratio.p99.toFixed(3)}x at p99; ` +
      `median of paired differences ${pairedMedianMs.toFixed(2)} ms`,
  );
  console.log(
    `  CPU time per run in the app's process: off ${cpuPerRunMs.off.toFixed(2)} ms, on ${cpuPerRunMs.on.toFixed(2)} ms ` +
      `(${cpuPerRunMs.on / cpuPerRunMs.off >= 1 ? "+" : ""}${((cpuPerRunMs.on / cpuPerRunMs.off - 1) * 100).toFixed(1)}%)`,
  );
  console.log(
    `  received from "on" over ${telemetry.runs} runs: ${telemetry.spans} spans (${telemetry.spansPerRun.toFixed(1)}/run, ` +
      `${telemetry.jobSpans} job spans), ${telemetry.logRecords} log records (${telemetry.logRecordsPerRun.toFixed(1)}/run), ` +
      `${telemetry.metricPoints} metric points (${telemetry.metricSeries} series in ${telemetry.metricExports} exports; ` +
      `${METRICS.jobRuns.name} counted ${telemetry.jobRunsCounted} runs)`,
  );
  if (telemetry.fromElsewhere > 0) {
    console.log(`  ${telemetry.fromElsewhere} records came from another service.name: is "off" exporting?`);
    exitCode = 1;
  }
  console.log(
    `  machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), load average ${loadStart[0]!.toFixed(2)} at ` +
      `start, ${loadEnd[0]!.toFixed(2)} at end; the stand-ins, Azurite and the receiver share them with both arms`,
  );

  if (breakdowns) {
    console.log(
      "  where the CPU went (profiled, so slower than above), charged to the innermost telemetry frame:",
    );
    for (const line of formatBreakdowns(breakdowns.off, breakdowns.on)) console.log(`    ${line}`);
  }
  await mkdir(dirname(out), { recursive: true });
  await writeFile(
    out,
    `${JSON.stringify(
      {
        benchmark: "telemetry",
        date: new Date().toISOString(),
        job,
        trigger: "timer",
        onEnv,
        warmup,
        samples,
        machine: {
          cpus: os.cpus().length,
          cpuModel: os.cpus()[0]?.model ?? null,
          node: process.version,
          loadAverageStart: loadStart,
          loadAverageEnd: loadEnd,
        },
        arms: report,
        ratio,
        cpuPerRunMs,
        overheadMs: { p50: report.on.medianMs - report.off.medianMs, pairedMedian: pairedMedianMs },
        goal: { p50RatioAtMost: 1.05, met: ratio.p50 <= 1.05 },
        telemetry,
        profiles: profileDir && { dir: profileDir, cpuMsPerRun: breakdowns },
        timesMs: { off: off.times, on: on.times },
      },
      null,
      2,
    )}\n`,
  );
  console.log(`  report: ${out}${profileDir ? `; CPU profiles: ${profileDir}/{off,on}.cpuprofile` : ""}`);
} catch (error) {
  // Interrupted: the arms were stopped on purpose, their exit is no failure to report.
  if (!interrupted)
    console.error(
      `\nThe telemetry benchmark failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  exitCode = 1;
} finally {
  await cleanup();
}
// SDK clients and Azurite's pipes keep the event loop alive.
process.exit(exitCode);
