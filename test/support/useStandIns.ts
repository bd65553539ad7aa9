import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import type { Scenario } from "../../dev/scenario.js";
import { startStandIns, type StandIns } from "../../dev/startStandIns.js";

type CertificateSpec = Scenario["vault"]["certificates"][number];

/**
 * A test world: fresh ids, the downstream API with its two roles, Reports.Read.All granted, the given certificates,
 * and — as a deployment must set up for the certificate check and rotation — Microsoft Graph's
 * Application.ReadWrite.OwnedBy granted with the app's service principal an owner of its registration.
 */
export function testScenario(options: {
  certificates: (Partial<CertificateSpec> & { name: string })[];
  clientSecret?: boolean;
  federatedWithManagedIdentity?: boolean;
  /** Microsoft Graph app roles granted to the app; default ["Application.ReadWrite.OwnedBy"]; [] for none. */
  graphRoles?: string[];
  /** Default true. */
  servicePrincipalIsOwner?: boolean;
  /** The vault's issuer objects, the managed identity's roles on it, when creates complete (see Scenario). */
  vault?: Omit<Scenario["vault"], "certificates">;
}): Scenario {
  const graphRoles = options.graphRoles ?? ["Application.ReadWrite.OwnedBy"];
  return {
    tenantId: randomUUID(),
    app: {
      displayName: "m2m-functions (test)",
      clientId: randomUUID(),
      objectId: randomUUID(),
      clientSecret: options.clientSecret ?? false,
      federatedWithManagedIdentity: options.federatedWithManagedIdentity ?? false,
      servicePrincipalIsOwner: options.servicePrincipalIsOwner ?? true,
    },
    resources: [{ appIdUri: "api://m2m-downstream", roles: ["Reports.Read.All", "Reports.Write"] }],
    roleAssignments: [
      { resource: "api://m2m-downstream", roles: ["Reports.Read.All"] },
      ...(graphRoles.length > 0 ? [{ resource: "https://graph.microsoft.com", roles: graphRoles }] : []),
    ],
    scope: "api://m2m-downstream/.default",
    vault: {
      certificates: options.certificates.map((c) => ({
        subject: `CN=${c.name}`,
        validDays: 90,
        contentType: "application/x-pem-file" as const,
        registerOnApp: true,
        ...c,
      })),
      ...options.vault,
    },
  };
}

/**
 * Starts the Entra ID and Key Vault stand-ins for the file (beforeAll) and stops them after (afterAll), with the
 * managed identity's environment set as App Service sets it. Returns a getter: the stand-ins exist once the file runs.
 */
export function useStandIns(scenario: Scenario): () => StandIns {
  let standIns: StandIns | undefined;
  const savedEnv = { ...process.env };
  beforeAll(async () => {
    standIns = await startStandIns(scenario);
    Object.assign(process.env, standIns.managedIdentityEnv);
  });
  afterAll(async () => {
    process.env = savedEnv;
    await standIns?.stop();
  });
  return () => {
    if (!standIns) throw new Error("the stand-ins start in beforeAll");
    return standIns;
  };
}
