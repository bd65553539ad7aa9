import { TableClient } from "@azure/data-tables";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import { storageErrorCode } from "../../src/state/storageErrorCode.js";
import { storageStatus } from "../../src/state/storageStatus.js";
import { freshTableName } from "../state/freshTableName.js";

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});
afterEach(() => azurite.tableFaults.clear());

/** A real SDK client through the fault proxy; no retries unless a test asks for them. */
async function client(retryOptions = { maxRetries: 0 }) {
  const table = TableClient.fromConnectionString(azurite.faultyConnectionString, freshTableName(), {
    allowInsecureConnection: true,
    retryOptions,
  });
  await table.createTable();
  await table.createEntity({ partitionKey: "p", rowKey: "r", value: 1 });
  return table;
}

const failureOf = (work: Promise<unknown>) =>
  work.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error,
  );

describe("the Table Storage fault proxy in front of Azurite", () => {
  it("forwards requests untouched when no fault waits: Shared Key signatures hold through it", async () => {
    const table = await client();
    await expect(table.getEntity("p", "r")).resolves.toMatchObject({ value: 1 });
    expect(azurite.tableRequests.at(-1)).toMatchObject({ method: "GET", answer: "forwarded" });
  });

  it.each([
    [503, "ServerBusy", "The server is currently unable to receive requests. Please retry your request."],
    [500, "OperationTimedOut", "The operation could not be completed within the permitted time."],
    [502, "InternalError", "The server encountered an internal error. Please retry the request."],
  ])("answers a %i fault with the Table service's JSON error %s", async (status, code, message) => {
    const table = await client();
    azurite.tableFaults.enqueue({ kind: "status", status });

    const error = await failureOf(table.getEntity("p", "r"));

    expect(storageStatus(error)).toBe(status);
    expect(storageErrorCode(error)).toBe(code);
    expect((error as Error).message).toContain(message);
  });

  it("writes the error as Table Storage does: odata.error with lang and value, and x-ms-error-code", async () => {
    const table = await client();
    azurite.tableFaults.enqueue({ kind: "status", status: 503 });

    const response = await fetch(`${table.url}()`, { headers: { accept: "application/json" } });

    expect(response.status).toBe(503);
    expect(response.headers.get("x-ms-error-code")).toBe("ServerBusy");
    expect(response.headers.get("content-type")).toBe(
      "application/json;odata=minimalmetadata;streaming=true;charset=utf-8",
    );
    const body = (await response.json()) as {
      "odata.error": { code: string; message: { lang: string; value: string } };
    };
    expect(body["odata.error"].code).toBe("ServerBusy");
    expect(body["odata.error"].message.lang).toBe("en-US");
    expect(body["odata.error"].message.value).toMatch(
      /^The server is currently unable to receive requests\. Please retry your request\.\nRequestId:[0-9a-f-]{36}\nTime:\d{4}-/,
    );
  });

  it("throttles with 503 ServerBusy and Retry-After, which the SDK honours before it tries again", async () => {
    const table = await client({ maxRetries: 1 });
    azurite.tableFaults.enqueue({ kind: "throttle", retryAfter: "1" });
    const started = Date.now();

    await expect(table.getEntity("p", "r")).resolves.toMatchObject({ value: 1 });

    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(azurite.tableRequests.slice(-2).map((r) => r.answer)).toEqual(["throttle", "forwarded"]);
  });

  it("answers a throttle as the account limit: Operations per second is over the account limit", async () => {
    const table = await client();
    azurite.tableFaults.enqueue({ kind: "throttle", retryAfter: "30" });

    const response = await fetch(`${table.url}()`);

    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("30");
    expect(await response.text()).toContain("Operations per second is over the account limit.");
  });

  it("answers unauthorized with 403 AuthenticationFailed, as a bad key gets", async () => {
    const table = await client();
    azurite.tableFaults.enqueue({ kind: "unauthorized" });

    const error = await failureOf(table.getEntity("p", "r"));

    expect([storageStatus(error), storageErrorCode(error)]).toEqual([403, "AuthenticationFailed"]);
  });

  it("resets the connection", async () => {
    const table = await client();
    azurite.tableFaults.enqueue({ kind: "reset" });

    const error = await failureOf(table.getEntity("p", "r"));

    expect(storageStatus(error)).toBeUndefined();
    expect((error as { code?: string }).code).toBe("ECONNRESET");
  });

  it("hangs until the caller gives up", async () => {
    const table = await client();
    azurite.tableFaults.enqueue({ kind: "hang" });

    const error = await failureOf(table.getEntity("p", "r", { abortSignal: AbortSignal.timeout(300) }));

    expect((error as Error).name).toBe("AbortError");
    expect(azurite.tableRequests.at(-1)?.answer).toBe("hang");
  });

  it("answers a malformed 2xx as written, and a large 2xx without a Content-Length", async () => {
    const table = await client();
    azurite.tableFaults.enqueue(
      { kind: "status", status: 200, body: "<html>maintenance</html>" },
      { kind: "large", bytes: 3_000_000 },
    );

    const malformed = await fetch(`${table.url}()`);
    expect([malformed.status, malformed.headers.get("content-type"), await malformed.text()]).toEqual([
      200,
      "text/html",
      "<html>maintenance</html>",
    ]);
    const large = await fetch(`${table.url}()`);
    expect(large.headers.get("content-length")).toBeNull();
    expect((await large.arrayBuffer()).byteLength).toBe(3_000_000);
  });

  it("waits out latency, then forwards", async () => {
    const table = await client();
    azurite.tableFaults.enqueue({ kind: "latency", ms: 200 });
    const started = Date.now();

    await expect(table.getEntity("p", "r")).resolves.toMatchObject({ value: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("aims faults at one table (or at $batch), letting the others pass, one fault per request in order", async () => {
    const [aimed, other] = await Promise.all([client(), client()]);
    azurite.tableFaults.enqueueFor(
      aimed.tableName,
      { kind: "status", status: 500 },
      { kind: "status", status: 503 },
    );

    await expect(other.getEntity("p", "r")).resolves.toMatchObject({ value: 1 });
    expect(storageStatus(await failureOf(aimed.getEntity("p", "r")))).toBe(500);
    expect(storageStatus(await failureOf(aimed.getEntity("p", "r")))).toBe(503);
    await expect(aimed.getEntity("p", "r")).resolves.toMatchObject({ value: 1 });

    azurite.tableFaults.enqueueFor("$batch", { kind: "status", status: 503 });
    await expect(other.getEntity("p", "r")).resolves.toMatchObject({ value: 1 });
    const transaction = failureOf(other.submitTransaction([["upsert", { partitionKey: "p", rowKey: "s" }]]));
    expect(storageStatus(await transaction)).toBe(503);
    expect(azurite.tableFaults.pending()).toBe(0);
  });

  it("aims a table's faults at the transactions that write it too, and names that table", async () => {
    const [aimed, other] = await Promise.all([client(), client()]);
    azurite.tableFaults.enqueueFor(aimed.tableName, { kind: "status", status: 503 });
    const before = azurite.tableRequests.length;

    await expect(
      other.submitTransaction([["upsert", { partitionKey: "p", rowKey: "t" }]]),
    ).resolves.toBeDefined();
    const refused = failureOf(aimed.submitTransaction([["upsert", { partitionKey: "p", rowKey: "t" }]]));
    expect(storageStatus(await refused)).toBe(503);
    await expect(
      aimed.submitTransaction([["upsert", { partitionKey: "p", rowKey: "t", n: 2 }]]),
    ).resolves.toBeDefined();

    expect(await aimed.getEntity("p", "t")).toMatchObject({ n: 2 });
    // A request that comes while another is in flight is marked so: the app sent it beside the other.
    const alone = azurite.tableRequests.length;
    azurite.tableFaults.enqueueFor(aimed.tableName, { kind: "latency", ms: 200 });
    const slow = aimed.getEntity("p", "t");
    await vi.waitFor(() => expect(azurite.tableRequests.length).toBe(alone + 1));
    await other.getEntity("p", "t");
    await slow;
    expect(azurite.tableRequests.slice(alone).map((request) => request.overlapped)).toEqual([false, true]);
    expect(
      azurite.tableRequests
        .slice(before, before + 3)
        .map(({ target, table, answer }) => [target, table, answer]),
    ).toEqual([
      ["$batch", other.tableName, "forwarded"],
      ["$batch", aimed.tableName, "status"],
      ["$batch", aimed.tableName, "forwarded"],
    ]);
  });

  it("refuses a fault that cannot be answered", () => {
    expect(() => azurite.tableFaults.enqueue({ kind: "status", status: 700 })).toThrow(
      "status fault needs an HTTP status 100-599, got 700",
    );
    expect(() => azurite.tableFaults.enqueue({ kind: "large", bytes: 0 })).toThrow(
      "large fault needs bytes > 0, got 0",
    );
    expect(() => azurite.tableFaults.enqueue({ kind: "throttle", retryAfter: " " })).toThrow(
      'throttle fault needs retryAfter: delta seconds ("2") or an HTTP date',
    );
  });
});
