import { describe, expect, it } from "vitest";
import { isPartneredProvider, issuerKind, PARTNERED_PROVIDERS } from "../../src/rotation/issuerKind.js";

describe("issuerKind", () => {
  it.each([
    ["Self", { kind: "self" }],
    ["self", { kind: "self" }],
    [" SELF ", { kind: "self" }],
    ["Unknown", { kind: "unknown" }],
    ["unknown", { kind: "unknown" }],
    ["", { kind: "unknown" }],
    ["   ", { kind: "unknown" }],
    [undefined, { kind: "unknown" }],
    [null, { kind: "unknown" }],
    ["DigiCert", { kind: "object", name: "DigiCert" }],
    ["corp-tls", { kind: "object", name: "corp-tls" }],
    [" corp-tls ", { kind: "object", name: "corp-tls" }],
    ["Selfish", { kind: "object", name: "Selfish" }],
  ] as const)("'%s' names %o", (name, kind) => {
    expect(issuerKind(name)).toEqual(kind);
  });
});

describe("isPartneredProvider", () => {
  it("lists the CAs Key Vault enrols with itself", () => {
    expect(PARTNERED_PROVIDERS).toEqual(["DigiCert", "GlobalSign"]);
  });

  it.each([
    ["DigiCert", true],
    ["digicert", true],
    ["GlobalSign", true],
    ["GLOBALSIGN", true],
    [" GlobalSign ", true],
    ["OneCertV2-PrivateCA", false],
    ["Test", false],
    ["Self", false],
    ["", false],
    [undefined, false],
    [null, false],
  ] as const)("%s → %s", (provider, partnered) => {
    expect(isPartneredProvider(provider)).toBe(partnered);
  });
});
