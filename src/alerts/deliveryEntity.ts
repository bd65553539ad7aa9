import { entityFields } from "../state/entityFields.js";
import { tableKey } from "../state/tableKey.js";
import { withoutNulls } from "../state/withoutNulls.js";
import type { Alert } from "./Alert.js";
import { fitAlert } from "./fitAlert.js";
import { ledgerKey } from "./ledgerKey.js";

/** One alert on one channel, as the ledger keeps it. */
export interface Delivery {
  partitionKey: string;
  rowKey: string;
  subject: string;
  dedupeKey: string;
  channel: string;
  /** "failed" = the last attempt failed; it is tried again until attempts reach the maximum. */
  status: "pending" | "sent" | "failed";
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
  /** The alert as enqueued; null when the stored JSON cannot be read (the delivery then fails with that reason). */
  alert: Alert | null;
  /** When the alert was raised: deliveries go out in this order. */
  occurredAt: string;
  /** The instance sending it now, and until when its claim holds. */
  claimedBy: string | null;
  claimedUntil: string | null;
  etag: string;
}

/** RowKey of a delivery: `delivery|<ledger key of the dedupeKey>|<channel name>`. */
export function deliveryRowKey(dedupeKey: string, channel: string): string {
  return tableKey(`delivery|${ledgerKey(dedupeKey, "alert dedupe key")}|${channel}`, "alert delivery key");
}

/** A new delivery row: pending, never tried. */
export function newDeliveryEntity(partitionKey: string, alert: Alert, channel: string) {
  return toDeliveryEntity({
    partitionKey,
    rowKey: deliveryRowKey(alert.dedupeKey, channel),
    subject: alert.subject,
    dedupeKey: alert.dedupeKey,
    channel,
    status: "pending",
    attempts: 0,
    lastError: null,
    sentAt: null,
    alert,
    occurredAt: alert.occurredAt,
    claimedBy: null,
    claimedUntil: null,
  });
}

/** The row as stored. Nulls are absent (a Replace drops them, which is how a claim is cleared). */
export function toDeliveryEntity(delivery: Omit<Delivery, "etag">) {
  return {
    partitionKey: delivery.partitionKey,
    rowKey: delivery.rowKey,
    ...withoutNulls({
      kind: "delivery",
      subject: delivery.subject,
      dedupeKey: delivery.dedupeKey,
      channel: delivery.channel,
      status: delivery.status,
      attempts: delivery.attempts,
      lastError: delivery.lastError,
      sentAt: delivery.sentAt,
      alert: delivery.alert ? JSON.stringify(fitAlert(delivery.alert)) : null,
      occurredAt: delivery.occurredAt,
      claimedBy: delivery.claimedBy,
      claimedUntil: delivery.claimedUntil,
    }),
  };
}

export function fromDeliveryEntity(
  entity: Readonly<Record<string, unknown>> & { partitionKey?: string; rowKey?: string; etag: string },
): Delivery {
  const f = entityFields(entity);
  const status = f.string("status");
  return {
    partitionKey: entity.partitionKey ?? "",
    rowKey: entity.rowKey ?? "",
    subject: f.string("subject") ?? "",
    dedupeKey: f.string("dedupeKey") ?? "",
    channel: f.string("channel") ?? "",
    status: status === "sent" || status === "failed" ? status : "pending",
    attempts: f.number("attempts") ?? 0,
    lastError: f.string("lastError"),
    sentAt: f.string("sentAt"),
    alert: asAlert(f.json("alert")),
    occurredAt: f.string("occurredAt") ?? "",
    claimedBy: f.string("claimedBy"),
    claimedUntil: f.string("claimedUntil"),
    etag: entity.etag,
  };
}

function asAlert(value: unknown): Alert | null {
  if (typeof value !== "object" || value === null) return null;
  const a = value as Record<string, unknown>;
  const strings = ["subject", "title", "text", "dedupeKey", "occurredAt"].every(
    (k) => typeof a[k] === "string",
  );
  const kind = a.kind === "firing" || a.kind === "resolved";
  const severity = a.severity === "info" || a.severity === "warning" || a.severity === "critical";
  const facts =
    Array.isArray(a.facts) &&
    a.facts.every(
      (f: unknown) =>
        typeof f === "object" &&
        f !== null &&
        typeof (f as { name?: unknown }).name === "string" &&
        typeof (f as { value?: unknown }).value === "string",
    );
  return strings && kind && severity && facts ? (value as Alert) : null;
}
