import { odata, type TableClient } from "@azure/data-tables";
import type { Deadline } from "../clock/Deadline.js";
import { TransientError } from "../errors.js";
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
import { stateError } from "./stateError.js";
import { storageStatus } from "./storageStatus.js";
import { fromSummaryEntity, SUMMARY_PARTITION, toSummaryEntity } from "./summaryEntity.js";
import { isTableKey, tableKey } from "./tableKey.js";

/** The table the app keeps run history and job summaries in. */
export const RUN_HISTORY_TABLE = "m2mRunHistory";
/** Most runs `recent` returns. */
export const MAX_RECENT_RUNS = 1000;

/**
 * Run history in Azure Table Storage. One table, two kinds of row:
 * - a run: PartitionKey = job (lower case), RowKey = inverted start time + "_" + runId (newest first);
 * - a job summary: PartitionKey = "_summary", RowKey = job (lower case).
 *
 * `record` writes the run row, then updates the summary optimistically: read, compute, replace if the ETag still
 * matches (create if there is none), and on a conflict read again — at most `maxConflictRetries` times. Each
 * conflict means another writer succeeded, so with fewer concurrent writers per job than that it always succeeds.
 * The summary remembers the run ids it counted: a run recorded twice (or retried after a crash between the two
 * writes) is counted once.
 *
 * `purgeBefore(cutoff)` deletes the runs that started before `cutoff`: for each job with a summary row, one key-range
 * read of its partition (keys only; see runsDueFilter) and transactions of 100 deletes. Summary rows are never
 * deleted. (A run row whose job has no summary — the process died between the two writes of a job's only run — is
 * not found by it.)
 */
export function tableRunHistory(
  table: StateTable,
  options: { maxConflictRetries?: number } = {},
): RunHistory & RowPurge {
  const maxAttempts = Math.max(1, options.maxConflictRetries ?? 10);
  // Each job's summary as this process last wrote it (with its ETag), by job name in lower case.
  const written = new Map<string, { summary: JobSummary; countedRunIds: string[]; etag: string }>();
  const fail = (error: unknown, action: string) =>
    stateError(error, { table: table.tableName, endpoint: table.endpoint, action });

  async function readSummary(client: TableClient, job: string, deadline: Deadline | undefined) {
    const rowKey = tableKey(job.toLowerCase(), "job name");
    try {
      const entity = await boundStorage(deadline, (abortSignal) =>
        client.getEntity(SUMMARY_PARTITION, rowKey, { abortSignal }),
      );
      return { ...fromSummaryEntity(entity), etag: entity.etag };
    } catch (error) {
      if (storageStatus(error) === 404) return null;
      throw fail(error, `reading the summary of job '${job}'`);
    }
  }

  return {
    async record(result: RunResult, { deadline } = {}): Promise<RecordedSummary> {
      const row = toRunEntity(result);
      const client = await table.client(deadline);
      const action = `recording run ${result.runId} of job '${result.job}'`;
      try {
        await boundStorage(deadline, (abortSignal) => client.createEntity(row, { abortSignal }));
      } catch (error) {
        // 409: this run's row is already there (recorded before); the summary decides whether it was counted.
        if (storageStatus(error) !== 409) throw fail(error, action);
      }
      const key = result.job.toLowerCase();
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        // The summary as this process last wrote it, when it did: the write is conditional on its ETag, so a summary
        // another instance changed since is refused (412) and read afresh — one read fewer for a warm instance.
        const known = attempt === 1 ? written.get(key) : undefined;
        const current = known ?? (await readSummary(client, result.job, deadline));
        if (current?.countedRunIds.includes(result.runId))
          return { ...current.summary, uninterrupted: false };
        const next = nextJobSummary(current?.summary ?? null, result);
        const countedRunIds = [...(current?.countedRunIds ?? []), result.runId];
        const entity = toSummaryEntity(next, countedRunIds);
        try {
          const answer = await boundStorage(deadline, (abortSignal) =>
            current
              ? client.updateEntity(entity, "Replace", { etag: current.etag, abortSignal })
              : client.createEntity(entity, { abortSignal }),
          );
          if (answer.etag) written.set(key, { ...fromSummaryEntity(entity), etag: answer.etag });
          else written.delete(key);
          return { ...next, uninterrupted: known !== undefined };
        } catch (error) {
          written.delete(key);
          const status = storageStatus(error);
          // 412: changed since read; 409: created since read; 404: deleted since read. Read again.
          if (status !== 412 && status !== 409 && status !== 404) throw fail(error, action);
        }
      }
      throw new TransientError(
        "STATE_CONTENDED",
        `The summary of job '${result.job}' in table '${table.tableName}' at ${table.endpoint} changed under ` +
          `every one of ${maxAttempts} attempts to update it while ${action}; the run row is written. ` +
          `Too many runs of this job are being recorded at once — retry later.`,
      );
    },

    async summaries({ deadline } = {}): Promise<JobSummary[]> {
      const client = await table.client(deadline);
      const found: JobSummary[] = [];
      try {
        await boundStorage(deadline, async (abortSignal) => {
          const rows = client.listEntities({
            queryOptions: { filter: odata`PartitionKey eq ${SUMMARY_PARTITION}` },
            abortSignal,
          });
          for await (const entity of rows) found.push(fromSummaryEntity(entity).summary);
        });
      } catch (error) {
        throw fail(error, "listing job summaries");
      }
      return found.sort((a, b) => a.job.localeCompare(b.job));
    },

    async summary(job, { deadline } = {}): Promise<JobSummary | null> {
      if (!isTableKey(job.toLowerCase())) return null; // no such job could have been recorded
      const client = await table.client(deadline);
      return (await readSummary(client, job, deadline))?.summary ?? null;
    },

    async recent(job, limit, { deadline } = {}): Promise<RecordedRun[]> {
      const wanted = Math.min(Math.floor(limit), MAX_RECENT_RUNS);
      if (!(wanted >= 1) || !isTableKey(job.toLowerCase())) return [];
      const partitionKey = runPartitionKey(job);
      const client = await table.client(deadline);
      const runs: RecordedRun[] = [];
      try {
        await boundStorage(deadline, async (abortSignal) => {
          const pages = client
            .listEntities({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` }, abortSignal })
            .byPage({ maxPageSize: wanted });
          for await (const page of pages) {
            for (const entity of page) {
              runs.push(fromRunEntity(entity));
              if (runs.length === wanted) return;
            }
          }
        });
      } catch (error) {
        throw fail(error, `listing recent runs of job '${job}'`);
      }
      return runs;
    },

    async purgeBefore(cutoff, purgeOptions): Promise<PurgeReport> {
      const report: PurgeReport = { deleted: 0, batches: 0, complete: true };
      const abortSignal = purgeOptions.signal;
      try {
        const client = await table.client();
        const jobs: string[] = [];
        const summaries = client.listEntities({
          queryOptions: { filter: odata`PartitionKey eq ${SUMMARY_PARTITION}`, select: ["rowKey"] },
          abortSignal,
        });
        for await (const summary of summaries) if (summary.rowKey) jobs.push(summary.rowKey);
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
