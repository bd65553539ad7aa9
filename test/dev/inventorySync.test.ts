import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defaultRoutes } from "../../dev/downstream/defaultRoutes.js";
import { inventorySync, type InventoryFeed } from "../../dev/downstream/inventorySync.js";
import {
  startDownstreamStandIn,
  type DownstreamStandIn,
} from "../../dev/downstream/startDownstreamStandIn.js";
import { startEntraStandIn, type EntraStandIn } from "../../dev/entra/startEntraStandIn.js";
import { registerClient, tokenFor } from "./fixtures/graphCaller.js";

const AUDIENCE = "api://m2m-downstream";
const SCOPE = `${AUDIENCE}/.default`;

let entra: EntraStandIn;
/** Real tokens from the Entra ID stand-in, one app registration per set of app roles on the API. */
const tokens = { syncer: "", changesReader: "", reportsReader: "" };
let api: DownstreamStandIn;
let feed: InventoryFeed;

beforeAll(async () => {
  entra = await startEntraStandIn();
  entra.registerResource({
    appIdUri: AUDIENCE,
    roles: ["Reports.Read.All", "Reports.Write", "Changes.Read", "Inventory.Write"],
  });
  const grants = {
    syncer: ["Changes.Read", "Inventory.Write"],
    changesReader: ["Changes.Read"],
    reportsReader: ["Reports.Read.All"],
  };
  for (const [name, roles] of Object.entries(grants) as [keyof typeof tokens, string[]][]) {
    const client = registerClient(entra, name);
    entra.assignRoles(client.clientId, AUDIENCE, roles);
    tokens[name] = await tokenFor(entra, client, SCOPE);
  }
});
afterAll(async () => {
  await entra?.stop();
});

// A fresh feed and stand-in per test: the feed is state each test drives (adds, writes).
beforeEach(async () => {
  const sync = inventorySync();
  feed = sync.feed;
  api = await startDownstreamStandIn({
    issuer: entra.issuer,
    jwksUri: entra.jwksUri,
    audience: AUDIENCE,
    routes: [...defaultRoutes(), ...sync.routes],
  });
});
afterEach(async () => {
  await api?.stop();
});

function call(pathOrUrl: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const url = pathOrUrl.startsWith("https://") ? pathOrUrl : `${api.url}${pathOrUrl}`;
  return fetch(url, {
    method: init.method ?? "GET",
    headers: {
      authorization: `Bearer ${init.token ?? tokens.syncer}`,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

interface ChangesPage {
  value: { seq: number; id: string; name: string; quantity: number; changedAt: string }[];
  "@odata.nextLink"?: string;
}

async function pageOf(response: Response): Promise<ChangesPage> {
  expect(response.status).toBe(200);
  return (await response.json()) as ChangesPage;
}

async function expectError(response: Response, status: number, code: string, message: string) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error).toMatchObject({ code, message });
}

const item = (id: string, seq: number, quantity = 5) => ({ seq, id, name: `Item ${id.slice(5)}`, quantity });

describe("inventory sync: GET /changes", () => {
  it("pages 7 changes in pages of 3 through @odata.nextLink, the last page without one", async () => {
    const first = await pageOf(await call("/changes"));
    expect(first.value.map((change) => change.seq)).toEqual([1, 2, 3]);
    expect(first.value[0]).toEqual({
      seq: 1,
      id: "item-001",
      name: "Item 001",
      quantity: 7,
      changedAt: "2025-01-01T06:01:00.000Z",
    });
    expect(first["@odata.nextLink"]).toBe(`${api.url}/changes?after=3&top=3`);

    const secondResponse = await call(first["@odata.nextLink"] ?? "");
    expect(secondResponse.headers.get("link")).toBeNull();
    const second = await pageOf(secondResponse);
    expect(second.value.map((change) => change.seq)).toEqual([4, 5, 6]);
    expect(second["@odata.nextLink"]).toBe(`${api.url}/changes?after=6&top=3`);

    const third = await pageOf(await call(second["@odata.nextLink"] ?? ""));
    expect(third.value.map((change) => change.seq)).toEqual([7]);
    expect(third).not.toHaveProperty("@odata.nextLink");
  });

  it("with paging=link sends the next page as an RFC 8288 Link header (rel=next) that keeps paging=link", async () => {
    const links: (string | null)[] = [];
    const seqs: number[][] = [];
    let next: string | null = "/changes?paging=link";
    while (next) {
      const response = await call(next);
      const page = await pageOf(response);
      expect(page).not.toHaveProperty("@odata.nextLink");
      seqs.push(page.value.map((change) => change.seq));
      const link = response.headers.get("link");
      links.push(link);
      next = link ? (/^<([^>]+)>; rel="next"$/.exec(link)?.[1] ?? null) : null;
    }

    expect(seqs).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(links).toEqual([
      `<${api.url}/changes?after=3&top=3&paging=link>; rel="next"`,
      `<${api.url}/changes?after=6&top=3&paging=link>; rel="next"`,
      null,
    ]);
  });

  it("resumes after a seq: nothing new after the last, then the added changes, one an item changing again", async () => {
    const caughtUp = await pageOf(await call("/changes?after=7"));
    expect(caughtUp).toEqual({ value: [] });

    const added = feed.add(3);
    expect(added.map((change) => [change.seq, change.id])).toEqual([
      [8, "item-008"],
      [9, "item-009"],
      [10, "item-001"],
    ]);
    const resumed = await pageOf(await call("/changes?after=7&top=5"));
    expect(resumed.value).toEqual(added);
    expect(resumed).not.toHaveProperty("@odata.nextLink");
    expect(feed.changes).toHaveLength(10);
  });

  it.each([
    [
      "after=-1",
      "after must be a whole number, the seq of the last change already read (0 or absent for the start); got '-1'.",
    ],
    [
      "after=abc",
      "after must be a whole number, the seq of the last change already read (0 or absent for the start); got 'abc'.",
    ],
    ["top=0", "top must be a whole number from 1 to 100 (the page size); got '0'."],
    ["top=101", "top must be a whole number from 1 to 100 (the page size); got '101'."],
    [
      "paging=header",
      "paging must be 'link' (next link in a Link header) or absent (@odata.nextLink in the body); got 'header'.",
    ],
  ])("answers %s 400 BadRequest in the stand-in's error shape", async (query, message) => {
    const response = await call(`/changes?${query}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({
      code: "BadRequest",
      message,
      innerError: { "request-id": response.headers.get("x-ms-request-id") },
    });
    expect(api.requests[0]).toMatchObject({ outcome: "bad_request", errorCode: "BadRequest" });
  });

  it("refuses a token without Changes.Read: 403 MissingRole naming the role", async () => {
    const response = await call("/changes", { token: tokens.reportsReader });

    expect(response.status).toBe(403);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("MissingRole");
    expect(body.error.message).toContain("lacks Changes.Read (has: Reports.Read.All)");
  });
});

describe("inventory sync: PUT and GET /inventory", () => {
  it("upserts: 201 with the item when new, 200 when replaced, the same state twice, and writes records both", async () => {
    const created = await call("/inventory/item-001", { method: "PUT", body: item("item-001", 1) });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual(item("item-001", 1));

    const replaced = await call("/inventory/item-001", { method: "PUT", body: item("item-001", 1) });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toEqual(item("item-001", 1));

    expect([...feed.inventory.values()]).toEqual([item("item-001", 1)]);
    expect(feed.writes).toEqual([
      { id: "item-001", seq: 1 },
      { id: "item-001", seq: 1 },
    ]);
  });

  it("lists the stored items sorted by id to Inventory.Write or Changes.Read", async () => {
    for (const [id, seq] of [
      ["item-003", 3],
      ["item-001", 1],
      ["item-002", 2],
    ] as const) {
      expect((await call(`/inventory/${id}`, { method: "PUT", body: item(id, seq) })).status).toBe(201);
    }

    const expected = { value: [item("item-001", 1), item("item-002", 2), item("item-003", 3)] };
    for (const token of [tokens.syncer, tokens.changesReader]) {
      const response = await call("/inventory", { token });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(expected);
    }
    expect((await call("/inventory", { token: tokens.reportsReader })).status).toBe(403);
  });

  it("refuses a PUT without Inventory.Write: 403, nothing stored", async () => {
    const response = await call("/inventory/item-001", {
      method: "PUT",
      token: tokens.changesReader,
      body: item("item-001", 1),
    });

    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("MissingRole");
    expect(feed.writes).toEqual([]);
  });

  it("answers 400 when the body's id differs from the path's, or the body is not an item; nothing stored", async () => {
    await expectError(
      await call("/inventory/item-001", { method: "PUT", body: item("item-002", 2) }),
      400,
      "BadRequest",
      "The body's id 'item-002' differs from the id in the path 'item-001'; PUT each item to /inventory/<its id>.",
    );
    await expectError(
      await call("/inventory/item-001", {
        method: "PUT",
        body: { id: "item-001", name: "Item 001", quantity: 1 },
      }),
      400,
      "BadRequest",
      'The body must be a JSON object { "seq": <whole number ≥ 1>, "id": "item-001", "name": <string>, "quantity": <number> }; seq is missing.',
    );
    expect(feed.writes).toEqual([]);
    expect(feed.inventory.size).toBe(0);
  });

  it("applies faults scripted on the pattern 'PUT /inventory/{id}' to any id, and on one exact path to that id", async () => {
    api.faults.enqueue(
      "PUT /inventory/{id}",
      { kind: "status", status: 503 },
      { kind: "throttle", retryAfter: "2" },
    );
    api.faults.enqueue("PUT /inventory/item-009", { kind: "status", status: 500 });

    expect((await call("/inventory/item-002", { method: "PUT", body: item("item-002", 2) })).status).toBe(
      503,
    );
    const throttled = await call("/inventory/item-005", { method: "PUT", body: item("item-005", 5) });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("2");
    expect((await call("/inventory/item-002", { method: "PUT", body: item("item-002", 2) })).status).toBe(
      201,
    );
    expect((await call("/inventory/item-009", { method: "PUT", body: item("item-009", 9) })).status).toBe(
      500,
    );
    expect((await call("/inventory/item-009", { method: "PUT", body: item("item-009", 9) })).status).toBe(
      201,
    );

    expect(api.faults.pending()).toBe(0);
    expect(api.requests.map((request) => [request.path, request.fault, request.status])).toEqual([
      ["/inventory/item-002", "status", 503],
      ["/inventory/item-005", "throttle", 429],
      ["/inventory/item-002", null, 201],
      ["/inventory/item-009", "status", 500],
      ["/inventory/item-009", null, 201],
    ]);
    expect(feed.writes).toEqual([
      { id: "item-002", seq: 2 },
      { id: "item-009", seq: 9 },
    ]);
  });
});

describe("inventory sync: routing beside the default routes", () => {
  it("answers 405 with Allow for another method on a patterned path, 404 naming the pattern for an unknown path", async () => {
    const wrongMethod = await call("/inventory/item-001");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("PUT");

    const unknown = await call("/inventory/item-001/history");
    expect(unknown.status).toBe(404);
    const body = (await unknown.json()) as { error: { message: string } };
    expect(body.error.message).toContain("PUT /inventory/{id}");

    const reports = await call("/reports", { token: tokens.reportsReader });
    expect(reports.status).toBe(200);
  });

  it("refuses at start-up a route path with more than one parameter or a partial-segment one", async () => {
    for (const path of ["/a/{x}/{y}", "/a/x{y}"]) {
      await expect(
        startDownstreamStandIn({
          issuer: entra.issuer,
          jwksUri: entra.jwksUri,
          audience: AUDIENCE,
          routes: [{ method: "GET", path, requiredRoles: [] }],
        }),
      ).rejects.toThrow(
        `route path '${path}' is not supported: use an exact path ("/reports") or one whole segment parameter ("/inventory/{id}")`,
      );
    }
  });
});

describe("inventorySync options", () => {
  it("seeds the given number of changes and refuses a page size outside 1 to 100", () => {
    expect(inventorySync({ changes: 2 }).feed.changes.map((change) => change.id)).toEqual([
      "item-001",
      "item-002",
    ]);
    expect(() => inventorySync({ pageSize: 0 })).toThrow(
      "pageSize must be a whole number from 1 to 100, got 0",
    );
    expect(() => inventorySync({ changes: -1 })).toThrow(
      "changes must be a whole number of changes (0 or more), got -1",
    );
  });
});
