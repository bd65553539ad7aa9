import { randomUUID } from "node:crypto";
import type { Clock } from "../clock/Clock.js";
import type { Deadline } from "../clock/Deadline.js";
import { backoffDelay } from "../jobs/downstream/backoffDelay.js";
import type { AttemptFailure } from "../jobs/downstream/isRetryable.js";
import { parseRetryAfter } from "../jobs/downstream/parseRetryAfter.js";
import { decideRetry } from "../retry/decideRetry.js";
import { ATTR } from "../telemetry/attributeNames.js";
import { inHttpClientSpan } from "../telemetry/inHttpClientSpan.js";
import { graphFailure, type GraphCallName } from "./graphFailure.js";
import { isTransientGraphFailure } from "./isTransientGraphFailure.js";
import { sendGraphRequest, type GraphAttempt } from "./sendGraphRequest.js";

/** An attempt needs at least this much of the deadline, or it is not begun. */
const MIN_ATTEMPT_MS = 1_000;

export type GraphAnswer = Extract<GraphAttempt, { kind: "response" }>;

/**
 * One Microsoft Graph request, tried again when Graph says to (429 with Retry-After, 503, 504, and for reads a reset
 * connection or an attempt that got no answer) while the deadline leaves time — the app's Graph client and the tenant
 * CLI's alike. Each attempt has its own client-request-id and is bounded by the deadline (and by `attemptTimeoutMs`
 * when the deadline leaves more, so a hung connection can be tried again). Resolves with the first answer `accept`
 * takes; throws graphFailure's coded error, with `fix` for the status, when the attempts or the time run out.
 *
 * Each attempt is a CLIENT span in the caller's active span, with `m2m.attempt` (1 for the first) and
 * `m2m.attempt.retry`; the waits between attempts are not spans.
 */
export async function sendGraphWithRetries(options: {
  call: GraphCallName;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  accept: (answer: GraphAnswer) => boolean;
  fix: (status: number) => string | null;
  deadline: Deadline;
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  attemptTimeoutMs?: number;
  maxBodyBytes: number;
  clock: Clock;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  random: () => number;
  fetch: typeof fetch;
}): Promise<{ answer: GraphAnswer; clientRequestId: string }> {
  const { call, deadline, retry } = options;
  for (let attempt = 1; ; attempt++) {
    const clientRequestId = randomUUID();
    const timeoutMs = options.attemptTimeoutMs;
    const attributes = { [ATTR.attempt]: attempt, [ATTR.retry]: attempt > 1 };
    const outcome = await inHttpClientSpan(
      { method: call.method, url: options.url, attributes },
      async (exchange) => {
        const sent = await deadline.bound("Microsoft Graph", (signal) =>
          sendGraphRequest({
            fetch: options.fetch,
            url: options.url,
            method: call.method,
            headers: {
              ...options.headers,
              "client-request-id": clientRequestId,
              ...(options.body === undefined ? {} : { "content-type": "application/json" }),
            },
            body: options.body === undefined ? undefined : JSON.stringify(options.body),
            signal,
            timeoutMs: timeoutMs !== undefined && timeoutMs < deadline.leftMs() ? timeoutMs : null,
            maxBodyBytes: options.maxBodyBytes,
          }),
        );
        if (sent.kind === "response") exchange.answered(sent.status);
        else exchange.failed(sent.kind === "timeout" ? "timeout" : sent.error.code);
        return sent;
      },
    );
    if (outcome.kind === "response" && options.accept(outcome)) return { answer: outcome, clientRequestId };
    const decision = decideRetry({
      attempt,
      maxAttempts: retry.maxAttempts,
      transient: isTransientGraphFailure(call.method, failureOf(outcome)),
      retryAfterMs:
        outcome.kind === "response"
          ? parseRetryAfter(outcome.headers.get("retry-after"), options.clock())
          : null,
      backoffMs: backoffDelay(attempt, retry, options.random),
      leftMs: deadline.leftMs(),
      minAttemptMs: MIN_ATTEMPT_MS,
    });
    if (!decision.retry) {
      throw graphFailure({
        call,
        attempt: outcome,
        attempts: attempt,
        stop: decision,
        clientRequestId,
        fix: options.fix,
      });
    }
    await deadline.bound("Microsoft Graph", (signal) => options.sleep(decision.waitMs, signal));
  }
}

/** A failed attempt as the retry decision sees it. */
function failureOf(outcome: GraphAttempt): AttemptFailure {
  if (outcome.kind === "response") return { kind: "status", status: outcome.status };
  if (outcome.kind === "network") return { kind: "network", code: outcome.error.code };
  return { kind: "timeout" };
}
