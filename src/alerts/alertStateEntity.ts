import { entityFields } from "../state/entityFields.js";
import { withoutNulls } from "../state/withoutNulls.js";
import type { AlertState, StoredAlertState } from "./AlertLedger.js";

/** RowKey of a subject's state row, in the subject's partition. */
export const STATE_ROW = "state";

/** The state row: PartitionKey = the subject's ledger key, RowKey = "state". Nulls are stored as absent. */
export function toAlertStateEntity(partitionKey: string, state: AlertState) {
  return {
    partitionKey,
    rowKey: STATE_ROW,
    ...withoutNulls({
      kind: "state",
      subject: state.subject,
      status: state.status,
      step: state.step,
      since: state.since,
      lastAlertKey: state.lastAlertKey,
    }),
  };
}

/** A state row read back. An unknown status reads as "firing", so a damaged row can still be resolved. */
export function fromAlertStateEntity(
  subject: string,
  entity: Readonly<Record<string, unknown>> & { etag: string },
): StoredAlertState {
  const f = entityFields(entity);
  return {
    subject,
    status: f.string("status") === "ok" ? "ok" : "firing",
    step: f.string("step"),
    since: f.string("since"),
    lastAlertKey: f.string("lastAlertKey"),
    version: entity.etag,
  };
}
