/** A job's code names its failures in upper snake case: SOURCE_EMPTY, TARGET_REFUSED. */
const CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

/**
 * A failure a job names: throw a JobError with a code of the job's own (SOURCE_EMPTY) and a message, and the run fails
 * with that code and message (recorded, alerted, shown). Say what was expected, what was found and what
 * to do; never put a token or data in the message.
 */
export class JobError extends Error {
  override name = "JobError";
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (!CODE.test(code)) {
      throw new TypeError(
        `JobError code must be UPPER_SNAKE_CASE (like SOURCE_EMPTY); got ${JSON.stringify(code)}`,
      );
    }
    this.code = code;
  }
}

/** What a failed request saw, for the run's record. Scrubbed: no token, no URL query, no user info. */
export interface JobHttpFailure {
  /** The last answer's status, or null when none arrived. */
  status: number | null;
  /** A bounded excerpt of the last answer's body, tokens redacted, or null. */
  bodyExcerpt: string | null;
  /** The edge that did not answer before the run's deadline ("the token endpoint", "Key Vault"), when that was it. */
  edge?: string;
}

/** A request from `ctx.http` (or `ctx.graph`, `ctx.httpFor`) that did not succeed after its retries. */
export class JobHttpError extends JobError {
  override name = "JobHttpError";
  /** The last answer's status, or null when none arrived (timeout, network, deadline). */
  readonly status: number | null;
  /** A bounded, scrubbed excerpt of the last answer's body, or null. Not part of the message. */
  readonly bodyExcerpt: string | null;
  /** For DEADLINE: the edge that used up the time, when the request named it. */
  readonly edge: string | undefined;

  constructor(code: string, message: string, failure: JobHttpFailure) {
    super(code, message);
    this.status = failure.status;
    this.bodyExcerpt = failure.bodyExcerpt;
    this.edge = failure.edge;
  }
}
