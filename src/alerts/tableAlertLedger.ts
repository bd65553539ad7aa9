import { randomUUID } from "node:crypto";
import { odata, type TableClient, type TransactionAction } from "@azure/data-tables";
import { systemClock, type Clock } from "../clock/Clock.js";
import type { Deadline } from "../clock/Deadline.js";
import { M2mError } from "../errors.js";
import { silentLogger, type Logger } from "../logging/Logger.js";
import { boundStorage } from "../state/boundStorage.js";
import { purgeListed } from "../state/purgeListed.js";
import { deliveriesDueFilter, isDeliveryDue, type RowKeys } from "../state/retentionPlan.js";
import type { PurgeReport, RowPurge } from "../state/RowPurge.js";
import type { StateTable } from "../state/StateTable.js";
import { stateError } from "../state/stateError.js";
import { storageStatus } from "../state/storageStatus.js";
import type { Alert, AlertChannel } from "./Alert.js";
import {
  DEFAULT_MAX_DELIVERY_ATTEMPTS,
  type AlertLedger,
  type AlertState,
  type DeliveryReport,
  type RecentAlert,
  type StoredAlertState,
} from "./AlertLedger.js";
import { fromAlertStateEntity, STATE_ROW, toAlertStateEntity } from "./alertStateEntity.js";
import { checkChannelName } from "./checkChannelName.js";
import { fromDeliveryEntity, newDeliveryEntity, toDeliveryEntity, type Delivery } from "./deliveryEntity.js";
import { ledgerKey } from "./ledgerKey.js";

/** The table the app keeps alert states and deliveries in. */
export const ALERT_TABLE = "m2mAlerts";
/**
 * How long a claimed delivery is left to its sender. Far above a channel's timeout (10 s by default): a claim this old
 * belongs to an instance that died while sending, and the delivery is tried again.
 */
export const DEFAULT_CLAIM_TIMEOUT_MS = 120_000;
/** Table Storage runs at most 100 operations in one transaction: the state row and one row per channel. */
const MAX_CHANNELS = 99;
/** Characters of a channel's error kept on the delivery row. */
const LAST_ERROR_CHARS = 1000;

export interface TableAlertLedgerOptions {
  /** For deliveries when the caller passes no `now`. Default: the system clock. */
  clock?: Clock;
  logger?: Logger;
  claimTimeoutMs?: number;
  /** Names this process on the claims it writes (diagnostics only). Default: a random id. */
  instanceId?: string;
}

/**
 * The alert ledger in Azure Table Storage: one table, one partition per subject (PartitionKey = the subject's
 * ledgerKey), holding
 * - the state row: RowKey "state" — status, step, since, lastAlertKey;
 * - a delivery row per alert and channel: RowKey `delivery|<ledgerKey(dedupeKey)>|<channel>` — status
 *   (pending/sent/failed), attempts, lastError, sentAt, claimedBy/claimedUntil and the alert as JSON.
 *
 * `transition` writes the delivery rows (create: they must not exist) and the state row (replace on the expected
 * ETag, or create when there was none) in one entity group transaction: all or nothing. So there is no crash window
 * between enqueueing and moving the state, and no orphan delivery for a transition that lost a race. Of two
 * instances racing, the second finds the state changed (412), the row already created (409), or the alert already
 * enqueued (409), and nothing of its attempt is written.
 *
 * `deliverPending` lists the deliveries not sent and not given up (a scan of the table filtered on the server: alerts
 * are few, and sent rows are small), keeps those of the subjects asked for, claims each with a conditional replace (a claimed row is skipped by other
 * instances until the claim expires), sends it, then marks it sent or failed.
 *
 * `purgeBefore(cutoff)` deletes the delivery rows that are delivered (sent, or failed DEFAULT_MAX_DELIVERY_ATTEMPTS
 * times and given up) and whose alert was raised before `cutoff`: a server-filtered scan reading only the keys and
 * the fields isDeliveryDue checks, then transactions of at most 100 deletes per subject. State rows are never deleted
 * (isDeliveryDue says why dedupe needs nothing more).
 */
export function tableAlertLedger(
  table: StateTable,
  options: TableAlertLedgerOptions = {},
): AlertLedger & RowPurge {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const claimTimeoutMs = options.claimTimeoutMs ?? DEFAULT_CLAIM_TIMEOUT_MS;
  const instanceId = options.instanceId ?? randomUUID();
  const fail = (error: unknown, action: string) =>
    stateError(error, { table: table.tableName, endpoint: table.endpoint, action });

  async function readState(
    client: TableClient,
    subject: string,
    deadline: Deadline | undefined,
  ): Promise<StoredAlertState> {
    try {
      const entity = await boundStorage(deadline, (abortSignal) =>
        client.getEntity<Record<string, unknown>>(ledgerKey(subject, "alert subject"), STATE_ROW, {
          abortSignal,
        }),
      );
      return fromAlertStateEntity(subject, entity);
    } catch (error) {
      if (storageStatus(error) === 404) {
        return { subject, status: "ok", step: null, since: null, lastAlertKey: null, version: null };
      }
      throw fail(error, `reading the alert state of '${subject}'`);
    }
  }

  async function deliver(
    client: TableClient,
    channel: AlertChannel,
    delivery: Delivery,
    context: {
      now: () => Date;
      maxAttempts: number;
      deadline: Deadline | undefined;
      report: DeliveryReport;
    },
  ): Promise<void> {
    const { report, deadline } = context;
    const { etag: listedEtag, ...row } = delivery;
    const attempts = row.attempts + 1;
    const where = `delivery of '${row.dedupeKey}' to '${row.channel}'`;

    // Claim: only one instance gets past this for the row as listed.
    let claimEtag: string;
    try {
      const claimedAt = context.now().getTime();
      // A sender bounded by a deadline cannot be sending past it: the claim need not outlive it.
      const claimedUntil = Math.min(claimedAt + claimTimeoutMs, deadline?.atMs ?? Infinity);
      const claimed = await boundStorage(deadline, (abortSignal) =>
        client.updateEntity(
          toDeliveryEntity({
            ...row,
            attempts,
            claimedBy: instanceId,
            claimedUntil: new Date(claimedUntil).toISOString(),
          }),
          "Replace",
          { etag: listedEtag, abortSignal },
        ),
      );
      if (!claimed.etag) throw new Error("Table Storage answered the claim without an ETag");
      claimEtag = claimed.etag;
    } catch (error) {
      const status = storageStatus(error);
      if (status === 412 || status === 404) return; // another instance claimed (or sent) it since it was listed
      const failure = fail(error, `claiming the ${where}`);
      report.failed.push({
        dedupeKey: row.dedupeKey,
        channel: row.channel,
        error: failure.message,
        code: failure.code,
        attempts: row.attempts,
        gaveUp: false,
      });
      return;
    }

    try {
      if (!row.alert) {
        throw new M2mError(
          "ALERT_DELIVERY_UNREADABLE",
          `The stored alert of the ${where} cannot be read (row '${row.rowKey}' in table '${table.tableName}'); ` +
            `it is given up after ${context.maxAttempts} attempts.`,
        );
      }
      await channel.send(row.alert, deadline);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      report.failed.push({
        dedupeKey: row.dedupeKey,
        channel: row.channel,
        error: message,
        code: error instanceof M2mError ? error.code : null,
        attempts,
        gaveUp: attempts >= context.maxAttempts,
      });
      const failed = {
        ...row,
        status: "failed" as const,
        attempts,
        lastError: message.length > LAST_ERROR_CHARS ? `${message.slice(0, LAST_ERROR_CHARS)}…` : message,
        claimedBy: null,
        claimedUntil: null,
      };
      await boundStorage(deadline, (abortSignal) =>
        client.updateEntity(toDeliveryEntity(failed), "Replace", { etag: claimEtag, abortSignal }),
      ).catch((e: unknown) => {
        // 412: the claim expired and another instance took the row over — it is that instance's now.
        if (storageStatus(e) !== 412) {
          logger.warn("Could not record a failed alert delivery; it is tried again when its claim expires", {
            dedupeKey: row.dedupeKey,
            channel: row.channel,
            error: fail(e, `recording the failed ${where}`).message,
          });
        }
      });
      return;
    }

    report.sent.push({ dedupeKey: row.dedupeKey, channel: row.channel });
    const sent = {
      ...row,
      status: "sent" as const,
      attempts,
      sentAt: context.now().toISOString(),
      claimedBy: null,
      claimedUntil: null,
    };
    try {
      // Unconditional: the message went out, whoever claimed the row since. A later update on an older claim gets 412.
      await boundStorage(deadline, (abortSignal) =>
        client.updateEntity(toDeliveryEntity(sent), "Replace", { etag: "*", abortSignal }),
      );
    } catch (error) {
      logger.warn(
        "An alert was sent but could not be marked sent; it may be sent again when its claim expires",
        {
          dedupeKey: row.dedupeKey,
          channel: row.channel,
          error: fail(error, `marking the ${where} sent`).message,
        },
      );
    }
  }

  return {
    async getState(subject, { deadline } = {}) {
      const client = await table.client(deadline);
      return readState(client, subject, deadline);
    },

    async states(prefixes, { deadline } = {}) {
      const client = await table.client(deadline);
      const found = new Map<string, StoredAlertState>();
      try {
        await boundStorage(deadline, async (abortSignal) => {
          const rows = client.listEntities<Record<string, unknown>>({
            queryOptions: { filter: statesFilter(prefixes) },
            abortSignal,
          });
          for await (const row of rows) {
            const subject = row.subject;
            if (typeof subject !== "string" || !prefixes.some((prefix) => subject.startsWith(prefix)))
              continue;
            found.set(subject, fromAlertStateEntity(subject, { ...row, etag: row.etag ?? "" }));
          }
        });
      } catch (error) {
        throw fail(error, `reading the alert states of '${prefixes.join("*', '")}*'`);
      }
      return found;
    },

    async recentAlerts(since, limit, { deadline } = {}) {
      const client = await table.client(deadline);
      const byKey = new Map<string, RecentAlert>();
      try {
        await boundStorage(deadline, async (abortSignal) => {
          const rows = client.listEntities<Record<string, unknown>>({
            queryOptions: { filter: odata`kind eq ${"delivery"} and occurredAt ge ${since.toISOString()}` },
            abortSignal,
          });
          for await (const entity of rows) {
            const delivery = fromDeliveryEntity(entity);
            if (!delivery.alert) continue;
            const entry = byKey.get(delivery.dedupeKey) ?? { alert: delivery.alert, deliveries: [] };
            entry.deliveries.push({
              channel: delivery.channel,
              status: delivery.status,
              attempts: delivery.attempts,
              sentAt: delivery.sentAt,
              lastError: delivery.lastError,
            });
            byKey.set(delivery.dedupeKey, entry);
          }
        });
      } catch (error) {
        throw fail(error, "listing recent alerts");
      }
      return [...byKey.values()]
        .sort(
          (a, b) =>
            b.alert.occurredAt.localeCompare(a.alert.occurredAt) ||
            b.alert.dedupeKey.localeCompare(a.alert.dedupeKey),
        )
        .slice(0, limit)
        .map((entry) => ({
          ...entry,
          deliveries: entry.deliveries.sort((a, b) => a.channel.localeCompare(b.channel)),
        }));
    },

    async transition(subject, expected, next, alert, channels, { deadline } = {}) {
      checkTransition(subject, expected, next, alert, channels);
      const partitionKey = ledgerKey(subject, "alert subject");
      const actions: TransactionAction[] = [];
      if (alert)
        for (const channel of channels)
          actions.push(["create", newDeliveryEntity(partitionKey, alert, channel.name)]);
      const stateRow = toAlertStateEntity(partitionKey, next);
      actions.push(
        expected.version === null
          ? ["create", stateRow]
          : ["update", stateRow, "Replace", { etag: expected.version }],
      );

      const client = await table.client(deadline);
      try {
        const response = await boundStorage(deadline, (abortSignal) =>
          client.submitTransaction(actions, { abortSignal }),
        );
        const etag = response.subResponses.at(-1)?.etag;
        return {
          applied: true,
          state: etag ? { ...next, version: etag } : await readState(client, subject, deadline),
        };
      } catch (error) {
        const status = storageStatus(error);
        // 412: the state changed since it was read; 409: the state row was created, or this alert enqueued, since;
        // 404: the state row was deleted since. Either way another writer decided first.
        if (status === 412 || status === 409 || status === 404) {
          return { applied: false, current: await readState(client, subject, deadline) };
        }
        throw fail(
          error,
          `moving '${subject}' from ${expected.status} to ${next.status}` +
            (alert ? ` and enqueueing alert '${alert.dedupeKey}'` : ""),
        );
      }
    },

    async deliverPending(channels, deliverOptions = {}) {
      const now = () => deliverOptions.now ?? clock();
      const maxAttempts = deliverOptions.maxAttempts ?? DEFAULT_MAX_DELIVERY_ATTEMPTS;
      const report: DeliveryReport = { sent: [], failed: [] };
      const byName = new Map(channels.map((channel) => [channel.name, channel]));
      const { deadline } = deliverOptions;
      const only = deliverOptions.subject;
      const accepted = (subject: string) =>
        (only === undefined || subject === only) && (deliverOptions.subjects?.(subject) ?? true);
      const client = await table.client(deadline);

      const due = new Map<string, Delivery[]>();
      const waiting = new Set<string>();
      try {
        await boundStorage(deadline, async (abortSignal) => {
          const pending = odata`kind eq ${"delivery"} and status ne ${"sent"} and attempts lt ${maxAttempts}`;
          const rows = client.listEntities<Record<string, unknown>>({
            queryOptions: {
              // One subject's deliveries live in its partition: a partition query, not a scan of the table.
              filter:
                deliverOptions.subject === undefined
                  ? pending
                  : `${odata`PartitionKey eq ${ledgerKey(deliverOptions.subject, "alert subject")}`} and ${pending}`,
            },
            abortSignal,
          });
          const listedAt = now().getTime();
          for await (const entity of rows) {
            const delivery = fromDeliveryEntity(entity);
            if (!accepted(delivery.subject)) continue;
            if (!byName.has(delivery.channel)) {
              waiting.add(delivery.channel);
              continue;
            }
            if (delivery.claimedUntil !== null && Date.parse(delivery.claimedUntil) > listedAt) continue;
            const queue = due.get(delivery.channel) ?? [];
            queue.push(delivery);
            due.set(delivery.channel, queue);
          }
        });
      } catch (error) {
        throw fail(error, "listing the alert deliveries to send");
      }
      if (waiting.size > 0) {
        logger.warn("Some alert deliveries wait for channels that are not configured now; they are kept", {
          channels: [...waiting].sort(),
        });
      }

      // Channels work in parallel; each sends in the order alerts were raised, so a "resolved" never overtakes the
      // "firing" it closes on the same channel.
      await Promise.all(
        [...due].map(async ([name, queue]) => {
          queue.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.rowKey.localeCompare(b.rowKey));
          for (const delivery of queue) {
            if (deadline?.signal.aborted) return;
            await deliver(client, byName.get(name)!, delivery, { now, maxAttempts, deadline, report });
          }
        }),
      );
      return report;
    },

    async purgeBefore(cutoff, purgeOptions): Promise<PurgeReport> {
      const report: PurgeReport = { deleted: 0, batches: 0, complete: true };
      const abortSignal = purgeOptions.signal;
      // deliverPending's default: a failed row with fewer attempts is still retried, and kept.
      const maxAttempts = DEFAULT_MAX_DELIVERY_ATTEMPTS;
      try {
        const client = await table.client();
        const pages = client
          .listEntities<Record<string, unknown>>({
            queryOptions: {
              filter: deliveriesDueFilter(cutoff, maxAttempts),
              select: ["partitionKey", "rowKey", "status", "attempts", "occurredAt", "claimedUntil"],
            },
            abortSignal,
          })
          .byPage();
        async function* due(): AsyncIterable<RowKeys[]> {
          for await (const page of pages) {
            yield page.flatMap((row) =>
              row.partitionKey !== undefined &&
              row.rowKey !== undefined &&
              isDeliveryDue(row, cutoff, maxAttempts)
                ? [{ partitionKey: row.partitionKey, rowKey: row.rowKey }]
                : [],
            );
          }
        }
        await purgeListed(client, due(), purgeOptions, report);
      } catch (error) {
        // Stopped by the deadline: what is left is deleted next time, like a budget used up.
        if (abortSignal?.aborted) return { ...report, complete: false };
        throw fail(error, `deleting the alert deliveries raised before ${cutoff.toISOString()}`);
      }
      return report;
    },
  };
}

function checkTransition(
  subject: string,
  expected: StoredAlertState,
  next: AlertState,
  alert: Alert | null,
  channels: readonly AlertChannel[],
): void {
  const problems: string[] = [];
  if (expected.subject !== subject) problems.push(`the expected state is of '${expected.subject}'`);
  if (next.subject !== subject) problems.push(`the next state is of '${next.subject}'`);
  if (alert && alert.subject !== subject) problems.push(`the alert is about '${alert.subject}'`);
  if (alert && next.lastAlertKey !== alert.dedupeKey) {
    problems.push(
      `the next state's lastAlertKey '${next.lastAlertKey}' is not the alert's '${alert.dedupeKey}'`,
    );
  }
  if (alert && channels.length > MAX_CHANNELS)
    problems.push(`${channels.length} channels (at most ${MAX_CHANNELS})`);
  const names = channels.map((channel) => checkChannelName(channel.name));
  const repeated = names.filter((name, i) => names.indexOf(name) !== i);
  if (repeated.length > 0) problems.push(`channel names repeat (${[...new Set(repeated)].join(", ")})`);
  if (problems.length > 0) {
    throw new M2mError(
      "ALERT_TRANSITION_INVALID",
      `Cannot move '${subject}': ${problems.join("; ")}. This is a bug in the caller.`,
    );
  }
}

/**
 * The state rows of the subjects under `prefixes`: a subject's partition key is its ledgerKey, which escapes character
 * by character, so the subjects under a prefix are the key range [ledgerKey(prefix), the same with its last character
 * the next one) — read as ranges of the clustered index rather than as a scan of every row of the table. An empty
 * prefix (every subject) reads every state row.
 */
function statesFilter(prefixes: readonly string[]): string {
  const state = odata`RowKey eq ${STATE_ROW}`;
  if (prefixes.length === 0 || prefixes.includes("")) return state;
  const ranges = prefixes.map((prefix) => {
    const from = ledgerKey(prefix, "alert subject prefix");
    const to = from.slice(0, -1) + String.fromCharCode(from.charCodeAt(from.length - 1) + 1);
    return odata`(PartitionKey ge ${from} and PartitionKey lt ${to})`;
  });
  return `(${ranges.join(" or ")}) and ${state}`;
}
