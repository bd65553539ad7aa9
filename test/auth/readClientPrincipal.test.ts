import { describe, expect, it } from "vitest";
import { readClientPrincipal } from "../../src/auth/readClientPrincipal.js";

const ROLE_TYP = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role";
const NAME_TYP = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name";
const encode = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64");

/** A principal as App Service Authentication sends it for a Microsoft Entra ID sign-in. */
const entraPrincipal = (claims: { typ: string; val: unknown }[], extra: Record<string, unknown> = {}) =>
  encode({ auth_typ: "aad", claims, name_typ: NAME_TYP, role_typ: ROLE_TYP, ...extra });

describe("readClientPrincipal", () => {
  it("reads no principal when the header is absent or blank", () => {
    expect(readClientPrincipal(null, true)).toEqual({ kind: "none" });
    expect(readClientPrincipal("", true)).toEqual({ kind: "none" });
    expect(readClientPrincipal("  ", true)).toEqual({ kind: "none" });
    expect(readClientPrincipal(null, false)).toEqual({ kind: "none" });
  });

  it("does not believe a header while App Service Authentication is off: anyone could have sent it", () => {
    const forged = entraPrincipal([{ typ: "roles", val: "M2M.Operator" }]);
    expect(readClientPrincipal(forged, false)).toEqual({ kind: "untrusted" });
  });

  it("reads Entra ID's principal: roles as 'roles' claims, the name from name_typ's claim", () => {
    const header = entraPrincipal([
      { typ: NAME_TYP, val: "Ada Lovelace" },
      { typ: "preferred_username", val: "ada@contoso.com" },
      { typ: "roles", val: "M2M.Reader" },
      { typ: "roles", val: "M2M.Operator" },
      { typ: "groups", val: "not-a-role" },
    ]);
    expect(readClientPrincipal(header, true)).toEqual({
      kind: "principal",
      principal: { name: "Ada Lovelace", identityProvider: "aad", roles: ["M2M.Reader", "M2M.Operator"] },
    });
  });

  it("counts the claims of type role_typ as roles too, once each", () => {
    const header = entraPrincipal([
      { typ: ROLE_TYP, val: "M2M.Operator" },
      { typ: "roles", val: "M2M.Operator" },
      { typ: "custom/role", val: "other" },
    ]);
    expect(readClientPrincipal(header, true)).toMatchObject({
      kind: "principal",
      principal: { roles: ["M2M.Operator"] },
    });
  });

  it("takes the role type the header names, whatever it is", () => {
    const header = encode({ claims: [{ typ: "app-role", val: "M2M.Reader" }], role_typ: "app-role" });
    expect(readClientPrincipal(header, true)).toEqual({
      kind: "principal",
      principal: { name: null, identityProvider: null, roles: ["M2M.Reader"] },
    });
  });

  it.each([
    [
      [
        { typ: "name", val: "Ada" },
        { typ: "preferred_username", val: "ada@contoso.com" },
      ],
      "Ada",
    ],
    [[{ typ: "preferred_username", val: "ada@contoso.com" }], "ada@contoso.com"],
    [
      [
        { typ: NAME_TYP, val: "" },
        { typ: "name", val: "Ada" },
      ],
      "Ada",
    ],
    [[{ typ: "oid", val: "x" }], null],
  ])("falls back to 'name', then 'preferred_username', for the name (%j)", (claims, name) => {
    expect(readClientPrincipal(entraPrincipal(claims), true)).toMatchObject({
      kind: "principal",
      principal: { name },
    });
  });

  it("reads a principal with no claims as one with no name and no role", () => {
    expect(readClientPrincipal(encode({ auth_typ: "aad", claims: [] }), true)).toEqual({
      kind: "principal",
      principal: { name: null, identityProvider: "aad", roles: [] },
    });
  });

  it("skips claims that are not a type and a text value", () => {
    const header = entraPrincipal([
      { typ: "roles", val: 7 },
      null as unknown as { typ: string; val: unknown },
      ["roles", "M2M.Operator"] as unknown as { typ: string; val: unknown },
      { typ: 1, val: "M2M.Operator" } as unknown as { typ: string; val: unknown },
      { typ: "roles", val: "M2M.Reader" },
    ]);
    expect(readClientPrincipal(header, true)).toMatchObject({ principal: { roles: ["M2M.Reader"] } });
  });

  it("ignores a name_typ, role_typ or auth_typ that is not text", () => {
    const header = encode({
      auth_typ: 1,
      name_typ: 2,
      role_typ: null,
      claims: [
        { typ: "null", val: "x" },
        { typ: "name", val: "Ada" },
      ],
    });
    expect(readClientPrincipal(header, true)).toEqual({
      kind: "principal",
      principal: { name: "Ada", identityProvider: null, roles: [] },
    });
  });

  it("accepts the header with surrounding whitespace and without padding", () => {
    const header = entraPrincipal([{ typ: "roles", val: "M2M.Reader" }]).replace(/=+$/, "");
    expect(readClientPrincipal(` ${header}\t`, true)).toMatchObject({ principal: { roles: ["M2M.Reader"] } });
  });

  it.each([
    ["not base64!", "it is not base64"],
    ["eyJ", "its base64 does not hold JSON"],
    [Buffer.from("{not json").toString("base64"), "its base64 does not hold JSON"],
    [encode(["claims"]), "its JSON is not an object with a claims array"],
    [encode(null), "its JSON is not an object with a claims array"],
    [encode("text"), "its JSON is not an object with a claims array"],
    [encode({ auth_typ: "aad" }), "its JSON is not an object with a claims array"],
    [
      encode({ claims: { typ: "roles", val: "M2M.Operator" } }),
      "its JSON is not an object with a claims array",
    ],
  ])("treats a header that cannot be read (%s) as no principal, saying why", (header, reason) => {
    expect(readClientPrincipal(header, true)).toEqual({ kind: "malformed", reason });
  });

  it("refuses base64 with characters inside or padding in the middle", () => {
    const header = entraPrincipal([{ typ: "roles", val: "M2M.Operator" }]);
    expect(readClientPrincipal(`${header.slice(0, 8)} ${header.slice(8)}`, true)).toMatchObject({
      kind: "malformed",
    });
    expect(readClientPrincipal(`${header}=x`, true)).toMatchObject({ kind: "malformed" });
    expect(readClientPrincipal(`x${header}`, true)).toMatchObject({ kind: "malformed" });
  });
});
