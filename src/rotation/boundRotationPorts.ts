import type { Deadline } from "../clock/Deadline.js";
import type { GraphApplications } from "../graph/GraphApplications.js";
import type { RenewableCertificate, RotationStore } from "./RotationPorts.js";

/**
 * The rotation's Key Vault, Graph and store with one run's deadline passed to every call, so that rotateCertificate
 * (which knows nothing of deadlines) keeps to it. A save asked for once the deadline has passed — the failed step's
 * record after a TIMED_OUT — gets `afterDeadline()` instead: time kept for it, so the next run knows where it stopped.
 */
export function boundRotationPorts(
  ports: { vault: RenewableCertificate; graph: GraphApplications; store: RotationStore },
  deadline: Deadline | undefined,
  afterDeadline: () => Deadline,
): { vault: RenewableCertificate; graph: GraphApplications; store: RotationStore } {
  const { vault, graph, store } = ports;
  return {
    vault: {
      latest: (name) => vault.latest(name, deadline),
      versions: (name) => vault.versions(name, deadline),
      hasPendingOperation: (name) => vault.hasPendingOperation(name, deadline),
      isRenewable: (name) => vault.isRenewable(name, deadline),
      createVersion: (name) => vault.createVersion(name, deadline),
      load: (name, version) => vault.load(name, version, deadline),
    },
    graph: {
      get: (objectId) => graph.get(objectId, deadline),
      getByAppId: (appId) => graph.getByAppId(appId, deadline),
      addKey: (objectId, der, displayName, proof) =>
        graph.addKey(objectId, der, displayName, proof, deadline),
      removeKey: (objectId, keyId, proof) => graph.removeKey(objectId, keyId, proof, deadline),
    },
    store: {
      get: (name) => store.get(name, deadline),
      save: (record, etag) =>
        store.save(record, etag, deadline?.signal.aborted === true ? afterDeadline() : deadline),
    },
  };
}
