import { ATTR } from "../../telemetry/attributeNames.js";
import { inHttpClientSpan } from "../../telemetry/inHttpClientSpan.js";
import type { AccessToken } from "../../tokens/TokenSource.js";
import type { HttpJobDefinition } from "../JobDefinition.js";
import type { AttemptResult } from "../RunResult.js";
import type { DownstreamDeps, RunContext } from "./callDownstream.js";
import type { CallEnd } from "./callOutcome.js";
import { attemptTelemetry } from "./attemptTelemetry.js";
import { describeAttempts, type CallRecord } from "./CallRecord.js";
import { classifyAttempt } from "./classifyAttempt.js";
import { MIN_ATTEMPT_MS, nextStep } from "./nextStep.js";
import { responseJson } from "./responseJson.js";
import { runToken } from "./runToken.js";
import { sendAttempt, type AttemptOutcome } from "./sendAttempt.js";
import { newSpanId, traceparent } from "./traceparent.js";

/**
 * The retry loop of a run's downstream call: sends attempts with `token` until one succeeds, nextStep says stop, the
 * run is cancelled (ABORTED) or its deadline leaves no time for another attempt (DEADLINE). Each attempt's timeout is
 * the job's timeoutMs cut to the time left; every attempt is recorded in `call`.
 */
export async function runAttempts(
  job: HttpJobDefinition,
  context: RunContext,
  deps: DownstreamDeps,
  call: CallRecord,
  token: AccessToken,
): Promise<CallEnd> {
  const now = () => deps.clock().getTime();
  const log = { job: job.name, runId: context.runId };
  let refreshed = false;
  for (;;) {
    if (context.signal?.aborted) return aborted(call);
    const leftMs = context.deadlineAt.getTime() - now();
    if (leftMs < MIN_ATTEMPT_MS) {
      return failed(
        "DEADLINE",
        call.attempts.length === 0
          ? `The run's deadline passed before the API was called (getting the token took ${now() - call.startedMs} ms). Raise the job's deadlineMs.`
          : `The run's deadline left no time for attempt ${call.attempts.length + 1} after ${describeAttempts(call)}.`,
      );
    }
    const timeoutMs = Math.min(job.timeoutMs, leftMs);
    const { sent, record } = await attempt(job, deps, call, token.token, timeoutMs, context.signal);

    if (sent.kind === "aborted" || (sent.kind === "response" && sent.bodyFailure?.kind === "aborted")) {
      record.error = "aborted";
      return aborted(call);
    }
    if (sent.kind === "invalid") {
      record.error = "invalid request";
      return failed(
        "REQUEST_INVALID",
        `The job's request could not be sent: ${sent.message}. Fix the job definition.`,
      );
    }
    const verdict = classifyAttempt(sent, job.successStatuses);
    if (verdict.ok) {
      // The API's data stays out of run results and history (anyone with a function key reads them) unless the job
      // asks to keep it: then its JSON, parsed only when it fit under the body cap.
      const json = job.keepResponse
        ? responseJson(verdict.response, { logger: deps.logger, log, maxBodyBytes: deps.maxBodyBytes })
        : null;
      return { status: "succeeded", json };
    }
    record.error = verdict.summary;

    const step = nextStep({
      job,
      verdict,
      response: sent.kind === "response" ? sent : null,
      attempt: { number: record.attempt, error: verdict.summary },
      attempts: describeAttempts(call),
      // The attempt after a token refresh is not counted against the retry policy.
      policyAttempt: call.attempts.length - (refreshed ? 1 : 0),
      token,
      refreshed,
      timeoutMs,
      leftMs: context.deadlineAt.getTime() - now(),
      now: deps.clock(),
      random: deps.random,
      secrets: call.secrets,
    });
    if (step.kind === "stop") return step.end;
    if (step.kind === "refresh-token") {
      refreshed = true;
      record.retryAfterMs = 0;
      deps.logger.warn("The API answered 401 to a cached token; retrying once with a fresh token", {
        ...log,
        attempt: record.attempt,
        status: 401,
        clientRequestId: call.clientRequestId,
      });
      const fresh = await runToken(job, context, deps, true);
      if (!fresh.ok) return fresh.end;
      call.secrets.push(fresh.token.token);
      token = fresh.token;
      continue;
    }
    record.retryAfterMs = step.waitMs;
    deps.logger.warn("Downstream attempt failed; retrying", {
      ...log,
      attempt: record.attempt,
      maxAttempts: Math.max(1, Math.floor(job.retry.maxAttempts)),
      status: record.status,
      error: record.error,
      waitMs: step.waitMs,
      waitSource: step.source,
      clientRequestId: call.clientRequestId,
      requestId: call.requestId,
    });
    try {
      await deps.sleep(step.waitMs, context.signal);
    } catch (error) {
      if (context.signal?.aborted) return aborted(call);
      throw error;
    }
  }
}

/**
 * Sends one attempt in its own CLIENT span and records it in `call` (the traceparent sent, the response and the API's
 * request id). The traceparent is the span's, so the API's telemetry joins the run's trace; with telemetry off, the
 * call's own trace id with a new span id. Counted in the downstream-attempts metric (see attemptTelemetry).
 */
async function attempt(
  job: HttpJobDefinition,
  deps: DownstreamDeps,
  call: CallRecord,
  token: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<{ sent: AttemptOutcome; record: AttemptResult }> {
  const number = call.attempts.length + 1;
  const { request } = job;
  return inHttpClientSpan(
    {
      method: request.method,
      url: request.url,
      attributes: { [ATTR.attempt]: number, [ATTR.retry]: number > 1 },
    },
    async (exchange) => {
      call.traceparent = exchange.traceparent ?? traceparent(call.traceId, newSpanId());
      const startedMs = deps.clock().getTime();
      const sent = await sendAttempt({
        fetch: deps.fetch ?? globalThis.fetch,
        request,
        token,
        correlation: { traceparent: call.traceparent, clientRequestId: call.clientRequestId },
        timeoutMs,
        signal,
        maxBodyBytes: deps.maxBodyBytes,
      });
      const record: AttemptResult = {
        attempt: number,
        status: sent.kind === "response" ? sent.status : null,
        durationMs: deps.clock().getTime() - startedMs,
        error: null,
        retryAfterMs: null,
      };
      call.attempts.push(record);
      call.response = sent.kind === "response" ? sent : null;
      if (sent.kind === "response") {
        call.requestId =
          sent.headers.get("x-ms-request-id") ?? sent.headers.get("request-id") ?? call.requestId;
      }

      const seen = attemptTelemetry(sent, job.successStatuses);
      if (seen.status !== null) exchange.received(seen.status);
      if (seen.errorType !== null) exchange.failed(seen.errorType);
      deps.metrics.downstreamAttempt({
        job: job.name,
        retry: number > 1,
        outcome: seen.outcome,
        status: seen.status,
      });
      return { sent, record };
    },
  );
}

function failed(errorCode: string, errorMessage: string): CallEnd {
  return { status: "failed", errorCode, errorMessage };
}

function aborted(call: CallRecord): CallEnd {
  return failed(
    "ABORTED",
    `The run was cancelled (the host is shutting down) after ${describeAttempts(call)}.`,
  );
}
