import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { planKeyRegistration } from "../../../src/cli/tenant/planKeyRegistration.js";
import type { GraphApplication, GraphKeyCredential } from "../../../src/graph/GraphApplications.js";

const der = Buffer.from("a certificate's DER bytes, for the plan only");
const thumbprint = createHash("sha1").update(der).digest("hex").toUpperCase();
const certificate = { kind: "known" as const, der, thumbprintSha1: thumbprint, displayName: "m2m-client v2" };

function key(overrides: Partial<GraphKeyCredential>): GraphKeyCredential {
  return {
    keyId: "11111111-1111-4111-8111-111111111111",
    customKeyIdentifier: Buffer.from("0".repeat(40), "hex").toString("base64"),
    displayName: "CN=old",
    startDateTime: "2026-01-01T00:00:00Z",
    endDateTime: "2027-01-01T00:00:00Z",
    type: "AsymmetricX509Cert",
    usage: "Verify",
    key: null,
    ...overrides,
  };
}

function application(keyCredentials: GraphKeyCredential[]): GraphApplication {
  return {
    id: "0a0a0a0a-0000-4000-8000-00000000000a",
    appId: "0b0b0b0b-0000-4000-8000-00000000000b",
    displayName: "m2m-functions",
    keyCredentials,
    passwordCredentials: [],
  };
}

describe("planKeyRegistration", () => {
  it("registers a first certificate with one PATCH of keyCredentials: type, usage, key and display name", () => {
    const plan = planKeyRegistration(application([]), certificate);
    expect(plan).toMatchObject({
      kind: "register",
      write: {
        method: "PATCH",
        path: "/applications/0a0a0a0a-0000-4000-8000-00000000000a",
        body: {
          keyCredentials: [
            {
              type: "AsymmetricX509Cert",
              usage: "Verify",
              key: der.toString("base64"),
              displayName: "m2m-client v2",
            },
          ],
        },
      },
    });
  });

  it("sends every registered key back as Graph returned it (keyId first), since the PATCH replaces the collection", () => {
    const old = key({ key: "b2xkIGNlcnQ=" });
    const plan = planKeyRegistration(application([old]), certificate);
    if (plan.kind !== "register") throw new Error("expected a registration");
    expect((plan.write.body as { keyCredentials: unknown[] }).keyCredentials).toEqual([
      {
        keyId: old.keyId,
        type: "AsymmetricX509Cert",
        usage: "Verify",
        displayName: "CN=old",
        customKeyIdentifier: old.customKeyIdentifier,
        startDateTime: "2026-01-01T00:00:00Z",
        endDateTime: "2027-01-01T00:00:00Z",
        key: "b2xkIGNlcnQ=",
      },
      {
        type: "AsymmetricX509Cert",
        usage: "Verify",
        key: der.toString("base64"),
        displayName: "m2m-client v2",
      },
    ]);
    expect(plan.write.purpose).toBe(
      `register certificate ${thumbprint} on app registration m2m-functions (appId 0b0b0b0b-0000-4000-8000-00000000000b), keeping its 1 registered key`,
    );
  });

  it.each([
    [
      "customKeyIdentifier as Graph writes it (base64 of the SHA-1 bytes)",
      { customKeyIdentifier: Buffer.from(thumbprint, "hex").toString("base64") },
    ],
    ["customKeyIdentifier in hex", { customKeyIdentifier: thumbprint.toLowerCase() }],
    [
      "no customKeyIdentifier but the certificate's key",
      { customKeyIdentifier: null, key: der.toString("base64") },
    ],
  ])("sends nothing for a certificate already registered, matched by %s", (_how, overrides) => {
    const registered = key({
      keyId: "22222222-2222-4222-8222-222222222222",
      displayName: "by hand",
      ...overrides,
    });
    expect(planKeyRegistration(application([key({}), registered]), certificate)).toEqual({
      kind: "registered",
      keyId: "22222222-2222-4222-8222-222222222222",
      displayName: "by hand",
    });
  });

  it("plans a dry run's certificate not created yet with its placeholder in place of the key", () => {
    const plan = planKeyRegistration(application([]), {
      kind: "not-created",
      placeholder: "<certificate DER of 'm2m-client', issued by the step above>",
      displayName: "m2m-client <version>",
    });
    expect(plan).toMatchObject({
      kind: "register",
      write: {
        body: { keyCredentials: [{ key: "<certificate DER of 'm2m-client', issued by the step above>" }] },
        purpose:
          'register certificate "m2m-client <version>" on app registration m2m-functions (appId 0b0b0b0b-0000-4000-8000-00000000000b), keeping its 0 registered keys',
      },
    });
  });

  it("names in a refusal's fix the permission, the directory roles, ownership and the portal", () => {
    const plan = planKeyRegistration(application([]), certificate);
    if (plan.kind !== "register") throw new Error("expected a registration");
    expect(plan.write.forbiddenFix).toBe(
      "Changing app registration m2m-functions (appId 0b0b0b0b-0000-4000-8000-00000000000b) needs Microsoft Graph's " +
        "Application.ReadWrite.All as the signed-in person (directory role Application Administrator or Cloud " +
        "Application Administrator), or being one of its owners ('az ad app owner add --id " +
        "0b0b0b0b-0000-4000-8000-00000000000b --owner-object-id <your object id>'). Or upload the .cer in the portal: " +
        "App registrations > m2m-functions > Certificates & secrets.",
    );
  });
});
