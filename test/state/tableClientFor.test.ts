import { createServer, connect, type Server } from "node:net";
import { TableClient, TableServiceClient } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import { TransientError } from "../../src/errors.js";
import { tableClientFor } from "../../src/state/tableClientFor.js";
import { freshTableName } from "./freshTableName.js";

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

const AZURITE_KEY = /AccountKey=([^;]+)/;
/** Fail at once against a closed port instead of after the SDK's retries. */
const noRetries = { clientOptions: { retryOptions: { maxRetries: 0 } } };

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Forwards TCP connections on `port` to Azurite's table service. */
async function proxyToAzurite(port: number): Promise<Server> {
  const target = Number(new URL(azurite.tableEndpoint).port);
  const server = createServer((socket) => {
    const upstream = connect(target, "127.0.0.1");
    socket.pipe(upstream).pipe(socket);
    socket.on("error", () => upstream.destroy());
    upstream.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return server;
}

const withTableEndpoint = (endpoint: string) =>
  azurite.connectionString.replace(/TableEndpoint=[^;]+/, `TableEndpoint=${endpoint}`);

describe("tableClientFor", () => {
  it("creates the table on first use and hands out a client for it", async () => {
    const name = freshTableName();
    const table = tableClientFor(
      { kind: "connection-string", connectionString: azurite.connectionString },
      name,
    );

    expect(table).toMatchObject({ tableName: name, endpoint: azurite.tableEndpoint });
    const client = await table.client();
    await client.createEntity({ partitionKey: "p", rowKey: "r", value: 1 });

    expect(await table.client()).toBe(client);
    expect((await client.getEntity("p", "r")).value).toBe(1);
  });

  it("creates nothing for a reader that treats a missing table as empty", async () => {
    const name = freshTableName();
    const connection = { kind: "connection-string" as const, connectionString: azurite.connectionString };
    const reader = await tableClientFor(connection, name, { createIfMissing: false }).client();

    await expect(reader.getEntity("p", "r")).rejects.toMatchObject({ statusCode: 404 });
    const service = TableServiceClient.fromConnectionString(azurite.connectionString, {
      allowInsecureConnection: true,
    });
    const tables: string[] = [];
    for await (const table of service.listTables()) if (table.name) tables.push(table.name);
    expect(tables).not.toContain(name);
  });

  it("uses a table that already exists (created by another process)", async () => {
    const name = freshTableName();
    const elsewhere = TableClient.fromConnectionString(azurite.connectionString, name, {
      allowInsecureConnection: true,
    });
    await elsewhere.createTable();
    await elsewhere.createEntity({ partitionKey: "p", rowKey: "r" });

    const table = tableClientFor(
      { kind: "connection-string", connectionString: azurite.connectionString },
      name,
    );

    await expect((await table.client()).getEntity("p", "r")).resolves.toMatchObject({ partitionKey: "p" });
  });

  it("does no I/O until first used, fails with STATE_UNAVAILABLE while storage is down, and recovers", async () => {
    const port = await freePort();
    // Azurite's account (the path), on a port where nothing listens yet.
    const endpoint = `http://127.0.0.1:${port}${new URL(azurite.tableEndpoint).pathname}`;
    const name = freshTableName();
    const table = tableClientFor(
      { kind: "connection-string", connectionString: withTableEndpoint(endpoint) },
      name,
      noRetries,
    );

    const failure = await table.client().then(
      () => expect.fail("expected the table to be unreachable"),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TransientError);
    expect(failure).toMatchObject({
      code: "STATE_UNAVAILABLE",
      message:
        `Table Storage is unreachable (table '${name}' at ${endpoint}) while creating the table: connect ECONNREFUSED ` +
        `127.0.0.1:${port}. Check that AzureWebJobsStorage / M2M_STORAGE_CONNECTION names a reachable storage account ` +
        `(locally: is Azurite running?); if it does, the outage may pass — retry later.`,
    });

    const proxy = await proxyToAzurite(port);
    try {
      const client = await table.client();
      await expect(client.createEntity({ partitionKey: "p", rowKey: "r" })).resolves.toBeDefined();
    } finally {
      proxy.close();
    }
  });

  it("reports a wrong account key as STATE_ACCESS_DENIED without showing the key", async () => {
    const wrongKey = Buffer.from("not the account key").toString("base64");
    const connectionString = azurite.connectionString.replace(AZURITE_KEY, `AccountKey=${wrongKey}`);
    const name = freshTableName();

    const error = await tableClientFor({ kind: "connection-string", connectionString }, name)
      .client()
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: "STATE_ACCESS_DENIED",
      message:
        `Table Storage refused access to table '${name}' at ${azurite.tableEndpoint} while creating the table ` +
        `(HTTP 403 AuthorizationFailure). Check AzureWebJobsStorage / M2M_STORAGE_CONNECTION: the account key or SAS ` +
        `must be current and the SAS must allow table access; with an identity-based connection the app's managed ` +
        `identity needs the 'Storage Table Data Contributor' role on the account.`,
    });
    expect(JSON.stringify(error)).not.toContain(wrongKey);
  });

  it("never shows a SAS: the endpoint is named without its query", async () => {
    const connectionString = `TableEndpoint=${azurite.tableEndpoint};SharedAccessSignature=sv=2019-02-02&sig=SECRETSIG`;
    const table = tableClientFor({ kind: "connection-string", connectionString }, freshTableName());

    const error = await table.client().catch((e: unknown) => e);

    expect(table.endpoint).toBe(azurite.tableEndpoint);
    expect(error).toMatchObject({ code: "STATE_ACCESS_DENIED" });
    expect((error as Error).message).not.toContain("SECRETSIG");
  });

  it("refuses a connection string it cannot read, without repeating it", () => {
    expect(() =>
      tableClientFor(
        { kind: "connection-string", connectionString: "AccountKey=c2VjcmV0;Foo=bar" },
        "m2mLeases",
      ),
    ).toThrow(
      expect.objectContaining({
        code: "STATE_CONNECTION_INVALID",
        message:
          "The storage connection string in AzureWebJobsStorage / M2M_STORAGE_CONNECTION cannot be used for table " +
          "'m2mLeases': expected DefaultEndpointsProtocol=https;AccountName=...;AccountKey=..., " +
          "TableEndpoint=...;SharedAccessSignature=..., or UseDevelopmentStorage=true.",
      }),
    );
  });

  it("accepts UseDevelopmentStorage=true (Azurite on its default port)", () => {
    const table = tableClientFor(
      { kind: "connection-string", connectionString: "UseDevelopmentStorage=true" },
      "m2mLeases",
    );
    expect(table.endpoint).toBe("http://127.0.0.1:10002/devstoreaccount1");
  });

  it("builds an identity-based client for an https endpoint, and reports a missing identity", async () => {
    const credential: TokenCredential = {
      getToken: () =>
        Promise.reject(
          Object.assign(new Error("ManagedIdentityCredential: no managed identity endpoint found."), {
            name: "CredentialUnavailableError",
          }),
        ),
    };
    const table = tableClientFor(
      { kind: "identity", endpoint: "https://127.0.0.1:1/", credential },
      "m2mLeases",
      noRetries,
    );

    expect(table.endpoint).toBe("https://127.0.0.1:1");
    await expect(table.client()).rejects.toMatchObject({
      code: "STATE_ACCESS_DENIED",
      message: expect.stringMatching(
        /^Could not get a token for Table Storage \(table 'm2mLeases' at https:\/\/127\.0\.0\.1:1\) while creating the table: ManagedIdentityCredential: no managed identity endpoint found\. With an identity-based connection/,
      ) as string,
    });
  });

  it("refuses an identity-based connection over http (the token would travel in clear)", () => {
    const credential: TokenCredential = { getToken: () => Promise.resolve(null) };
    expect(() =>
      tableClientFor(
        { kind: "identity", endpoint: "http://acct.table.core.windows.net", credential },
        "m2mLeases",
      ),
    ).toThrow(
      expect.objectContaining({
        code: "STATE_CONNECTION_INVALID",
        message:
          "An identity-based storage connection needs an https table endpoint (https://<account>.table.core.windows.net); " +
          "got 'http://acct.table.core.windows.net'. Check AzureWebJobsStorage__tableServiceUri / __accountName.",
      }),
    );
  });

  it.each(["ab", "1table", "has-dash", "x".repeat(64)])("refuses the table name '%s'", (name) => {
    expect(() =>
      tableClientFor({ kind: "connection-string", connectionString: azurite.connectionString }, name),
    ).toThrow(expect.objectContaining({ code: "STATE_TABLE_NAME_INVALID" }));
  });
});
