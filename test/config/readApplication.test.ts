import { describe, expect, it } from "vitest";
import { createSettingReader } from "../../src/config/createSettingReader.js";
import { readApplication } from "../../src/config/readApplication.js";

const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const clientId = "11111111-2222-3333-4444-555555555555";
const base = { M2M_TENANT_ID: tenantId, M2M_CLIENT_ID: clientId, M2M_SCOPE: "api://reports/.default" };

function read(env: Record<string, string>) {
  const reader = createSettingReader(env);
  return { value: readApplication(reader), problems: reader.problems };
}

describe("readApplication", () => {
  it("reads the tenant, client, scope and the public cloud by default", () => {
    expect(read(base)).toEqual({
      value: {
        tenantId,
        clientId,
        scope: "api://reports/.default",
        authorityHost: "https://login.microsoftonline.com",
      },
      problems: [],
    });
  });

  it("names each missing setting", () => {
    expect(read({}).problems).toEqual([
      "M2M_TENANT_ID is missing: set it to directory (tenant) id GUID or verified domain",
      "M2M_CLIENT_ID is missing: set it to application (client) id GUID",
      "M2M_SCOPE is missing: set it to <resource>/.default, e.g. api://my-api/.default",
    ]);
  });

  it.each([
    "contoso.onmicrosoft.com",
    "contoso.com",
    "a.io",
    `${"a".repeat(63)}.com`,
    tenantId.toUpperCase(),
  ])("accepts the tenant %s", (tenant) => {
    expect(read({ ...base, M2M_TENANT_ID: tenant }).problems).toEqual([]);
  });

  it.each([
    "contoso",
    "contoso.c",
    "-contoso.com",
    "contoso-.com",
    "con_toso.com",
    "contoso.com1",
    `${"a".repeat(64)}.com`,
    "72f988bf-86f1-41af-91ab-2d7cd011db4",
    `x${tenantId}`,
  ])("refuses the tenant %s", (tenant) => {
    expect(read({ ...base, M2M_TENANT_ID: tenant }).problems).toEqual([
      `M2M_TENANT_ID: expected directory (tenant) id GUID or verified domain; got ${JSON.stringify(tenant)}`,
    ]);
  });

  it("takes a domain of 253 characters and no more", () => {
    const exact = `${"abcdefghi.".repeat(24)}abcdefghi.com`;
    expect(exact).toHaveLength(253);
    expect(read({ ...base, M2M_TENANT_ID: exact }).problems).toEqual([]);
    expect(read({ ...base, M2M_TENANT_ID: `a${exact}` }).problems).toHaveLength(1);
  });

  it.each(["my-app", `${clientId}0`, `0${clientId}`])("refuses the client id %s", (value) => {
    expect(read({ ...base, M2M_CLIENT_ID: value }).problems).toEqual([
      `M2M_CLIENT_ID: expected application (client) id GUID; got ${JSON.stringify(value)}`,
    ]);
  });

  it.each(["api://reports/read", "api://reports/.default/x", "/.default", "api://a b/.default"])(
    "refuses the scope %s",
    (scope) => {
      expect(read({ ...base, M2M_SCOPE: scope }).problems).toEqual([
        `M2M_SCOPE: expected <resource>/.default, e.g. api://my-api/.default; got ${JSON.stringify(scope)}`,
      ]);
    },
  );

  it.each([
    ["AzurePublicCloud", "https://login.microsoftonline.com"],
    ["AzureUSGovernment", "https://login.microsoftonline.us"],
    ["azurechinacloud", "https://login.chinacloudapi.cn"],
    ["https://127.0.0.1:8443/", "https://127.0.0.1:8443"],
    ["https://login.example", "https://login.example"],
  ])("reads the authority host %s as %s", (value, expected) => {
    expect(read({ ...base, M2M_AUTHORITY_HOST: value })).toEqual({
      value: expect.objectContaining({ authorityHost: expected }) as unknown,
      problems: [],
    });
  });

  it.each([
    ["http://login.example", '"http://login.example"'],
    ["https://login.example/tenant", '"https://login.example/tenant"'],
    // The query is not shown (it may hold a key), only that there was one.
    ["https://login.example/?x=1", '"https://login.example/?<query removed>"'],
    ["login.example", '"login.example"'],
  ])("refuses the authority host %s and keeps the public cloud", (value, shown) => {
    expect(read({ ...base, M2M_AUTHORITY_HOST: value })).toEqual({
      value: expect.objectContaining({ authorityHost: "https://login.microsoftonline.com" }) as unknown,
      problems: [
        `M2M_AUTHORITY_HOST: expected https URL, or AzurePublicCloud | AzureUSGovernment | AzureChinaCloud (default AzurePublicCloud) (MSAL requires https and a host without a path); got ${shown}`,
      ],
    });
  });
});
