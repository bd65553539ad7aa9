import { boundStorage } from "../state/boundStorage.js";
import type { StateTable } from "../state/StateTable.js";
import { stateError } from "../state/stateError.js";
import { storageStatus } from "../state/storageStatus.js";
import { tableKey } from "../state/tableKey.js";
import type { RotationStore } from "./RotationPorts.js";
import type { RotationRecord } from "./RotationRecord.js";

export const ROTATION_TABLE = "m2mRotations";
const PARTITION = "rotation";

/**
 * Rotation records in Table Storage: one row per certificate, the record as JSON, every write conditional. With a
 * deadline, each call (the table's creation on first use included) ends by it: TIMED_OUT naming Table Storage.
 */
export function tableRotationStore(table: StateTable): RotationStore {
  const fail = (error: unknown, action: string) =>
    stateError(error, { table: table.tableName, endpoint: table.endpoint, action });
  return {
    async get(name, deadline) {
      const client = await table.client(deadline);
      try {
        const entity = await boundStorage(deadline, (abortSignal) =>
          client.getEntity<{ record: string }>(PARTITION, tableKey(name.toLowerCase(), "certificate name"), {
            abortSignal,
          }),
        );
        return { record: JSON.parse(entity.record) as RotationRecord, etag: entity.etag };
      } catch (error) {
        if (storageStatus(error) === 404) return null;
        throw fail(error, `reading the rotation of '${name}'`);
      }
    },
    async save(record, etag, deadline) {
      const client = await table.client(deadline);
      const entity = {
        partitionKey: PARTITION,
        rowKey: tableKey(record.certificateName.toLowerCase(), "certificate name"),
        record: JSON.stringify(record),
        step: record.step,
      };
      try {
        const response = await boundStorage(deadline, (abortSignal) =>
          etag === null
            ? client.createEntity(entity, { abortSignal })
            : client.updateEntity(entity, "Replace", { etag, abortSignal }),
        );
        return { saved: true, etag: response.etag ?? "" };
      } catch (error) {
        const status = storageStatus(error);
        if (status === 409 || status === 412) return { saved: false };
        throw fail(error, `saving the rotation of '${record.certificateName}'`);
      }
    },
  };
}
