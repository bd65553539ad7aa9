import type { TableClient } from "@azure/data-tables";
import type { Clock } from "../clock/Clock.js";
import type { Deadline } from "../clock/Deadline.js";
import { M2mError } from "../errors.js";
import { silentLogger, type Logger } from "../logging/Logger.js";
import { boundStorage } from "./boundStorage.js";
import type { Checkpoint, CheckpointStore } from "./CheckpointStore.js";
import { checkpointJson } from "./checkpointJson.js";
import { entityFields } from "./entityFields.js";
import type { StateTable } from "./StateTable.js";
import { stateError } from "./stateError.js";
import { storageStatus } from "./storageStatus.js";
import { tableKey } from "./tableKey.js";

/** The table the app keeps job checkpoints in. */
export const CHECKPOINT_TABLE = "m2mCheckpoints";
/** Every checkpoint is one row: PartitionKey = the job name in lower case, RowKey = this. */
const CHECKPOINT_ROW = "checkpoint";

/** A checkpoint row as read, with its JSON text as stored. */
interface StoredCheckpoint extends Checkpoint {
  json: string;
}

/**
 * Checkpoints in Azure Table Storage, one row per job holding `json` (the value's JSON text, see checkpointJson),
 * `runId` and `updatedAt` (ISO 8601, from `clock`). A write is a create when the run found no checkpoint (fails if one
 * appeared) and otherwise a replace on the ETag the run read (fails if it changed): either failure is
 * CHECKPOINT_CONFLICT. A write the SDK retried after its answer was lost finds its own row (same run, same JSON) and
 * succeeds. With a `deadline`, every request (and the SDK's retries) ends by it: TIMED_OUT naming Table Storage.
 * The value is never logged nor put in a message; only its size is.
 */
export function tableCheckpointStore(
  table: StateTable,
  deps: { clock: Clock; logger?: Logger },
): CheckpointStore {
  const { clock } = deps;
  const logger = deps.logger ?? silentLogger;
  const fail = (error: unknown, action: string) =>
    stateError(error, { table: table.tableName, endpoint: table.endpoint, action });

  async function readRow(
    client: TableClient,
    job: string,
    deadline: Deadline | undefined,
  ): Promise<StoredCheckpoint | null> {
    const partitionKey = tableKey(job.toLowerCase(), "job name");
    let entity;
    try {
      entity = await boundStorage(deadline, (abortSignal) =>
        client.getEntity(partitionKey, CHECKPOINT_ROW, { abortSignal }),
      );
    } catch (error) {
      if (storageStatus(error) === 404) return null;
      throw fail(error, `reading the checkpoint of job '${job}'`);
    }
    const f = entityFields(entity);
    const json = f.string("json");
    const runId = f.string("runId") ?? "";
    const updatedAt = new Date(f.string("updatedAt") ?? 0);
    try {
      if (json === null) throw new Error("the row has no 'json' property");
      return { value: JSON.parse(json) as unknown, json, etag: entity.etag, updatedAt, runId };
    } catch (error) {
      throw new M2mError(
        "CHECKPOINT_UNREADABLE",
        `The checkpoint of job '${job}' in table '${table.tableName}' at ${table.endpoint} is not JSON ` +
          `(${json === null ? "no 'json' property" : `${Buffer.byteLength(json, "utf8")} bytes`}; written by run ` +
          `'${runId}'). Fix or delete the row (PartitionKey '${partitionKey}', RowKey '${CHECKPOINT_ROW}'): ` +
          `deleting it starts the job from no checkpoint.`,
        { cause: error },
      );
    }
  }

  return {
    async read(job, { deadline } = {}) {
      const client = await table.client(deadline);
      const found = await readRow(client, job, deadline);
      if (!found) return null;
      const { value, etag, updatedAt, runId } = found;
      return { value, etag, updatedAt, runId };
    },

    async write(job, value, { expectedEtag, runId }, { deadline } = {}) {
      const json = checkpointJson(job, value);
      const row = {
        partitionKey: tableKey(job.toLowerCase(), "job name"),
        rowKey: CHECKPOINT_ROW,
        json,
        runId,
        updatedAt: clock().toISOString(),
      };
      const client = await table.client(deadline);
      try {
        const written = await boundStorage(deadline, (abortSignal) =>
          expectedEtag === null
            ? client.createEntity(row, { abortSignal })
            : client.updateEntity(row, "Replace", { etag: expectedEtag, abortSignal }),
        );
        return etagOf(written, job);
      } catch (error) {
        const status = storageStatus(error);
        // 409: created since the run found none; 412: changed since it was read; 404: deleted since.
        if (status !== 409 && status !== 412 && status !== 404) {
          throw fail(error, `writing the checkpoint of job '${job}' for run '${runId}'`);
        }
        const current = await readRow(client, job, deadline);
        if (current && current.runId === runId && current.json === json) {
          // This very write, applied, whose answer was lost: the SDK retried it and the retry found it done.
          logger.info("Checkpoint write was already applied; its first answer was lost", { job, runId });
          return current.etag;
        }
        throw conflict(job, runId, current, error);
      }
    },
  };
}

function conflict(job: string, runId: string, current: Checkpoint | null, cause: unknown): M2mError {
  const moved = current
    ? `run '${current.runId}' wrote it at ${current.updatedAt.toISOString()}`
    : "it was deleted";
  return new M2mError(
    "CHECKPOINT_CONFLICT",
    `The checkpoint of job '${job}' moved since run '${runId}' read it (${moved}), so this run's checkpoint was not ` +
      `saved. Two runs of the job worked from the same checkpoint — a lease that expired under a long run, or a run ` +
      `outside the lease. The next run starts from the checkpoint as it is now, so work this run did since reading it ` +
      `may be done again: keep the job's writes idempotent and its lease longer than a run.`,
    { cause },
  );
}

function etagOf(response: { etag?: string }, job: string): string {
  if (!response.etag) {
    throw new M2mError(
      "STATE_REJECTED",
      `Table Storage answered the checkpoint write of job '${job}' without an ETag; the next write could not be ` +
        `made conditional on it.`,
    );
  }
  return response.etag;
}
