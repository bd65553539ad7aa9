import { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import { deleteBatch } from "../../src/state/deleteBatch.js";
import { freshTableName } from "./freshTableName.js";

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

async function tableWith(rowKeys: string[]) {
  const client = TableClient.fromConnectionString(azurite.connectionString, freshTableName(), {
    allowInsecureConnection: true,
  });
  await client.createTable();
  await client.submitTransaction(rowKeys.map((rowKey) => ["create", { partitionKey: "p", rowKey, n: 1 }]));
  const left = async () => {
    const keys: string[] = [];
    for await (const row of client.listEntities()) keys.push(row.rowKey!);
    return keys;
  };
  return { client, left };
}

describe("deleteBatch", () => {
  it("deletes a partition's rows in one transaction and counts them", async () => {
    const { client, left } = await tableWith(["a", "b", "c"]);

    expect(await deleteBatch(client, { partitionKey: "p", rowKeys: ["a", "c"] }, undefined)).toBe(2);
    expect(await left()).toEqual(["b"]);
  });

  it("when a row is already gone (another instance purged it), deletes the others one by one and counts only them", async () => {
    const { client, left } = await tableWith(["a", "b", "c"]);
    await client.deleteEntity("p", "b");

    expect(await deleteBatch(client, { partitionKey: "p", rowKeys: ["a", "b", "c"] }, undefined)).toBe(2);
    expect(await left()).toEqual([]);
    expect(await deleteBatch(client, { partitionKey: "p", rowKeys: ["a", "b"] }, undefined)).toBe(0);
  });

  it("throws any other failure, deleting nothing", async () => {
    const { client, left } = await tableWith(["a"]);
    const aborted = AbortSignal.abort(new Error("the deadline passed"));

    await expect(deleteBatch(client, { partitionKey: "p", rowKeys: ["a"] }, aborted)).rejects.toMatchObject({
      name: "AbortError",
    });
    expect(await left()).toEqual(["a"]);
  });
});
