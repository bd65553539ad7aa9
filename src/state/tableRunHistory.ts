import {
  odata,
  type TableClient,
  type TableEntity,
  type TableEntityResult,
  type TableTransactionResponse,
  type TransactionAction,
} from "@azure/data-tables";
import type { Deadline } from "../clock/Deadline.js";
import { M2mError, TransientError } from "../errors.js";
import type { RunResult } from "../jobs/RunResult.js";
import { boundStorage } from "./boundStorage.js";
import type { JobSummary } from "./JobSummary.js";
import { nextJobSummary } from "./nextJobSummary.js";
import { keysOf, purgeListed } from "./purgeListed.js";
import { runsDueFilter } from "./retentionPlan.js";
import type { PurgeReport, RowPurge } from "./RowPurge.js";
import type { RecordedRun, RecordedSummary, RunHistory } from "./RunHistory.js";
import { fromRunEntity, runPartitionKey, toRunEntity } from "./runEntity.js";
import type { StateTable } from "./StateTable.js";
import type { StorageCallOptions } from "./StorageCallOptions.js";
import { stateError } from "./stateError.js";
import { storageStatus } from "./storageStatus.js";
import {
  fromSummaryEntity,
  LEGACY_SUMMARY_PARTITION,
  SUMMARY_ROW,
  toSummaryEntity,
} from "./summaryEntity.js";
import { isTableKey } from "./tableKey.js";

/** The table the app keeps run history and job summaries in. */
export const RUN_HISTORY_TABLE = "m2mRunHistory";
/** Most runs `recent` returns. */
export const MAX_RECENT_RUNS = 1000;

/** A summary as read, with the ETag a write is conditional on; null when it was read from the legacy partition. */
type ReadSummary = { summary: JobSummary; countedRunIds: string[]; etag: string | null };

/**
 * Run history in Azure Table Storage: one partition per job (PartitionKey = job name in lower case) holding
 * - its runs: RowKey = inverted start time + "_" + runId (newest first);
 * - its summary: RowKey = SUMMARY_ROW, which sorts before every run.
 *
 * `record` writes the run row and the summary it makes in one entity-group transaction: the summary replaced on the
 * ETag it was read with (created when there is none), so both are written or neither. A warm instance writes on the
 * ETag of its own last write without reading; on a conflict it reads and tries again — at most `maxConflictRetries`
 * times. Each conflict means another writer succeeded, so with fewer concurrent writers per job than that it always
 * succeeds. The summary remembers the run ids it counted: a run recorded twice is counted once, and a run whose row
 * is there already (a retry after an answer was lost) is not written again.
 *
 * Summaries used to live in a partition of their own (LEGACY_SUMMARY_PARTITION). A job's first record finds none in
 * its partition, reads the legacy row and carries it on; reads fall back to it likewise. During a rolling upgrade,
 * runs that instances of the old version record after the first new-version record are in the history but not
 * counted in the new summary.
 *
 * `purgeBefore(cutoff)` deletes the runs that started before `cutoff`: for each job with a summary, one key-range read
 * of its partition (keys only; see runsDueFilter) and transactions of 100 deletes. Summary rows are never deleted.
 */
export function tableRunHistory(
  table: StateTable,
  options: { maxConflictRetries?: number } = {},
): RunHistory & RowPurge {
  const maxAttempts = Math.max(1, options.maxConflictRetries ?? 10);
  // Each job's summary as this process last wrote it (with its ETag), by job name in lower case.
  const written = new Map<string, ReadSummary & { etag: string }>();
  const fail = (error: unknown, action: string) =>
    stateError(error, { table: table.tableName, endpoint: table.endpoint, action });

  /** Reads one row; null when there is none. */
  async function readRow(client: TableClient, key: [string, string], deadline: Deadline | undefined) {
    try {
      return await boundStorage(deadline, (abortSignal) => client.getEntity(...key, { abortSignal }));
    } catch (error) {
      if (storageStatus(error) === 404) return null;
      throw error;
    }
  }

  /** The legacy summary row's content, without an ETag: the new row is created from it. */
  async function readLegacySummary(client: TableClient, job: string, deadline: Deadline | undefined) {
    const legacy = await readRow(client, [LEGACY_SUMMARY_PARTITION, runPartitionKey(job)], deadline);
    return legacy ? { ...fromSummaryEntity(legacy), etag: null } : null;
  }

  async function readSummary(
    client: TableClient,
    job: string,
    deadline: Deadline | undefined,
  ): Promise<ReadSummary | null> {
    try {
      const entity = await readRow(client, [runPartitionKey(job), SUMMARY_ROW], deadline);
      if (entity) return { ...fromSummaryEntity(entity), etag: entity.etag };
      return await readLegacySummary(client, job, deadline);
    } catch (error) {
      throw fail(error, `reading the summary of job '${job}'`);
    }
  }

  /**
   * One attempt at writing the run row (unless it is there already) and the summary after it, on `current`'s ETag.
   * Returns the summary's new ETag, or what refused the transaction.
   */
  async function writeRunAndSummary(
    client: TableClient,
    rows: { run: TableEntity | null; summary: TableEntity; etag: string | null },
    deadline: Deadline | undefined,
  ): Promise<{ etag: string | null } | { refused: "run-exists" | "summary-changed" }> {
    const summaryWrite: TransactionAction = rows.etag
      ? ["update", rows.summary, "Replace", { etag: rows.etag }]
      : ["create", rows.summary];
    const actions: TransactionAction[] = rows.run ? [["create", rows.run], summaryWrite] : [summaryWrite];
    try {
      const answer = await boundStorage(deadline, (abortSignal) =>
        client.submitTransaction(actions, { abortSignal }),
      );
      checkTransactionAnswer(answer, actions.length, { table: table.tableName, endpoint: table.endpoint });
      return { etag: answer.subResponses.at(-1)?.etag ?? null };
    } catch (error) {
      const status = storageStatus(error);
      const index = failedActionIndex(error);
      // 409 on the run row: it is there already. 412: the summary changed since read; 409: created since; 404:
      // deleted since.
      if (rows.run && index === 0 && status === 409) return { refused: "run-exists" };
      if (index === actions.length - 1 && (status === 412 || status === 409 || status === 404))
        return { refused: "summary-changed" };
      throw error;
    }
  }

  /** The job's summary and its last `limit` runs, from one read of its partition (and the legacy summary's, if any). */
  async function standing(
    job: string,
    limit: number,
    { deadline }: StorageCallOptions = {},
  ): Promise<{ summary: JobSummary | null; runs: RecordedRun[] }> {
    const wanted = Math.min(Math.max(0, Math.floor(limit) || 0), MAX_RECENT_RUNS);
    if (!isTableKey(job.toLowerCase())) return { summary: null, runs: [] };
    const partitionKey = runPartitionKey(job);
    const client = await table.client(deadline);
    const runs: RecordedRun[] = [];
    const found: { summary: JobSummary | null } = { summary: null };
    try {
      await boundStorage(deadline, async (abortSignal) => {
        // The summary row sorts first, then the runs newest first: one page of wanted + 1 rows has them all.
        const pages = client
          .listEntities({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` }, abortSignal })
          .byPage({ maxPageSize: wanted + 1 });
        for await (const page of pages) {
          for (const entity of page) {
            if (entity.rowKey === SUMMARY_ROW) found.summary = fromSummaryEntity(entity).summary;
            else if (runs.length < wanted) runs.push(fromRunEntity(entity));
            if (runs.length === wanted) return;
          }
        }
      });
      found.summary ??= (await readLegacySummary(client, job, deadline))?.summary ?? null;
    } catch (error) {
      throw fail(error, `listing recent runs of job '${job}'`);
    }
    return { summary: found.summary, runs };
  }

  return {
    async record(result: RunResult, { deadline } = {}): Promise<RecordedSummary> {
      let run: TableEntity | null = toRunEntity(result);
      const client = await table.client(deadline);
      const action = `recording run ${result.runId} of job '${result.job}'`;
      const key = result.job.toLowerCase();
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        // The summary as this process last wrote it, when it did: the write is conditional on its ETag, so a summary
        // another instance changed since is refused (412) and read afresh — no read for a warm instance.
        const known = attempt === 1 ? written.get(key) : undefined;
        const current = known ?? (await readSummary(client, result.job, deadline));
        if (current?.countedRunIds.includes(result.runId))
          return { ...current.summary, uninterrupted: false };
        const next = nextJobSummary(current?.summary ?? null, result);
        const summary = toSummaryEntity(next, [...(current?.countedRunIds ?? []), result.runId]);
        let outcome: Awaited<ReturnType<typeof writeRunAndSummary>>;
        try {
          outcome = await writeRunAndSummary(client, { run, summary, etag: current?.etag ?? null }, deadline);
        } catch (error) {
          written.delete(key);
          throw fail(error, action);
        }
        if ("refused" in outcome) {
          written.delete(key);
          // The run's row is there: it was recorded before, or a write whose answer was lost got through. The
          // summary read next says whether it was counted; the run row is not written again.
          if (outcome.refused === "run-exists") run = null;
          continue;
        }
        if (outcome.etag) written.set(key, { ...fromSummaryEntity(summary), etag: outcome.etag });
        else written.delete(key);
        return { ...next, uninterrupted: known !== undefined };
      }
      throw new TransientError(
        "STATE_CONTENDED",
        `The summary of job '${result.job}' in table '${table.tableName}' at ${table.endpoint} changed under ` +
          `every one of ${maxAttempts} attempts to update it while ${action}; the summary does not count the run. ` +
          `Too many runs of this job are being recorded at once — retry later.`,
      );
    },

    async summaries({ deadline, jobs } = {}): Promise<JobSummary[]> {
      const client = await table.client(deadline);
      let found: JobSummary[];
      if (jobs) {
        const names = jobs.filter((job) => isTableKey(job.toLowerCase()));
        const read = await Promise.all(names.map((job) => readSummary(client, job, deadline)));
        found = read.flatMap((entry) => (entry ? [entry.summary] : []));
      } else {
        found = [];
        try {
          await boundStorage(deadline, async (abortSignal) => {
            const byJob = new Map<string, JobSummary>();
            for await (const entity of listSummaries(client, abortSignal)) {
              const { summary } = fromSummaryEntity(entity);
              // A job's own row is listed before its legacy one.
              if (!byJob.has(summary.job.toLowerCase())) byJob.set(summary.job.toLowerCase(), summary);
            }
            found.push(...byJob.values());
          });
        } catch (error) {
          throw fail(error, "listing job summaries");
        }
      }
      return found.sort((a, b) => a.job.localeCompare(b.job));
    },

    async summary(job, { deadline } = {}): Promise<JobSummary | null> {
      if (!isTableKey(job.toLowerCase())) return null; // no such job could have been recorded
      const client = await table.client(deadline);
      return (await readSummary(client, job, deadline))?.summary ?? null;
    },

    async recent(job, limit, options = {}): Promise<RecordedRun[]> {
      if (!(Math.floor(limit) >= 1)) return [];
      return (await standing(job, limit, options)).runs;
    },

    standing,

    async purgeBefore(cutoff, purgeOptions): Promise<PurgeReport> {
      const report: PurgeReport = { deleted: 0, batches: 0, complete: true };
      const abortSignal = purgeOptions.signal;
      try {
        const client = await table.client();
        const jobs = new Set<string>();
        for await (const summary of listSummaries(client, abortSignal, ["job"])) {
          const job = fromSummaryEntity(summary).summary.job.toLowerCase();
          if (job) jobs.add(job);
        }
        for (const partitionKey of jobs) {
          const filter = runsDueFilter(partitionKey, cutoff);
          if (filter === null) break;
          // Pages of up to 1,000 keys (the service's maximum), deleted 100 per transaction: a tenth of the reads.
          const pages = client
            .listEntities({ queryOptions: { filter, select: ["partitionKey", "rowKey"] }, abortSignal })
            .byPage();
          if (!(await purgeListed(client, keysOf(pages), purgeOptions, report))) break;
        }
      } catch (error) {
        // Stopped by the deadline: what is left is deleted next time, like a budget used up.
        if (abortSignal?.aborted) return { ...report, complete: false };
        throw fail(error, `deleting the runs started before ${cutoff.toISOString()}`);
      }
      return report;
    },
  };
}

/**
 * Every summary row: those in the jobs' partitions (a query on RowKey alone reads the whole table, so it is for
 * listings and maintenance, not for a run) and the legacy ones. `select` narrows the properties read.
 */
async function* listSummaries(
  client: TableClient,
  abortSignal: AbortSignal | undefined,
  select?: string[],
): AsyncIterable<TableEntityResult<Record<string, unknown>>> {
  const keys = ["partitionKey", "rowKey"];
  for (const filter of [
    odata`RowKey eq ${SUMMARY_ROW}`,
    odata`PartitionKey eq ${LEGACY_SUMMARY_PARTITION}`,
  ]) {
    yield* client.listEntities<Record<string, unknown>>({
      queryOptions: { filter, ...(select ? { select: [...keys, ...select] } : {}) },
      abortSignal,
    });
  }
}

/**
 * The 0-based index of the action a refused entity-group transaction failed on: Table Storage starts the error
 * message with it ("1:The update condition specified in the request was not satisfied."; see "Performing entity
 * group transactions", sample error response). -1 when the message has none.
 */
function failedActionIndex(error: unknown): number {
  const message = error instanceof Error ? error.message : "";
  const index = /^(\d+):/.exec(message)?.[1];
  return index === undefined ? -1 : Number(index);
}

/**
 * Table Storage answers a transaction with 202 Accepted and one result per operation, each 2xx when it is committed
 * (a refused one comes back as an error). Anything else — another status, a body that is not a batch response (the
 * SDK reads it as no results) — is not a commit, and the caller must not take it for one.
 */
function checkTransactionAnswer(
  answer: TableTransactionResponse,
  operations: number,
  where: { table: string; endpoint: string },
): void {
  const results = answer.subResponses;
  if (
    answer.status === 202 &&
    results.length === operations &&
    results.every((r) => r.status >= 200 && r.status < 300)
  )
    return;
  throw new M2mError(
    "STATE_REJECTED",
    `Table Storage answered a transaction of ${operations} operations on table '${where.table}' at ${where.endpoint} ` +
      `with HTTP ${answer.status} and ${results.length} operation results (statuses ${results.map((r) => r.status).join(", ") || "none"}); ` +
      `expected 202 Accepted and one 2xx result per operation. Check that AzureWebJobsStorage / M2M_STORAGE_CONNECTION ` +
      `points at Azure Table Storage (or Azurite), not at a proxy that answers for it.`,
  );
}
