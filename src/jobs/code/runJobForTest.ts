import { systemClock } from "../../clock/Clock.js";
import { createDeadline } from "../../clock/Deadline.js";
import { sleep } from "../../clock/sleep.js";
import { ConfigurationError } from "../../errors.js";
import { silentLogger, type Logger } from "../../logging/Logger.js";
import type { CheckpointStore } from "../../state/CheckpointStore.js";
import { memoryCheckpointStore } from "../../state/memoryCheckpointStore.js";
import { appMetrics } from "../../telemetry/appMeter.js";
import type { AccessToken, TokenSource } from "../../tokens/TokenSource.js";
import type { RunStatus } from "../RunResult.js";
import { settleRunStatus } from "../settleRunStatus.js";
import { checkJobInput } from "./checkJobInput.js";
import type { JobModule } from "./JobModule.js";
import { parseJobModules } from "./parseJobModules.js";
import { runCodeJob } from "./runCodeJob.js";

/** How a job module's unit test runs it. Everything has a default; give what the test is about. */
export interface JobTestOptions {
  /** Where the job's requests go: a local server's URLs through the global fetch (the default), or a fetch of your own. */
  fetch?: typeof fetch;
  /** The app settings the module lists (and any its %SETTING% schedule names). */
  settings?: Readonly<Record<string, string>>;
  /** A manual run's input (checked by the module's `input`, as a run request's body is); absent: a timer run. */
  input?: unknown;
  /** The checkpoint store: pass one to keep checkpoints across runs. Default: a new one in memory. */
  checkpoints?: CheckpointStore;
  /** The run's deadline. Default 30 s. */
  deadlineMs?: number;
  lastSuccessAt?: Date | null;
  /** The job's default scope when the module names none. Default `api://test/.default`. */
  scope?: string;
  /** ctx.graph's root. Default https://graph.microsoft.com. */
  graphUrl?: string;
  /** Default: testTokens() — opaque test tokens, cached per scope as MSAL would. */
  tokens?: TokenSource;
  /** Backoff jitter source. Default Math.random; `() => 0` retries at once. */
  random?: () => number;
  logger?: Logger;
  maxBodyBytes?: number;
}

/** What one run of a job under test came to. */
export interface JobTestRun {
  status: Exclude<RunStatus, "skipped">;
  /** What `run` returned, as the run's record keeps it (null when nothing or not kept). */
  summary: unknown;
  errorCode: string | null;
  errorMessage: string | null;
  /** Every HTTP attempt of the run. */
  attempts: { attempt: number; status: number | null; error: string | null }[];
  /** The job's checkpoint after the run, as the store holds it (null when it has none). */
  checkpoint: unknown;
}

/**
 * Runs a job module once, as the app does — the module checked as at start-up, its input checked as a manual run's,
 * its `ctx.http`, `ctx.graph` and checkpoint the app's own, its deadline enforced — with test tokens, an in-memory
 * checkpoint store and the requests going where `fetch` sends them (a local test server). Nothing is mocked but the
 * token endpoint and Table Storage.
 */
export async function runJobForTest<Input, Checkpoint, Setting extends string>(
  module: JobModule<Input, Checkpoint, Setting>,
  options: JobTestOptions = {},
): Promise<JobTestRun> {
  const settings = options.settings ?? {};
  const deadlineMs = options.deadlineMs ?? 30_000;
  const { jobs, problems } = parseJobModules(
    [{ source: "test", exported: module }],
    { scope: options.scope ?? "api://test/.default", deadlineMs: Math.max(deadlineMs, 1_000) },
    settings,
    [],
  );
  if (problems.length > 0) throw new ConfigurationError(problems);
  const job = { ...jobs[0]!, deadlineMs };
  const manual = "input" in options;
  const input = manual ? checkJobInput(job, options.input) : undefined;
  const checkpoints = options.checkpoints ?? memoryCheckpointStore();
  const clock = systemClock;
  const deadline = createDeadline({ budgetMs: deadlineMs, clock });
  const runId = `test-${Date.now().toString(36)}`;
  const outcome = await runCodeJob(
    job,
    {
      runId,
      deadlineAt: new Date(deadline.atMs),
      deadline,
      trigger: { kind: manual ? "manual" : "timer", isPastDue: false },
      ...(manual ? { input } : {}),
    },
    {
      tokens: options.tokens ?? testTokens(),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      clock,
      sleep,
      random: options.random ?? Math.random,
      logger: options.logger ?? silentLogger,
      maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
      metrics: appMetrics(),
      checkpoints,
      graphUrl: options.graphUrl ?? "https://graph.microsoft.com",
      lastSuccessAt: () => Promise.resolve(options.lastSuccessAt?.toISOString() ?? null),
    },
  );
  const settled = settleRunStatus(outcome, deadlineMs);
  return {
    status: settled.status === "skipped" ? "failed" : settled.status,
    summary: outcome.json,
    errorCode: outcome.errorCode,
    errorMessage: settled.errorMessage,
    attempts: outcome.attempts.map(({ attempt, status, error }) => ({ attempt, status, error })),
    checkpoint: (await checkpoints.read(job.name))?.value ?? null,
  };
}

/**
 * Test tokens: `test-token:<scope>:<n>`, served from a per-scope cache until `forceRefresh` (as MSAL's cache does), so a
 * 401 to a cached token gets one fresh token. `issued` counts the tokens made per scope.
 */
export function testTokens(): TokenSource & { readonly issued: ReadonlyMap<string, number> } {
  const issued = new Map<string, number>();
  return {
    issued,
    getToken({ scope = "api://test/.default", forceRefresh = false } = {}): Promise<AccessToken> {
      const count = issued.get(scope) ?? 0;
      const fromCache = count > 0 && !forceRefresh;
      const n = fromCache ? count : count + 1;
      issued.set(scope, n);
      return Promise.resolve({
        token: `test-token:${scope}:${n}`,
        expiresOn: new Date(Date.now() + 3_600_000),
        scope,
        fromCache,
        credentialId: "test",
      });
    },
  };
}
