import { describe, expect, it } from "vitest";
import { parseGraphApplication, parseGraphKeyCredential } from "../../src/graph/parseGraphApplication.js";

const key = {
  customKeyIdentifier: "q83vEjRWeJCrze8SNFZ4kKvN7xI=",
  displayName: "CN=app",
  endDateTime: "2026-08-01T10:00:00Z",
  key: "MIIC...",
  keyId: "6b8d2f4c-0000-4000-8000-000000000001",
  startDateTime: "2026-05-01T10:00:00Z",
  type: "AsymmetricX509Cert",
  usage: "Verify",
};
const secret = {
  customKeyIdentifier: null,
  displayName: "ci",
  endDateTime: "2027-05-01T10:00:00Z",
  hint: "abc",
  keyId: "6b8d2f4c-0000-4000-8000-000000000002",
  secretText: null,
  startDateTime: "2025-05-01T10:00:00Z",
};
/** What Graph answers GET /applications/{id}?$select=id,appId,displayName,keyCredentials,passwordCredentials with. */
const application = {
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications(id,appId)/$entity",
  id: "3f5c2a71-0000-4000-8000-0000000a0002",
  appId: "3f5c2a71-0000-4000-8000-0000000a0001",
  displayName: "m2m-functions",
  keyCredentials: [key],
  passwordCredentials: [secret],
};

const problem = (value: unknown) => {
  const parsed = parseGraphApplication(value);
  return parsed.ok ? "parsed" : parsed.problem;
};

describe("parseGraphApplication", () => {
  it("keeps the application's ids, name and credentials, and nothing else", () => {
    expect(parseGraphApplication(application)).toEqual({
      ok: true,
      value: {
        id: application.id,
        appId: application.appId,
        displayName: "m2m-functions",
        keyCredentials: [key],
        passwordCredentials: [
          {
            keyId: secret.keyId,
            displayName: "ci",
            hint: "abc",
            startDateTime: secret.startDateTime,
            endDateTime: secret.endDateTime,
          },
        ],
      },
    });
  });

  it("takes null or absent optional properties as null, and a missing display name as empty", () => {
    const bare = { keyId: "k", type: "AsymmetricX509Cert", usage: "Verify" };
    expect(
      parseGraphApplication({
        id: "i",
        appId: "a",
        displayName: null,
        keyCredentials: [{ ...bare, customKeyIdentifier: null, endDateTime: null }],
        passwordCredentials: [{ keyId: "p" }],
      }),
    ).toEqual({
      ok: true,
      value: {
        id: "i",
        appId: "a",
        displayName: "",
        keyCredentials: [
          {
            ...bare,
            customKeyIdentifier: null,
            displayName: null,
            startDateTime: null,
            endDateTime: null,
            key: null,
          },
        ],
        passwordCredentials: [
          { keyId: "p", displayName: null, hint: null, startDateTime: null, endDateTime: null },
        ],
      },
    });
    expect(
      parseGraphApplication({ id: "i", appId: "a", keyCredentials: [], passwordCredentials: [] }),
    ).toEqual({
      ok: true,
      value: { id: "i", appId: "a", displayName: "", keyCredentials: [], passwordCredentials: [] },
    });
  });

  it.each([
    ["a string", "<html>", 'the document is the string "<html>", not an object'],
    ["null", null, "the document is null, not an object"],
    ["an array", [application], "the document is an array, not an object"],
    ["a number", 42, "the document is a number, not an object"],
    ["a collection answer", { value: [application] }, "id is missing, not a non-empty string"],
  ])("refuses a document that is %s", (_name, value, message) => {
    expect(problem(value)).toBe(message);
  });

  it.each([
    [{ id: "" }, 'id is the string "", not a non-empty string'],
    [{ id: 7 }, "id is a number, not a non-empty string"],
    [{ appId: undefined }, "appId is missing, not a non-empty string"],
    [{ displayName: 5 }, "displayName is a number, not a string or null"],
    [{ keyCredentials: undefined }, "keyCredentials is missing, not an array"],
    [{ keyCredentials: {} }, "keyCredentials is an object, not an array"],
    [{ passwordCredentials: null }, "passwordCredentials is null, not an array"],
    [{ keyCredentials: [key, "k"] }, 'keyCredentials[1] is the string "k", not an object'],
    [
      { keyCredentials: [{ ...key, keyId: null }] },
      "keyCredentials[0].keyId is null, not a non-empty string",
    ],
    [
      { keyCredentials: [{ ...key, type: "" }] },
      'keyCredentials[0].type is the string "", not a non-empty string',
    ],
    [
      { keyCredentials: [{ ...key, usage: undefined }] },
      "keyCredentials[0].usage is missing, not a non-empty string",
    ],
    [
      { keyCredentials: [{ ...key, customKeyIdentifier: 1 }] },
      "keyCredentials[0].customKeyIdentifier is a number, not a string or null",
    ],
    [
      { keyCredentials: [{ ...key, displayName: [] }] },
      "keyCredentials[0].displayName is an array, not a string or null",
    ],
    [
      { keyCredentials: [{ ...key, key: false }] },
      "keyCredentials[0].key is a boolean, not a string or null",
    ],
    [
      { keyCredentials: [{ ...key, endDateTime: "next year" }] },
      'keyCredentials[0].endDateTime is the string "next year", not a date-time',
    ],
    [
      { keyCredentials: [{ ...key, startDateTime: 20260501 }] },
      "keyCredentials[0].startDateTime is a number, not a string or null",
    ],
    [{ passwordCredentials: [null] }, "passwordCredentials[0] is null, not an object"],
    [
      { passwordCredentials: [{ ...secret, keyId: "" }] },
      'passwordCredentials[0].keyId is the string "", not a non-empty string',
    ],
    [
      { passwordCredentials: [{ ...secret, hint: 3 }] },
      "passwordCredentials[0].hint is a number, not a string or null",
    ],
    [
      { passwordCredentials: [{ ...secret, displayName: {} }] },
      "passwordCredentials[0].displayName is an object, not a string or null",
    ],
    [
      { passwordCredentials: [{ ...secret, startDateTime: "soon" }] },
      'passwordCredentials[0].startDateTime is the string "soon", not a date-time',
    ],
    [
      { passwordCredentials: [{ ...secret, endDateTime: "later" }] },
      'passwordCredentials[0].endDateTime is the string "later", not a date-time',
    ],
  ])("names the first property that is wrong: %j", (change, message) => {
    expect(problem({ ...application, ...change })).toBe(message);
  });

  it("quotes at most 40 characters of a string it refuses", () => {
    expect(problem("x".repeat(100))).toBe(`the document is the string "${"x".repeat(40)}", not an object`);
  });
});

describe("parseGraphKeyCredential", () => {
  it("reads the keyCredential addKey answers with", () => {
    expect(
      parseGraphKeyCredential({ "@odata.context": "…#microsoft.graph.keyCredential", ...key, key: null }),
    ).toEqual({
      ok: true,
      value: { ...key, key: null },
    });
  });

  it("names what is wrong with one that is not", () => {
    expect(parseGraphKeyCredential("ok")).toEqual({
      ok: false,
      problem: 'the keyCredential is the string "ok", not an object',
    });
    expect(parseGraphKeyCredential({ ...key, keyId: undefined })).toEqual({
      ok: false,
      problem: "the keyCredential.keyId is missing, not a non-empty string",
    });
  });
});
