import { describe, expect, it } from "vitest";
import { createSettingReader } from "../../src/config/createSettingReader.js";
import { readStorage } from "../../src/config/readStorage.js";

function read(env: Record<string, string>, managedIdentityClientId: string | null = null) {
  const reader = createSettingReader(env);
  return { value: readStorage(env, reader, managedIdentityClientId), problems: reader.problems };
}

const connection =
  "DefaultEndpointsProtocol=https;AccountName=stm2m;AccountKey=a2V5;EndpointSuffix=core.windows.net";

describe("readStorage", () => {
  it("prefers M2M_STORAGE_CONNECTION to the host's AzureWebJobsStorage", () => {
    expect(
      read({ M2M_STORAGE_CONNECTION: connection, AzureWebJobsStorage: "UseDevelopmentStorage=true" }),
    ).toEqual({
      value: { kind: "connection-string", connectionString: connection },
      problems: [],
    });
    expect(
      read({ M2M_STORAGE_CONNECTION: " ", AzureWebJobsStorage: " UseDevelopmentStorage=true " }).value,
    ).toEqual({
      kind: "connection-string",
      connectionString: "UseDevelopmentStorage=true",
    });
  });

  it.each([
    "UseDevelopmentStorage=true",
    connection,
    "TableEndpoint=https://stm2m.table.core.windows.net;SharedAccessSignature=sv=x",
    "SharedAccessSignature=sv=x;TableEndpoint=https://t",
    "accountname=stm2m;accountkey=a2V5",
  ])("accepts the connection string %s", (value) => {
    expect(read({ AzureWebJobsStorage: value })).toEqual({
      value: { kind: "connection-string", connectionString: value },
      problems: [],
    });
  });

  it("refuses anything else without showing it (a connection string holds a key)", () => {
    expect(read({ M2M_STORAGE_CONNECTION: "UseDevelopmentStorage=yes;AccountKey=secret" })).toEqual({
      value: { kind: "connection-string", connectionString: "" },
      problems: [
        "M2M_STORAGE_CONNECTION / AzureWebJobsStorage: expected a storage connection string (DefaultEndpointsProtocol=...;AccountName=...) or UseDevelopmentStorage=true; got <redacted>",
      ],
    });
  });

  it.each([
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1",
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://localhost:10002/devstoreaccount1;",
    "TableEndpoint=http://[::1]:10002/devstoreaccount1;SharedAccessSignature=sv=x",
  ])("accepts plain http to this machine (Azurite): %s", (value) => {
    expect(read({ AzureWebJobsStorage: value })).toEqual({
      value: { kind: "connection-string", connectionString: value },
      problems: [],
    });
  });

  it.each([
    [
      "DefaultEndpointsProtocol=http;AccountName=stm2m;AccountKey=c2VjcmV0LWtleQ==;EndpointSuffix=core.windows.net",
      "http://stm2m.table.core.windows.net/",
    ],
    [
      "defaultendpointsprotocol=HTTP;accountname=stm2m;accountkey=c2VjcmV0LWtleQ==",
      "http://stm2m.table.core.windows.net/",
    ],
    [
      "DefaultEndpointsProtocol=https;AccountName=stm2m;AccountKey=c2VjcmV0LWtleQ==;TableEndpoint=http://tables.example:8080/stm2m",
      "http://tables.example:8080/stm2m",
    ],
    [
      "DefaultEndpointsProtocol=http;AccountName=stm2m;AccountKey=c2VjcmV0LWtleQ==;TableEndpoint=https://stm2m.table.core.windows.net",
      "https://stm2m.table.core.windows.net/",
    ],
    [
      "TableEndpoint=http://tables.example/stm2m?sv=2019&sig=c2VjcmV0LWtleQ;SharedAccessSignature=sv=2019&sig=c2VjcmV0LWtleQ",
      "http://tables.example/stm2m?<query removed>",
    ],
    [
      " DefaultEndpointsProtocol = https ; AccountName=stm2m;AccountKey=c2VjcmV0LWtleQ== ;  tableendpoint = HTTP://tables.example/stm2m ",
      "http://tables.example/stm2m",
    ],
    [
      "DefaultEndpointsProtocol=http;SharedAccessSignature=sv=2019&sig=c2VjcmV0LWtleQ",
      "http://.table.core.windows.net/",
    ],
    [
      "DefaultEndpointsProtocol=http;AccountName=stm2m;AccountKey=c2VjcmV0LWtleQ==;EndpointSuffix=core.chinacloudapi.cn",
      "http://stm2m.table.core.chinacloudapi.cn/",
    ],
    ["TableEndpoint=http://[bad/stm2m;SharedAccessSignature=sv=2019&sig=c2VjcmV0LWtleQ", "<invalid URL>"],
  ])("refuses plain http to another host, naming the endpoint but never the key: %s", (value, endpoint) => {
    const { value: storage, problems } = read({ M2M_STORAGE_CONNECTION: value });
    expect(storage).toEqual({ kind: "connection-string", connectionString: "" });
    expect(problems).toEqual([
      `M2M_STORAGE_CONNECTION: the connection string sends Table Storage traffic over plain http (DefaultEndpointsProtocol=http or an http TableEndpoint) to ${endpoint}, which is not this machine: use DefaultEndpointsProtocol=https and an https TableEndpoint (plain http only for Azurite on localhost, or UseDevelopmentStorage=true)`,
    ]);
    expect(problems.join()).not.toContain("c2VjcmV0LWtleQ");
  });

  it.each([
    "DefaultEndpointsProtocol=https;AccountName=stm2m;AccountKey=a2V5;XTableEndpoint=http://tables.example/stm2m",
    "AccountName=stm2m;AccountKey=a2V5;TableEndpoint=https://stm2m.table.core.windows.net;Comment=DefaultEndpointsProtocol=http",
    "AccountName=stm2m;AccountKey=a2V5;TableEndpoint=https://stm2m.table.core.windows.net/http:",
  ])("reads a key only at the start of a pair, so https stays accepted: %s", (value) => {
    expect(read({ M2M_STORAGE_CONNECTION: value }).problems).toEqual([]);
  });

  it("names AzureWebJobsStorage when that is the connection read", () => {
    expect(
      read({ AzureWebJobsStorage: "DefaultEndpointsProtocol=http;AccountName=stm2m;AccountKey=a2V5" })
        .problems[0],
    ).toMatch(/^AzureWebJobsStorage: the connection string sends Table Storage traffic over plain http /);
  });

  it("uses an identity-based connection: the service URI first, else the account name", () => {
    expect(read({ AzureWebJobsStorage__accountName: " stm2m " })).toEqual({
      value: { kind: "identity", tableServiceUri: "https://stm2m.table.core.windows.net", clientId: null },
      problems: [],
    });
    expect(
      read({
        AzureWebJobsStorage__tableServiceUri: " https://custom.example/tables// ",
        AzureWebJobsStorage__accountName: "stm2m",
      }).value,
    ).toEqual({ kind: "identity", tableServiceUri: "https://custom.example/tables", clientId: null });
  });

  it("authenticates an identity-based connection as its own client id, else the app's managed identity", () => {
    const mi = "11111111-2222-3333-4444-555555555555";
    expect(read({ AzureWebJobsStorage__accountName: "stm2m" }, mi).value).toMatchObject({ clientId: mi });
    expect(
      read({ AzureWebJobsStorage__accountName: "stm2m", AzureWebJobsStorage__clientId: " own-id " }, mi)
        .value,
    ).toMatchObject({ clientId: "own-id" });
  });

  it("names the settings to set when there is no storage", () => {
    expect(read({}).problems).toHaveLength(1);
    expect(read({ AzureWebJobsStorage: " ", AzureWebJobsStorage__accountName: " " })).toEqual({
      value: { kind: "connection-string", connectionString: "" },
      problems: [
        "M2M_STORAGE_CONNECTION or AzureWebJobsStorage is missing: set a storage connection string (UseDevelopmentStorage=true for Azurite), or AzureWebJobsStorage__accountName for an identity-based connection",
      ],
    });
  });
});
