import { M2mError, TransientError } from "../errors.js";
import { bodyExcerpt } from "../jobs/downstream/bodyExcerpt.js";
import type { RetryDecision } from "../retry/decideRetry.js";
import type { GraphAttempt } from "./sendGraphRequest.js";

/** A Graph request, as messages name it. */
export interface GraphCallName {
  method: string;
  /** The path under /v1.0, without the query: `/applications(appId='…')`. */
  path: string;
}

/** Graph's error body: `{ "error": { "code", "message", "innerError": { … } } }` (https://learn.microsoft.com/graph/errors). */
function graphError(data: Uint8Array): { code: string; message: string } | null {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(data)) as {
      error?: { code?: unknown; message?: unknown };
    };
    const { code, message } = parsed.error ?? {};
    return typeof code === "string" ? { code, message: typeof message === "string" ? message : "" } : null;
  } catch {
    return null;
  }
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** Why the client stopped trying, for a message: "" when the failure was final anyway. */
function stopped(attempts: number, stop: Extract<RetryDecision, { retry: false }>): string {
  const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
  if (stop.reason === "attempts") return ` (after ${tries})`;
  if (stop.reason === "deadline") {
    return ` (after ${tries}; waiting ${seconds(stop.waitMs)} for another would pass the deadline)`;
  }
  return "";
}

/**
 * The error for a Graph call that failed for good: by status GRAPH_FORBIDDEN (403), GRAPH_NOT_FOUND (404),
 * GRAPH_UNAVAILABLE (429, 5xx: transient), GRAPH_REJECTED (other answers); GRAPH_UNREACHABLE for a connection that
 * failed and GRAPH_TIMEOUT for an attempt that got no answer in time (both transient). The message names the
 * request, Graph's code and message (or an excerpt of a body that is not Graph's), how often it was tried, the ids
 * Microsoft support asks for, and `fix` when the caller knows one for this status.
 */
export function graphFailure(input: {
  call: GraphCallName;
  attempt: GraphAttempt;
  attempts: number;
  stop: Extract<RetryDecision, { retry: false }>;
  clientRequestId: string;
  fix?: (status: number) => string | null;
}): M2mError {
  const { call, attempt } = input;
  const what = `${call.method} ${call.path}`;
  const tried = stopped(input.attempts, input.stop);
  if (attempt.kind === "network") {
    return new TransientError(
      "GRAPH_UNREACHABLE",
      `Microsoft Graph ${what} failed: ${attempt.error.summary}${tried}. Check M2M_GRAPH_URL and that the app can reach it (client-request-id ${input.clientRequestId}).`,
    );
  }
  if (attempt.kind === "timeout") {
    return new TransientError(
      "GRAPH_TIMEOUT",
      `Microsoft Graph did not answer ${what} within ${seconds(attempt.timeoutMs)}${tried} (client-request-id ${input.clientRequestId}).`,
    );
  }
  const { status } = attempt;
  const parsed = graphError(attempt.body.data);
  const said = parsed
    ? `${parsed.code}: ${parsed.message}`
    : (bodyExcerpt(attempt.body.data, { maxChars: 300 }) ?? "(no body)");
  const ids = `client-request-id ${input.clientRequestId}, request-id ${attempt.headers.get("request-id") ?? "none"}`;
  const fix = input.fix?.(status) ?? null;
  const message = `Microsoft Graph answered ${what} with ${status} ${said}${tried} (${ids}).${fix ? ` ${fix}` : ""}`;
  const detail = { status, body: bodyExcerpt(attempt.body.data) };
  if (status === 429 || status >= 500) return new TransientError("GRAPH_UNAVAILABLE", message, { detail });
  const code = status === 403 ? "GRAPH_FORBIDDEN" : status === 404 ? "GRAPH_NOT_FOUND" : "GRAPH_REJECTED";
  return new M2mError(code, message, { detail });
}
