import type { GraphApplication, GraphApplications } from "./GraphApplications.js";

/**
 * Graph for one run of one piece of work (a renewal): the application is read once and the answer reused until this
 * run changes it (addKey, removeKey), after which the next read goes to Graph again. Reading `keyCredentials` is
 * throttled per tenant (150 requests a minute: https://learn.microsoft.com/graph/api/application-get), and a
 * renewal that waits for Key Vault observes the application on every poll: with this, a run reads it at most once
 * more than it writes. A lookup by appId serves a later lookup by object id, and the other way round.
 *
 * Only for a run's lifetime (seconds to a few minutes, under the rotation lease): changes made elsewhere meanwhile
 * are seen by the next run. A failed read keeps nothing.
 */
export function cachedApplicationReads(graph: GraphApplications): GraphApplications {
  let last: GraphApplication | null = null;
  const read = async (
    fetch: () => Promise<GraphApplication>,
    matches: (app: GraphApplication) => boolean,
  ) => {
    if (last && matches(last)) return last;
    last = await fetch();
    return last;
  };
  /** A write changes the application, whether it succeeds or not (a lost answer may hide a success). */
  const write = async <T>(run: () => Promise<T>): Promise<T> => {
    last = null;
    try {
      return await run();
    } finally {
      last = null;
    }
  };
  return {
    get: (objectId, deadline) =>
      read(
        () => graph.get(objectId, deadline),
        (app) => app.id.toLowerCase() === objectId.toLowerCase(),
      ),
    getByAppId: (appId, deadline) =>
      read(
        () => graph.getByAppId(appId, deadline),
        (app) => app.appId.toLowerCase() === appId.toLowerCase(),
      ),
    addKey: (objectId, certificateDerBase64, displayName, proof, deadline) =>
      write(() => graph.addKey(objectId, certificateDerBase64, displayName, proof, deadline)),
    removeKey: (objectId, keyId, proof, deadline) =>
      write(() => graph.removeKey(objectId, keyId, proof, deadline)),
  };
}
