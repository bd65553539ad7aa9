import type { Deadline } from "../../clock/Deadline.js";
import type { Checkpoint, CheckpointStore } from "../../state/CheckpointStore.js";
import { checkpointJson } from "../../state/checkpointJson.js";
import { JobError } from "./JobError.js";
import type { JobCheckpoint } from "./JobModule.js";

/** A run's checkpoint as the job sees it, and what the runner does with it when the run succeeds. */
export interface RunCheckpoint extends JobCheckpoint<unknown> {
  /** Writes the value set since the last write, if any: the runner calls it when `run` returns. */
  flush(): Promise<void>;
  /** Whether a value was set and not yet written. */
  readonly pending: boolean;
}

/**
 * The checkpoint of one run, starting from what the run read (`found`, null when none). `set` keeps a copy of the value
 * (checked to be JSON of at most 32 KiB at once, so a bad value fails where it is set); `commit` and `flush` write it on
 * the ETag last read or written, one write at a time, each bounded by the run's deadline. After the run ends (`ended`),
 * nothing more is set or written.
 */
export function runCheckpoint(options: {
  job: string;
  runId: string;
  found: Checkpoint | null;
  store: CheckpointStore;
  deadline: Deadline;
  ended: () => boolean;
}): RunCheckpoint {
  const { job, runId, store, deadline } = options;
  let etag = options.found?.etag ?? null;
  let value: unknown = options.found?.value ?? null;
  let pending = false;
  // Writes go one after another: each is conditional on the ETag the one before returned.
  let writing: Promise<void> = Promise.resolve();

  const refuseAfterEnd = (what: string) => {
    if (options.ended()) {
      throw new JobError(
        "RUN_ENDED",
        `ctx.checkpoint.${what}() was called after job '${job}' run ${runId} ended (its deadline passed or it returned); the checkpoint was not changed. Await every commit before returning.`,
      );
    }
  };
  const set = (next: unknown) => {
    refuseAfterEnd("set");
    // A copy, as JSON reads it back: changing the object afterwards does not change what is written.
    value = JSON.parse(checkpointJson(job, next));
    pending = true;
  };
  const write = () => {
    const step = writing.then(async () => {
      if (!pending) return;
      const written = value;
      etag = await deadline.bound("Table Storage", () =>
        store.write(job, written, { expectedEtag: etag, runId }, { deadline }),
      );
      if (value === written) pending = false;
    });
    // A failed write leaves the chain usable for the next one; the failure reaches the caller of this one.
    writing = step.catch(() => undefined);
    return step;
  };

  return {
    get value() {
      return value;
    },
    get pending() {
      return pending;
    },
    set,
    async commit(next?: unknown) {
      refuseAfterEnd("commit");
      if (next !== undefined) set(next);
      await write();
    },
    flush: write,
  };
}
