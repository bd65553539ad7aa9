import { M2mError } from "../../errors.js";
import { scrubSecrets } from "../../net/scrubSecrets.js";
import type { JobDefinition } from "../JobDefinition.js";

/** A run's input was refused: the manual run answers 400 and no run starts. */
export class JobInputError extends M2mError {
  override name = "JobInputError";
  constructor(message: string, options?: { cause?: unknown }) {
    super("JOB_INPUT_INVALID", message, options);
  }
}

/**
 * A run's input as the job takes it: a code job's module checks it with its `input` (a timer run's is `undefined`);
 * a job without one — a declared job, or a module without `input` — takes none. Throws JobInputError with the
 * module's own words (scrubbed) when it refuses.
 */
export function checkJobInput(job: JobDefinition, raw: unknown): unknown {
  const check = job.kind === "code" ? job.module.input : undefined;
  if (!check) {
    if (raw === undefined) return undefined;
    throw new JobInputError(
      `Job '${job.name}' takes no input: ${job.kind === "code" ? "its module has no `input` to check one" : "it is a declared HTTP job"}. Send the run request without a body.`,
    );
  }
  try {
    return check(raw);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new JobInputError(`Job '${job.name}' refused its input: ${scrubSecrets(why)}`, { cause: error });
  }
}
