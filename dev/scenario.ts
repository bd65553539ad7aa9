import { readFile } from "node:fs/promises";

/** A local world for the stand-ins, seeded at start. See scenarios/default.json. */
export interface Scenario {
  tenantId: string;
  app: {
    displayName: string;
    clientId: string;
    objectId: string;
    /** Create a client secret (its value is handed to the app as M2M_CLIENT_SECRET when that mode is chosen). */
    clientSecret: boolean;
    /** Trust the stand-in's managed identity as a federated credential. */
    federatedWithManagedIdentity: boolean;
  };
  resources: { appIdUri: string; roles: string[] }[];
  roleAssignments: { resource: string; roles: string[] }[];
  /** The scope the app asks for by default. */
  scope: string;
  /** Job definitions as in M2M_JOBS; "{downstream}" in a URL is replaced by the downstream stand-in's URL. */
  jobs?: unknown[];
  vault: {
    certificates: {
      name: string;
      subject: string;
      validDays: number;
      contentType: "application/x-pem-file" | "application/x-pkcs12";
      /** Register the certificate's public key on the app registration (otherwise Entra ID will not know it). */
      registerOnApp: boolean;
      /** The Key Vault policy's issuer (default "Self"); others cannot be renewed by Key Vault itself. */
      issuerName?: string;
      /** What a renewal issues (the policy's validity_months); default: derived from `validDays`, as Key Vault does. */
      policyValidityMonths?: number;
    }[];
  };
}

/** Reads and checks a scenario file; errors name the file and the field. */
export async function readScenario(path: string): Promise<Scenario> {
  const value: unknown = JSON.parse(await readFile(path, "utf8"));
  const fail = (field: string, expected: string) => {
    throw new Error(`${path}: ${field} must be ${expected}`);
  };
  if (!value || typeof value !== "object") fail("the document", "a JSON object");
  const s = value as Scenario;
  if (typeof s.tenantId !== "string") fail("tenantId", "a GUID string");
  if (typeof s.app?.clientId !== "string") fail("app.clientId", "a GUID string");
  if (typeof s.scope !== "string" || !s.scope.endsWith("/.default")) fail("scope", "'<resource>/.default'");
  if (!Array.isArray(s.resources)) fail("resources", "an array");
  if (!Array.isArray(s.roleAssignments)) fail("roleAssignments", "an array");
  if (!Array.isArray(s.vault?.certificates) || s.vault.certificates.length === 0) {
    fail("vault.certificates", "a non-empty array (the first one is the app's credential)");
  }
  return s;
}
