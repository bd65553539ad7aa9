import type { HttpJobDefinition } from "../../../src/jobs/JobDefinition.js";
import type { DownstreamDeps } from "../../../src/jobs/downstream/callDownstream.js";
import { appMetrics } from "../../../src/telemetry/appMeter.js";
import { recordingLogger } from "../../support/recordingLogger.js";
import { fakeTokenSource } from "./fakeTokenSource.js";

/** A job against `url` with quick, generous defaults; override what a test is about. */
export function testJob(url: string, overrides: Partial<HttpJobDefinition> = {}): HttpJobDefinition {
  return {
    kind: "http",
    name: "report-sync",
    schedule: "0 */5 * * * *",
    resolvedSchedule: "0 */5 * * * *",
    scope: "api://reports/.default",
    request: { method: "GET", url: `${url}/reports`, headers: {}, body: null },
    successStatuses: [200],
    timeoutMs: 2_000,
    deadlineMs: 60_000,
    retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 30_000 },
    idempotent: true,
    enabled: true,
    keepResponse: false,
    ...overrides,
  };
}

/**
 * Deps with real fetch and a virtual clock: the clock is the real time plus every wait `sleep` was asked for,
 * and `sleep` returns at once, so backoff and Retry-After are asserted without waiting.
 */
export function testDeps(
  options: { tokens?: ReturnType<typeof fakeTokenSource>; random?: number; maxBodyBytes?: number } = {},
) {
  let skippedMs = 0;
  const waits: number[] = [];
  const tokens = options.tokens ?? fakeTokenSource();
  const log = recordingLogger();
  const deps: DownstreamDeps = {
    tokens: tokens.tokens,
    clock: () => new Date(Date.now() + skippedMs),
    sleep: (ms) => {
      waits.push(ms);
      skippedMs += ms;
      return Promise.resolve();
    },
    random: () => options.random ?? 0.5,
    logger: log.logger,
    maxBodyBytes: options.maxBodyBytes ?? 1_048_576,
    // On the registered MeterProvider: a no-op unless the test captures telemetry first.
    metrics: appMetrics(),
  };
  const context = (deadlineInMs = 60_000) => ({
    runId: "run-1",
    deadlineAt: new Date(Date.now() + skippedMs + deadlineInMs),
  });
  return { deps, waits, tokens, log, context };
}
