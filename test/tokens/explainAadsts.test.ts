import { describe, expect, it } from "vitest";
import { explainAadsts, parseAadsts } from "../../src/tokens/explainAadsts.js";

const context = { clientId: "app-id", tenantId: "tenant-id", scope: "api://x/.default" };

describe("explainAadsts", () => {
  it.each([700027, 700024, 7000214, 1000502, 7000274, 7000277])(
    "treats AADSTS%i as a certificate problem worth one reload",
    (code) => {
      expect(explainAadsts(code, context).certificateProblem).toBe(true);
    },
  );

  it.each([
    [7000215, "CLIENT_SECRET_INVALID", "set M2M_CLIENT_SECRET to the secret's Value"],
    [7000222, "CLIENT_SECRET_EXPIRED", "create a new client secret on app registration app-id"],
    [700016, "APPLICATION_NOT_FOUND", "check M2M_CLIENT_ID and M2M_TENANT_ID"],
    [500011, "RESOURCE_NOT_FOUND", "check the scope's application ID URI"],
    [501051, "APP_ROLE_NOT_ASSIGNED", "assign one of the API's app roles to the app's service principal"],
    [70021, "FEDERATED_CREDENTIAL_NOT_FOUND", "add a federated credential for the managed identity"],
  ])("explains AADSTS%i as %s with its fix", (code, expected, fix) => {
    const explanation = explainAadsts(code, context);
    expect(explanation.code).toBe(expected);
    expect(explanation.certificateProblem).toBe(false);
    expect(explanation.fix).toContain(fix);
  });

  it("fills in the app's identifiers", () => {
    expect(explainAadsts(700027, context).fix).toBe(
      "upload the certificate's public key to app registration app-id (Certificates & secrets), or let the app rotate it",
    );
    expect(explainAadsts(500011, context).cause).toBe(
      "the resource in scope api://x/.default is not known in tenant tenant-id",
    );
  });

  it("points unknown codes at Entra's error reference", () => {
    expect(explainAadsts(123456, context)).toMatchObject({
      code: "TOKEN_REQUEST_REJECTED",
      fix: "look up AADSTS123456 in Microsoft Entra's error reference",
      certificateProblem: false,
    });
  });

  it("reads the code out of an Entra description", () => {
    expect(parseAadsts("AADSTS700027: The certificate with identifier ... Trace ID: x")).toBe(700027);
    expect(parseAadsts("invalid_client")).toBeUndefined();
  });
});
