import { TableClient } from "@azure/data-tables";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHARED_AZURITE_ENV, startAzurite, startSharedAzurite } from "../../dev/azurite/startAzurite.js";

describe("startAzurite with a shared Azurite", () => {
  const claims = mkdtempSync(join(tmpdir(), "m2m-shared-test-"));
  let shared: Awaited<ReturnType<typeof startSharedAzurite>>;
  const saved = process.env[SHARED_AZURITE_ENV];
  beforeAll(async () => {
    shared = await startSharedAzurite({ accounts: 2, claims });
    process.env[SHARED_AZURITE_ENV] = shared.env[SHARED_AZURITE_ENV];
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env[SHARED_AZURITE_ENV];
    else process.env[SHARED_AZURITE_ENV] = saved;
    await shared?.stop();
    rmSync(claims, { recursive: true, force: true });
  });

  const table = (connectionString: string) =>
    TableClient.fromConnectionString(connectionString, "shared", { allowInsecureConnection: true });

  it("gives each caller an account of its own, sees nothing of the others, and stops only its proxy", async () => {
    const [one, two] = await Promise.all([startAzurite(), startAzurite()]);
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
      const sharedPort = JSON.parse(shared.env[SHARED_AZURITE_ENV]!) as { ports: { Table: string } };
      expect(new URL(own.tableEndpoint).port).not.toBe(sharedPort.ports.Table);
      expect(new URL(asked.tableEndpoint).pathname).toBe("/devstoreaccount1");
      await table(own.connectionString).createTable();
    } finally {
      await Promise.all([own.stop(), asked.stop()]);
    }
  });
});
