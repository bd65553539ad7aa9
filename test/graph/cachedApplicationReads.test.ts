import { describe, expect, it } from "vitest";
import { cachedApplicationReads } from "../../src/graph/cachedApplicationReads.js";
import type { GraphApplication, GraphApplications } from "../../src/graph/GraphApplications.js";

/** A Graph that counts what it is asked, with one application whose keys addKey/removeKey change. */
function countingGraph() {
  const calls: string[] = [];
  let keys = 1;
  let failNext = false;
  const app = (): GraphApplication => ({
    id: "OBJECT-ID",
    appId: "APP-ID",
    displayName: "app",
    keyCredentials: Array.from({ length: keys }, (_, i) => ({
      keyId: `k${i}`,
      customKeyIdentifier: null,
      displayName: null,
      startDateTime: null,
      endDateTime: null,
      type: "AsymmetricX509Cert",
      usage: "Verify",
    })),
    passwordCredentials: [],
  });
  const graph: GraphApplications = {
    get(objectId) {
      calls.push(`get ${objectId}`);
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error("503"));
      }
      return Promise.resolve(app());
    },
    getByAppId(appId) {
      calls.push(`getByAppId ${appId}`);
      return Promise.resolve(app());
    },
    addKey() {
      calls.push("addKey");
      keys += 1;
      return Promise.resolve(app().keyCredentials.at(-1)!);
    },
    removeKey() {
      calls.push("removeKey");
      keys -= 1;
      return Promise.reject(new Error("answer lost"));
    },
  };
  return { graph, calls, failNextRead: () => (failNext = true) };
}

describe("cachedApplicationReads", () => {
  it("reads the application once however often the run looks, by appId or object id (any case)", async () => {
    const { graph, calls } = countingGraph();
    const cached = cachedApplicationReads(graph);

    const byAppId = await cached.getByAppId("APP-ID");
    expect(await cached.get("OBJECT-ID")).toBe(byAppId);
    expect(await cached.get("object-id")).toBe(byAppId);
    expect(await cached.getByAppId("app-id")).toBe(byAppId);
    expect(calls).toEqual(["getByAppId APP-ID"]);
  });

  it("reads another application from Graph", async () => {
    const { graph, calls } = countingGraph();
    const cached = cachedApplicationReads(graph);
    await cached.get("OBJECT-ID");
    await cached.get("OTHER");
    await cached.getByAppId("OTHER-APP");
    expect(calls).toEqual(["get OBJECT-ID", "get OTHER", "getByAppId OTHER-APP"]);
  });

  it("reads again after each key it adds or removes, even when the write failed", async () => {
    const { graph, calls } = countingGraph();
    const cached = cachedApplicationReads(graph);

    expect((await cached.get("OBJECT-ID")).keyCredentials).toHaveLength(1);
    await cached.addKey("OBJECT-ID", "DER", "next", "proof");
    expect((await cached.get("OBJECT-ID")).keyCredentials).toHaveLength(2);
    await cached.get("OBJECT-ID");
    await expect(cached.removeKey("OBJECT-ID", "k0", "proof")).rejects.toThrow("answer lost");
    expect((await cached.get("OBJECT-ID")).keyCredentials).toHaveLength(1);
    expect(calls).toEqual(["get OBJECT-ID", "addKey", "get OBJECT-ID", "removeKey", "get OBJECT-ID"]);
  });

  it("keeps nothing from a failed read", async () => {
    const { graph, calls, failNextRead } = countingGraph();
    const cached = cachedApplicationReads(graph);
    failNextRead();
    await expect(cached.get("OBJECT-ID")).rejects.toThrow("503");
    await cached.get("OBJECT-ID");
    expect(calls).toEqual(["get OBJECT-ID", "get OBJECT-ID"]);
  });
});
