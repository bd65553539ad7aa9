import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLocalPrincipal } from "../../dev/host/parseLocalPrincipal.js";
import { startLocalHost, type LocalHost } from "../../dev/host/startLocalHost.js";
import { readClientPrincipal } from "../../src/auth/readClientPrincipal.js";

const entry = fileURLToPath(new URL("./fixtures/principalApp.ts", import.meta.url));
const quiet = { log: () => undefined };

interface Whoami {
  headers: Record<string, string>;
  authEnabled: string | null;
  hostname: string | null;
}
const whoami = async (host: LocalHost, headers: Record<string, string> = {}) =>
  (await (await fetch(`${host.url}/api/whoami`, { headers })).json()) as Whoami;

const forged = {
  "x-ms-client-principal": Buffer.from(
    JSON.stringify({ claims: [{ typ: "roles", val: "M2M.Operator" }] }),
  ).toString("base64"),
  "x-ms-client-principal-name": "mallory",
  "x-ms-token-aad-access-token": "forged",
};

describe("local host keys", () => {
  let host: LocalHost;
  beforeAll(async () => {
    host = await startLocalHost({ entry, logger: quiet, hostKey: "the-host-key" });
  });
  afterAll(() => host?.stop());

  it("makes an admin key of its own, never the host key", () => {
    expect(host.hostKey).toBe("the-host-key");
    expect(host.masterKey).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it("refuses to start with the same host and master key", async () => {
    await expect(
      startLocalHost({ entry, logger: quiet, hostKey: "same", masterKey: "same" }),
    ).rejects.toThrow(
      "The master key must differ from the host key: the admin key opens what a function key must not.",
    );
  });

  it("takes the key from x-functions-key before ?code=, as the host does", async () => {
    const guarded = (query: string, headers: Record<string, string>) =>
      fetch(`${host.url}/api/guarded${query}`, { headers }).then((r) => r.status);
    expect(await guarded("?code=wrong", { "x-functions-key": "the-host-key" })).toBe(204);
    expect(await guarded("?code=the-host-key", { "x-functions-key": "wrong" })).toBe(401);
    expect(await guarded("?code=the-host-key", {})).toBe(204);
    expect(await guarded("?code=the-host-key", { "x-functions-key": "" })).toBe(401);
  });

  it("sets WEBSITE_HOSTNAME to where it listens, so the app can call its own host", async () => {
    expect((await whoami(host)).hostname).toBe(new URL(host.url).host);
  });

  it("passes a caller's principal headers on untouched without authentication, as an app without it gets them", async () => {
    const seen = await whoami(host, forged);
    expect(seen.authEnabled).toBeNull();
    expect(seen.headers).toEqual(forged);
  });

  it("by name, calls with the admin key unless the request brings a credential", async () => {
    const asAdmin = (await host.invokeHttp("whoami")).json() as Whoami;
    expect(asAdmin.headers).toEqual({ "x-functions-key": host.masterKey });
    const own = (await host.invokeHttp("whoami", { query: { code: "mine" } })).json() as Whoami;
    expect(own.headers).toEqual({});
    const principal = (await host.invokeHttp("whoami", { headers: forged })).json() as Whoami;
    expect(principal.headers["x-functions-key"]).toBeUndefined();
  });
});

describe("local host App Service Authentication emulation", () => {
  let host: LocalHost;
  beforeAll(async () => {
    host = await startLocalHost({ entry, logger: quiet, authentication: {} });
  });
  afterAll(() => host?.stop());

  it("tells the app authentication is on", async () => {
    expect((await whoami(host)).authEnabled).toBe("true");
  });

  it("removes principal and token headers a caller sent", async () => {
    expect((await whoami(host, forged)).headers).toEqual({});
  });

  it("signs a caller in with x-local-principal, adding the headers App Service adds for Entra ID", async () => {
    const seen = await whoami(host, {
      ...forged,
      "x-local-principal": '{"name": "ada@contoso.com", "id": "oid-1", "roles": ["M2M.Operator"]}',
    });
    expect(Object.keys(seen.headers).sort()).toEqual([
      "x-ms-client-principal",
      "x-ms-client-principal-id",
      "x-ms-client-principal-idp",
      "x-ms-client-principal-name",
    ]);
    expect(seen.headers).toMatchObject({
      "x-ms-client-principal-id": "oid-1",
      "x-ms-client-principal-name": "ada@contoso.com",
      "x-ms-client-principal-idp": "aad",
    });
    expect(
      JSON.parse(Buffer.from(seen.headers["x-ms-client-principal"]!, "base64").toString("utf8")),
    ).toEqual({
      auth_typ: "aad",
      claims: [
        { typ: "name", val: "ada@contoso.com" },
        { typ: "preferred_username", val: "ada@contoso.com" },
        { typ: "http://schemas.microsoft.com/identity/claims/objectidentifier", val: "oid-1" },
        { typ: "roles", val: "M2M.Operator" },
        { typ: "ver", val: "2.0" },
      ],
      name_typ: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
      role_typ: "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
    });
    expect(readClientPrincipal(seen.headers["x-ms-client-principal"]!, true)).toEqual({
      kind: "principal",
      principal: { name: "ada@contoso.com", identityProvider: "aad", roles: ["M2M.Operator"] },
    });
  });

  it("answers 401 to a sign-in it cannot read, as App Service does to a bad token", async () => {
    const response = await fetch(`${host.url}/api/whoami`, { headers: { "x-local-principal": "{nope" } });
    expect(response.status).toBe(401);
    expect(await response.text()).toMatch(
      /^x-local-principal: The principal is not valid JSON: expected a JSON object/,
    );
  });

  it("restores the app's environment when it stops", async () => {
    const before = process.env.WEBSITE_HOSTNAME;
    const other = await startLocalHost({ entry, logger: quiet, authentication: {} });
    expect(process.env.WEBSITE_HOSTNAME).toBe(new URL(other.url).host);
    await other.stop();
    expect(process.env.WEBSITE_HOSTNAME).toBe(before);
  });
});

describe("local host signing every request in", () => {
  let host: LocalHost;
  beforeAll(async () => {
    host = await startLocalHost({
      entry,
      logger: quiet,
      authentication: { principal: parseLocalPrincipal("M2M.Reader") },
    });
  });
  afterAll(() => host?.stop());

  it("signs in a request without x-local-principal as the given principal, and one with it as that one", async () => {
    expect((await whoami(host)).headers["x-ms-client-principal-name"]).toBe("developer@localhost");
    const other = await whoami(host, { "x-local-principal": '{"name": "bob@contoso.com"}' });
    expect(other.headers["x-ms-client-principal-name"]).toBe("bob@contoso.com");
  });
});

describe("parseLocalPrincipal", () => {
  it.each([
    ["M2M.Operator", ["M2M.Operator"]],
    [" M2M.Reader , M2M.Operator ,", ["M2M.Reader", "M2M.Operator"]],
    ["", []],
  ])("reads %j as the roles %j of the default developer", (text, roles) => {
    expect(parseLocalPrincipal(text)).toEqual({
      name: "developer@localhost",
      id: "00000000-0000-0000-0000-0000000000de",
      roles,
    });
  });

  it("reads JSON with a name, an id and roles, each optional", () => {
    expect(parseLocalPrincipal('{"name": "ada@contoso.com", "id": "oid-1", "roles": ["A", "B"]}')).toEqual({
      name: "ada@contoso.com",
      id: "oid-1",
      roles: ["A", "B"],
    });
    expect(parseLocalPrincipal(" {} ")).toEqual({
      name: "developer@localhost",
      id: "00000000-0000-0000-0000-0000000000de",
      roles: [],
    });
  });

  it.each(['{"roles": "M2M.Operator"}', '{"roles": [1]}', '{"name": 7}', '{"id": false}'])(
    "refuses %s, naming the forms it takes",
    (text) => {
      expect(() => parseLocalPrincipal(text)).toThrow(
        "The principal's name and id must be strings and its roles an array of strings: expected a JSON object",
      );
    },
  );
});
