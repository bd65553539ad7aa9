import { M2mError } from "../errors.js";
import type { Checkpoint, CheckpointStore } from "./CheckpointStore.js";
import { checkpointJson } from "./checkpointJson.js";

/**
 * Checkpoints in memory, with the Table Storage store's rules (checkpointJson's checks, writes conditional on the ETag
 * read, CHECKPOINT_CONFLICT otherwise): for a job's unit tests (runJobForTest) and `npm run job` without storage.
 * `writes` lists every value written, oldest first.
 */
export function memoryCheckpointStore(clock: () => Date = () => new Date()): CheckpointStore & {
  readonly writes: readonly { job: string; value: unknown; runId: string }[];
} {
  const rows = new Map<string, { json: string; etag: string; updatedAt: Date; runId: string }>();
  const writes: { job: string; value: unknown; runId: string }[] = [];
  let version = 0;
  return {
    writes,
    read(job) {
      const row = rows.get(job.toLowerCase());
      const found: Checkpoint | null = row
        ? {
            value: JSON.parse(row.json) as unknown,
            etag: row.etag,
            updatedAt: row.updatedAt,
            runId: row.runId,
          }
        : null;
      return Promise.resolve(found);
    },
    write(job, value, { expectedEtag, runId }) {
      // What the executor throws (checkpointJson's refusals included) rejects, as the Table Storage store's does.
      return new Promise((resolve) => {
        const json = checkpointJson(job, value);
        const row = rows.get(job.toLowerCase());
        if ((row?.etag ?? null) !== expectedEtag) {
          throw new M2mError(
            "CHECKPOINT_CONFLICT",
            `The checkpoint of job '${job}' moved since run '${runId}' read it, so this run's checkpoint was not saved.`,
          );
        }
        const etag = `W/"${++version}"`;
        rows.set(job.toLowerCase(), { json, etag, updatedAt: clock(), runId });
        writes.push({ job, value: JSON.parse(json) as unknown, runId });
        resolve(etag);
      });
    },
  };
}
