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
