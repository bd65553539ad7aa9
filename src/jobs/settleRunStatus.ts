import { formatSeconds } from "../clock/formatSeconds.js";
import type { RunResult, RunStatus } from "./RunResult.js";

/** A run's status and message as recorded, and the edge that used up its time when it timed out. */
export interface SettledRunStatus {
  status: RunStatus;
  errorMessage: string | null;
  /**
   * For a timed-out run, the edge that used up its time: the one a bounded call named (the token step on a cold start:
   * Key Vault, the managed identity endpoint), else "the token endpoint" or "the downstream API"; null otherwise.
   */
  edge: string | null;
}

/**
 * Pure: how a run whose downstream call ended with `outcome` is recorded. The call reports the run's deadline as a
 * failure with errorCode DEADLINE (it stopped because the deadline passed, or because the next attempt or wait would
 * have passed it); the run is then `timed-out`, and its message names the edge that used the time — the one the call
 * named (`outcome.edge`: a bounded call that did not answer, such as Key Vault when a cold start loads the certificate),
 * else the token endpoint when the API was never called, otherwise the downstream API — unless it already starts with
 * it ("Key Vault did not answer within 42 s: …"). Any other outcome keeps its status and message.
 */
export function settleRunStatus(
  outcome: Pick<RunResult, "status" | "errorCode" | "errorMessage" | "attempts"> & { edge?: string },
  deadlineMs: number,
): SettledRunStatus {
  if (outcome.errorCode !== "DEADLINE") {
    return { status: outcome.status, errorMessage: outcome.errorMessage, edge: null };
  }
  const edge = outcome.edge ?? (outcome.attempts.length === 0 ? "the token endpoint" : "the downstream API");
  const message = outcome.errorMessage ?? "";
  if (message.startsWith(`${edge} `)) return { status: "timed-out", errorMessage: message, edge };
  const lead = `${edge[0]!.toUpperCase()}${edge.slice(1)} did not finish within the run's deadline (${formatSeconds(deadlineMs)}).`;
  return { status: "timed-out", errorMessage: message === "" ? lead : `${lead} ${message}`, edge };
}
