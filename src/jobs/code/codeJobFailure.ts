import { M2mError, TimedOutError } from "../../errors.js";
import { scrubSecrets } from "../../net/scrubSecrets.js";
import { JobError, JobHttpError } from "./JobError.js";

/** How a code job's failure is recorded. */
export interface CodeJobFailure {
  errorCode: string;
  errorMessage: string;
  /** For DEADLINE: the edge that used up the run's time, when known. */
  edge?: string;
  /** The last answer of a failed request, when a request failed. */
  httpStatus: number | null;
  errorBodyExcerpt: string | null;
}

/**
 * Pure: what a code job's run threw (or its deadline or the host's shutdown made of it), as a run's error code and
 * message. A run cancelled by the host is ABORTED; an edge that did not answer before the deadline — the job's code
 * itself, Table Storage, a request — is DEADLINE with that edge; a JobError (a failed request included) keeps its code;
 * an app error keeps its code; anything else is JOB_FAILED with the error's name and message. The message is scrubbed
 * (scrubSecrets) and the tokens the run used are cut out of it: it goes into run history, the log and alerts.
 */
export function codeJobFailure(
  error: unknown,
  facts: { job: string; cancelled: boolean; secrets: readonly string[] },
): CodeJobFailure {
  const none = { httpStatus: null, errorBodyExcerpt: null };
  const text = (message: string) => {
    let scrubbed = message;
    for (const secret of facts.secrets) if (secret) scrubbed = scrubbed.split(secret).join("<redacted>");
    return scrubSecrets(scrubbed);
  };
  if (facts.cancelled) {
    return {
      errorCode: "ABORTED",
      errorMessage: `The run of job '${facts.job}' was cancelled: the Functions host is shutting down. The checkpoint stays where the last commit left it.`,
      ...none,
    };
  }
  if (error instanceof TimedOutError) {
    return { errorCode: "DEADLINE", errorMessage: text(error.message), edge: error.edge, ...none };
  }
  if (error instanceof JobHttpError) {
    return {
      errorCode: error.code,
      errorMessage: text(error.message),
      ...(error.edge !== undefined ? { edge: error.edge } : {}),
      httpStatus: error.status,
      errorBodyExcerpt: error.bodyExcerpt,
    };
  }
  if (error instanceof JobError || error instanceof M2mError) {
    return { errorCode: error.code, errorMessage: text(error.message), ...none };
  }
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  return {
    errorCode: "JOB_FAILED",
    errorMessage: text(`The code of job '${facts.job}' threw ${name}: ${message}`),
    ...none,
  };
}
