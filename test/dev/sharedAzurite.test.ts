import { TableClient } from "@azure/data-tables";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHARED_AZURITE_ENV, startAzurite, startSharedAzurite } from "../../dev/azurite/startAzurite.js";

describe("startAzurite with a shared Azurite", () => {
  let shared: Awaited<ReturnType<typeof startSharedAzurite>>;
  const saved = process.env[SHARED_AZURITE_ENV];
  let sharedTableEndpoint = "";
  beforeAll(async () => {
    shared = await startSharedAzurite({ accounts: 2 });
    process.env[SHARED_AZURITE_ENV] = shared.env[SHARED_AZURITE_ENV];
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env[SHARED_AZURITE_ENV];
    else process.env[SHARED_AZURITE_ENV] = saved;
    await shared?.stop();
  });

  const table = (connectionString: string) =>
    TableClient.fromConnectionString(connectionString, "shared", { allowInsecureConnection: true });

  it("gives each caller an account of its own, sees nothing of the others, and stops only its proxy", async () => {
    const [one, two] = await Promise.all([startAzurite(), startAzurite()]);
    sharedTableEndpoint = one.tableEndpoint;
    expect(one.tableEndpoint).not.toBe(two.tableEndpoint);
    expect(new URL(one.tableEndpoint).port).toBe(new URL(two.tableEndpoint).port);

    await table(one.connectionString).createTable();
    await table(one.connectionString).createEntity({ partitionKey: "p", rowKey: "r", from: "one" });
    await table(two.connectionString).createTable();
    await expect(table(two.connectionString).getEntity("p", "r")).rejects.toMatchObject({ statusCode: 404 });

    // Through the proxy, counted.
    await table(one.faultyConnectionString).getEntity("p", "r");
    expect(one.tableRequests.map((r) => r.method)).toEqual(["GET"]);

    await one.stop();
    await expect(
      table(two.connectionString).createEntity({ partitionKey: "p", rowKey: "r" }),
    ).resolves.toBeDefined();
    await two.stop();
  });

  it("starts an Azurite of its own when every account is taken, or when asked to", async () => {
    const own = await startAzurite();
    const asked = await startAzurite({ own: true });
    try {
      // Not in the shared Azurite: on other ports than the accounts handed out.
      expect(new URL(own.tableEndpoint).port).not.toBe(new URL(sharedTableEndpoint).port);
      expect(new URL(asked.tableEndpoint).pathname).toBe("/devstoreaccount1");
      await table(own.connectionString).createTable();
    } finally {
      await Promise.all([own.stop(), asked.stop()]);
    }
  });
});
