import { createHash } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import type { Clock } from "../clock/Clock.js";
import type { StateTable } from "../state/StateTable.js";
import { stateError } from "../state/stateError.js";
import { storageStatus } from "../state/storageStatus.js";
import type { Alert } from "./Alert.js";
import type { AlertLedger, AlertState, DeliveryReport } from "./AlertLedger.js";

export const ALERT_TABLE = "m2mAlerts";
const STATE = "state";
const DELIVERY = "delivery";
/** A claim older than this is assumed to belong to a crashed sender: the delivery is tried again. */
const CLAIM_MS = 2 * 60_000;
/** After this many failed attempts a delivery is given up (and logged by the caller each time before). */
const MAX_ATTEMPTS = 50;

const key = (value: string) => createHash("sha256").update(value).digest("hex").slice(0, 40);

/**
 * The ledger in Azure Table Storage. Order of writes in `transition`: first the delivery rows (createEntity: a 409
 * means another instance already enqueued the same alert), then the state row, conditional on its ETag. A crash
 * between the two leaves the deliveries enqueued and the state unchanged: the next run makes the same decision with
 * the same dedupe key, finds the rows already there, and moves the state — the alert is still sent once.
 */
export function tableAlertLedger(table: StateTable, deps: { clock: Clock }): AlertLedger {
  const fail = (error: unknown, action: string) =>
    stateError(error, { table: table.tableName, endpoint: table.endpoint, action });

  async function readState(client: TableClient, subject: string) {
    try {
      const entity = await client.getEntity<Record<string, unknown>>(STATE, key(subject));
      const state: AlertState = {
        subject,
        status: entity.status === "firing" ? "firing" : "ok",
        step: typeof entity.step === "string" ? entity.step : null,
        since: typeof entity.since === "string" ? entity.since : null,
        episode: typeof entity.episode === "string" ? entity.episode : null,
      };
      return { state, etag: entity.etag };
    } catch (error) {
      if (storageStatus(error) === 404) return null;
      throw fail(error, `reading the alert state of '${subject}'`);
    }
  }

  const stateRow = (state: AlertState) => ({
    partitionKey: STATE,
    rowKey: key(state.subject),
    subject: state.subject,
    status: state.status,
    step: state.step ?? "",
    since: state.since ?? "",
    episode: state.episode ?? "",
  });

  return {
    async getState(subject) {
      const client = await table.client();
      return (await readState(client, subject))?.state ?? null;
    },

    async transition(expected, next, alert, channels) {
      const client = await table.client();
      const current = await readState(client, next.subject);
      const same = (a: AlertState | null, b: AlertState | null) =>
        (a?.status ?? "ok") === (b?.status ?? "ok") && (a?.episode ?? null) === (b?.episode ?? null);
      if (!same(current?.state ?? null, expected)) return false;
      for (const channel of channels) {
        try {
          await client.createEntity({
            partitionKey: DELIVERY,
            rowKey: key(`${alert.dedupeKey}\n${channel.name}`),
            dedupeKey: alert.dedupeKey,
            channel: channel.name,
            alert: JSON.stringify(alert),
            status: "pending",
            attempts: 0,
            claimedUntil: "",
            lastError: "",
            createdAt: deps.clock().toISOString(),
          });
        } catch (error) {
          if (storageStatus(error) !== 409) throw fail(error, `enqueueing alert '${alert.dedupeKey}'`);
        }
      }
      try {
        if (current) await client.updateEntity(stateRow(next), "Replace", { etag: current.etag });
        else await client.createEntity(stateRow(next));
        return true;
      } catch (error) {
        const status = storageStatus(error);
        if (status === 412 || status === 409) return false;
        throw fail(error, `updating the alert state of '${next.subject}'`);
      }
    },

    async deliverPending(channels) {
      const report: DeliveryReport = { sent: 0, failed: [] };
      const client = await table.client();
      const byName = new Map(channels.map((channel) => [channel.name, channel]));
      const rows = client.listEntities<Record<string, unknown>>({
        queryOptions: { filter: `PartitionKey eq '${DELIVERY}' and status eq 'pending'` },
      });
      // In the order they were raised: a "resolved" never overtakes the "firing" it closes.
      const pending = [];
      for await (const row of rows) pending.push(row);
      pending.sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)));
      for (const row of pending) {
        const channel = byName.get(String(row.channel));
        if (!channel) continue; // a channel removed from the settings: its deliveries wait until it is back
        const now = deps.clock();
        if (typeof row.claimedUntil === "string" && row.claimedUntil && new Date(row.claimedUntil) > now)
          continue;
        const attempts = Number(row.attempts ?? 0) + 1;
        let claimEtag: string;
        try {
          const claimed = await client.updateEntity(
            {
              partitionKey: DELIVERY,
              rowKey: row.rowKey!,
              claimedUntil: new Date(now.getTime() + CLAIM_MS).toISOString(),
              attempts,
            },
            "Merge",
            { etag: row.etag },
          );
          claimEtag = claimed.etag!;
        } catch (error) {
          if (storageStatus(error) === 412) continue; // another instance claimed it
          throw fail(error, "claiming an alert delivery");
        }
        const dedupeKey = String(row.dedupeKey);
        try {
          await channel.send(JSON.parse(String(row.alert)) as Alert);
          await client.updateEntity(
            {
              partitionKey: DELIVERY,
              rowKey: row.rowKey!,
              status: "sent",
              sentAt: deps.clock().toISOString(),
              claimedUntil: "",
              lastError: "",
            },
            "Merge",
            { etag: claimEtag },
          );
          report.sent += 1;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          report.failed.push({ dedupeKey, channel: channel.name, error: message });
          await client
            .updateEntity(
              {
                partitionKey: DELIVERY,
                rowKey: row.rowKey!,
                status: attempts >= MAX_ATTEMPTS ? "abandoned" : "pending",
                claimedUntil: "",
                lastError: message.slice(0, 1000),
              },
              "Merge",
              { etag: claimEtag },
            )
            .catch(() => undefined); // the claim expires on its own; the delivery is retried then
        }
      }
      return report;
    },
  };
}
