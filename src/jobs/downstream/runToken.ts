import { createDeadline } from "../../clock/Deadline.js";
import { M2mError, TimedOutError } from "../../errors.js";
import type { AccessToken } from "../../tokens/TokenSource.js";
import type { HttpJobDefinition } from "../JobDefinition.js";
import type { DownstreamDeps, RunContext } from "./callDownstream.js";
import type { CallEnd } from "./callOutcome.js";

/**
 * A token for the job's scope within the run's deadline: retries included, the token request ends with the run, so a
 * hung or throttled token endpoint cannot hold it (DEADLINE, naming the edge that did not answer: the token endpoint,
 * or on a cold start Key Vault or the managed identity endpoint). Any other failure is TOKEN, with the token path's own
 * code and message ("Could not get an access token for '<scope>' (KEYVAULT_UNAVAILABLE): …").
 */
export async function runToken(
  job: Pick<HttpJobDefinition, "scope">,
  context: RunContext,
  deps: Pick<DownstreamDeps, "tokens" | "clock">,
  forceRefresh: boolean,
): Promise<{ ok: true; token: AccessToken } | { ok: false; end: Extract<CallEnd, { status: "failed" }> }> {
  try {
    const deadline =
      context.deadline ??
      createDeadline({
        budgetMs: context.deadlineAt.getTime() - deps.clock().getTime(),
        clock: deps.clock,
        ...(context.signal ? { parent: context.signal } : {}),
      });
    const token = await deps.tokens.getToken({
      scope: job.scope,
      deadline,
      ...(forceRefresh ? { forceRefresh } : {}),
    });
    return { ok: true, token };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Out of time while getting the token is the run's deadline, named after the edge that did not answer: the token
    // endpoint, or on a cold start Key Vault or the managed identity endpoint (loading the certificate).
    if (error instanceof TimedOutError) {
      return {
        ok: false,
        end: { status: "failed", errorCode: "DEADLINE", errorMessage: message, edge: error.edge },
      };
    }
    // The token path's own code names what failed (KEYVAULT_UNAVAILABLE, TOKEN_ENDPOINT_THROTTLED, …): the run's
    // record keeps it, so the edge at fault is known without the log.
    const code = error instanceof M2mError ? ` (${error.code})` : "";
    return {
      ok: false,
      end: {
        status: "failed",
        errorCode: "TOKEN",
        errorMessage: `Could not get an access token for '${job.scope}'${code}: ${message}`,
      },
    };
  }
}
