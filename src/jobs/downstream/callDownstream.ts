import { randomUUID } from "node:crypto";
import type { Clock } from "../../clock/Clock.js";
import { createDeadline } from "../../clock/Deadline.js";
import { TimedOutError } from "../../errors.js";
import type { Logger } from "../../logging/Logger.js";
import type { AccessToken, TokenSource } from "../../tokens/TokenSource.js";
import type { JobDefinition } from "../JobDefinition.js";
import type { AttemptResult } from "../RunResult.js";
import type { DownstreamOutcome } from "../runJob.js";
import { apiErrorMessage } from "./apiErrorMessage.js";
import { backoffDelay } from "./backoffDelay.js";
import { bodyExcerpt } from "./bodyExcerpt.js";
import type { NetworkErrorDescription } from "./describeNetworkError.js";
import { forbiddenMessage } from "./forbiddenMessage.js";
import { isJsonContentType } from "./isJsonContentType.js";
import { isRetryable, isRetryableMethod, isTransientFailure, type AttemptFailure } from "./isRetryable.js";
import { parseRetryAfter } from "./parseRetryAfter.js";
import { sendAttempt, type AttemptOutcome } from "./sendAttempt.js";
import { newSpanId, newTraceId, traceparent } from "./traceparent.js";
import { unauthorizedMessage } from "./unauthorizedMessage.js";

/** What the downstream call needs. Time, waiting and randomness come in, so tests control them. */
export interface DownstreamDeps {
  tokens: TokenSource;
  /** Default: the global fetch, whose connection pool keeps connections to the API alive across runs. */
  fetch?: typeof fetch;
  clock: Clock;
  /** Waits `ms`; rejects when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** [0, 1), for backoff jitter. */
  random: () => number;
  logger: Logger;
  /** Bytes of a response body read at most; the rest is not read. */
  maxBodyBytes: number;
}

/** One run of a job, as the runner starts it. */
export interface RunContext {
  runId: string;
  /** No attempt or wait starts that would end after this. */
  deadlineAt: Date;
  /** Aborts the run (the host is shutting down). */
  signal?: AbortSignal;
}

/** An attempt with less time than this before the deadline is not worth starting. */
export const MIN_ATTEMPT_MS = 100;

type Response = Extract<AttemptOutcome, { kind: "response" }>;

interface FailedAttempt {
  ok: false;
  failure: AttemptFailure;
  /** For the attempt record: "HTTP 503", "timeout", "ECONNRESET", "timeout reading the body". */
  summary: string;
  network: NetworkErrorDescription | null;
}
type Verdict = { ok: true; response: Response } | FailedAttempt;

/**
 * Calls the job's API once for a run: bearer token, correlation headers, per-attempt timeout, retries with
 * backoff (or the server's Retry-After) within the run's deadline, one token refresh on a 401 to a cached
 * token. Always resolves to an outcome; expected failures are outcomes with a stable `errorCode`
 * (TOKEN, HTTP_STATUS, UNAUTHORIZED, FORBIDDEN, TIMEOUT, DEADLINE, NETWORK, ABORTED, REQUEST_INVALID).
 */
export async function callDownstream(
  job: JobDefinition,
  context: RunContext,
  deps: DownstreamDeps,
): Promise<DownstreamOutcome> {
  const started = deps.clock().getTime();
  const now = () => deps.clock().getTime();
  const deadline = context.deadlineAt.getTime();
  const method = job.request.method;
  const maxAttempts = Math.max(1, Math.floor(job.retry.maxAttempts));
  const log = { job: job.name, runId: context.runId };

  const attempts: AttemptResult[] = [];
  const traceId = newTraceId();
  const clientRequestId = randomUUID();
  const secrets: string[] = [];
  let sentTraceparent = "";
  let requestId: string | null = null;
  let finalResponse: Response | null = null;

  const outcome = (
    fields: Pick<DownstreamOutcome, "status" | "errorCode" | "errorMessage"> & { json?: unknown },
  ): DownstreamOutcome => ({
    status: fields.status,
    attempts,
    httpStatus: finalResponse?.status ?? null,
    bytes: finalResponse?.body.data.byteLength ?? 0,
    json: fields.json ?? null,
    errorBodyExcerpt:
      fields.status === "failed" && finalResponse
        ? bodyExcerpt(finalResponse.body.data, { redact: secrets })
        : null,
    errorCode: fields.errorCode,
    errorMessage: fields.errorMessage,
    correlation: {
      traceparent: sentTraceparent,
      clientRequestId: attempts.length > 0 ? clientRequestId : "",
      requestId,
    },
    durationMs: now() - started,
  });
  const failed = (errorCode: string, errorMessage: string) =>
    outcome({ status: "failed", errorCode, errorMessage });

  const getToken = async (forceRefresh: boolean): Promise<AccessToken | DownstreamOutcome> => {
    try {
      // The token request, retries included, ends with the run: a hung or throttled token endpoint cannot hold it.
      const deadlineForToken = createDeadline({
        budgetMs: deadline - now(),
        clock: deps.clock,
        ...(context.signal ? { parent: context.signal } : {}),
      });
      const token = await deps.tokens.getToken({
        scope: job.scope,
        deadline: deadlineForToken,
        ...(forceRefresh ? { forceRefresh } : {}),
      });
      secrets.push(token.token);
      return token;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Out of time while getting the token is the run's deadline, named after the token endpoint.
      if (error instanceof TimedOutError) return failed("DEADLINE", message);
      return failed("TOKEN", `Could not get an access token for '${job.scope}': ${message}`);
    }
  };

  let token = await getToken(false);
  if (!("token" in token)) return token;

  let policyAttempt = 0;
  let countsAgainstPolicy = true;
  let refreshed = false;
  for (;;) {
    if (context.signal?.aborted) return aborted();
    const left = deadline - now();
    if (left < MIN_ATTEMPT_MS) {
      return failed(
        "DEADLINE",
        attempts.length === 0
          ? `The run's deadline passed before the API was called (getting the token took ${now() - started} ms). Raise the job's deadlineMs.`
          : `The run's deadline left no time for attempt ${attempts.length + 1} after ${describeAttempts()}.`,
      );
    }
    if (countsAgainstPolicy) policyAttempt++;
    countsAgainstPolicy = true;
    const timeoutMs = Math.min(job.timeoutMs, left);
    sentTraceparent = traceparent(traceId, newSpanId());
    const attemptStarted = now();
    const sent = await sendAttempt({
      fetch: deps.fetch ?? globalThis.fetch,
      request: job.request,
      token: token.token,
      correlation: { traceparent: sentTraceparent, clientRequestId },
      timeoutMs,
      signal: context.signal,
      maxBodyBytes: deps.maxBodyBytes,
    });
    const record: AttemptResult = {
      attempt: attempts.length + 1,
      status: sent.kind === "response" ? sent.status : null,
      durationMs: now() - attemptStarted,
      error: null,
      retryAfterMs: null,
    };
    attempts.push(record);
    finalResponse = sent.kind === "response" ? sent : null;
    if (sent.kind === "response") {
      requestId = sent.headers.get("x-ms-request-id") ?? sent.headers.get("request-id") ?? requestId;
    }

    if (sent.kind === "aborted" || (sent.kind === "response" && sent.bodyFailure?.kind === "aborted")) {
      record.error = "aborted";
      return aborted();
    }
    if (sent.kind === "invalid") {
      record.error = "invalid request";
      return failed(
        "REQUEST_INVALID",
        `The job's request could not be sent: ${sent.message}. Fix the job definition.`,
      );
    }

    const verdict = classify(sent);
    if (verdict.ok) return succeeded(verdict.response);
    const failure = verdict.failure;
    record.error = verdict.summary;

    if (sent.kind === "response" && sent.status === 401) {
      if (token.fromCache && !refreshed) {
        // The cached token may have been revoked or issued before a change on the API: one fresh token, at once.
        refreshed = true;
        countsAgainstPolicy = false;
        record.retryAfterMs = 0;
        deps.logger.warn("The API answered 401 to a cached token; retrying once with a fresh token", {
          ...log,
          attempt: record.attempt,
          status: 401,
          clientRequestId,
        });
        token = await getToken(true);
        if (!("token" in token)) return token;
        continue;
      }
      return failed(
        "UNAUTHORIZED",
        unauthorizedMessage({
          scope: job.scope,
          token: token.token,
          wwwAuthenticate: sent.headers.get("www-authenticate"),
          apiMessage: apiErrorMessage(sent.body.data, secrets),
        }),
      );
    }
    if (sent.kind === "response" && sent.status === 403) {
      return failed(
        "FORBIDDEN",
        forbiddenMessage({
          scope: job.scope,
          token: token.token,
          apiMessage: apiErrorMessage(sent.body.data, secrets),
        }),
      );
    }
    if (failure.kind === "timeout" && timeoutMs < job.timeoutMs) {
      return failed(
        "DEADLINE",
        `Attempt ${record.attempt} had only ${timeoutMs} ms left before the run's deadline and got no response in time.`,
      );
    }
    if (!isRetryable(failure, method, job.idempotent) || policyAttempt >= maxAttempts) {
      return finalFailure(verdict, finalResponse);
    }

    const retryAfterMs =
      sent.kind === "response" ? parseRetryAfter(sent.headers.get("retry-after"), deps.clock()) : null;
    const waitMs = retryAfterMs ?? backoffDelay(policyAttempt, job.retry, deps.random);
    const leftNow = deadline - now();
    if (waitMs + MIN_ATTEMPT_MS > leftNow) {
      return failed(
        "DEADLINE",
        retryAfterMs !== null
          ? `The API answered ${record.error} and asked to wait ${seconds(retryAfterMs)} s (Retry-After), which would pass the run's deadline (${seconds(leftNow)} s left); stopped after ${describeAttempts()}.`
          : `Stopped after ${describeAttempts()} (last: ${record.error}): the next retry, in ${waitMs} ms, would pass the run's deadline (${Math.max(0, leftNow)} ms left).`,
      );
    }
    record.retryAfterMs = waitMs;
    deps.logger.warn("Downstream attempt failed; retrying", {
      ...log,
      attempt: record.attempt,
      maxAttempts,
      status: record.status,
      error: record.error,
      waitMs,
      waitSource: retryAfterMs !== null ? "retry-after" : "backoff",
      clientRequestId,
      requestId,
    });
    try {
      await deps.sleep(waitMs, context.signal);
    } catch (error) {
      if (context.signal?.aborted) return aborted();
      throw error;
    }
  }

  /** Success, or what failed: the retry decision's input and the attempt record's words. */
  function classify(sent: Exclude<AttemptOutcome, { kind: "aborted" | "invalid" }>): Verdict {
    if (sent.kind === "network") {
      return {
        ok: false,
        failure: { kind: "network", code: sent.error.code },
        summary: sent.error.summary,
        network: sent.error,
      };
    }
    if (sent.kind === "timeout")
      return { ok: false, failure: { kind: "timeout" }, summary: "timeout", network: null };
    if (!job.successStatuses.includes(sent.status)) {
      return {
        ok: false,
        failure: { kind: "status", status: sent.status },
        summary: `HTTP ${sent.status}`,
        network: null,
      };
    }
    // A success status whose body broke off: the attempt did not complete.
    const broke = sent.bodyFailure;
    if (broke?.kind === "timeout") {
      return { ok: false, failure: { kind: "timeout" }, summary: "timeout reading the body", network: null };
    }
    if (broke?.kind === "network") {
      return {
        ok: false,
        failure: { kind: "network", code: broke.error.code },
        summary: `${broke.error.summary} reading the body`,
        network: broke.error,
      };
    }
    return { ok: true, response: sent };
  }

  function describeAttempts(): string {
    return attempts.length === 1 ? "1 attempt" : `${attempts.length} attempts`;
  }

  /** Why no (further) retry, for the failure message. */
  function notRetriedBecause(failure: AttemptFailure): string {
    if (!isTransientFailure(failure))
      return failure.kind === "status" ? " (not retried: a client error)" : " (not retried)";
    if (!isRetryableMethod(method, job.idempotent)) {
      return ` (not retried: ${method} may not be safe to repeat; set "idempotent": true on the job if it is)`;
    }
    return ` after ${describeAttempts()}`;
  }

  function finalFailure(last: FailedAttempt, response: Response | null): DownstreamOutcome {
    const { failure } = last;
    const why = notRetriedBecause(failure);
    switch (failure.kind) {
      case "timeout":
        return failed(
          "TIMEOUT",
          `No complete response within ${job.timeoutMs} ms (the job's timeoutMs)${why}.`,
        );
      case "network": {
        const hint = last.network?.hint ? `: ${last.network.hint}` : "";
        return failed(
          "NETWORK",
          `Could not reach the API (${last.network?.summary ?? failure.code})${why}${hint}.`,
        );
      }
      case "status": {
        const statusText = response?.statusText ? ` ${response.statusText}` : "";
        const said = response ? apiErrorMessage(response.body.data, secrets) : null;
        const retryAfter = response
          ? parseRetryAfter(response.headers.get("retry-after"), deps.clock())
          : null;
        return failed(
          "HTTP_STATUS",
          `The API answered HTTP ${failure.status}${statusText}${said ? `: ${said}` : ""}${why}` +
            (retryAfter !== null ? `; it asked to wait ${seconds(retryAfter)} s before trying again` : "") +
            ".",
        );
      }
    }
  }

  function succeeded(response: Response): DownstreamOutcome {
    let json: unknown = null;
    if (isJsonContentType(response.headers.get("content-type")) && response.body.data.byteLength > 0) {
      if (!response.body.complete) {
        deps.logger.warn("The API's JSON response is longer than the body cap; it was not parsed", {
          ...log,
          maxBodyBytes: deps.maxBodyBytes,
        });
      } else {
        try {
          json = JSON.parse(new TextDecoder("utf-8").decode(response.body.data));
        } catch {
          deps.logger.warn("The API's response is declared JSON but does not parse", {
            ...log,
            bytes: response.body.data.byteLength,
          });
        }
      }
    }
    return outcome({ status: "succeeded", errorCode: null, errorMessage: null, json });
  }

  function aborted(): DownstreamOutcome {
    return failed(
      "ABORTED",
      `The run was cancelled (the host is shutting down) after ${describeAttempts()}.`,
    );
  }
}

function seconds(ms: number): string {
  return String(Math.round(Math.max(0, ms) / 100) / 10);
}
