import { seedTenantObjects, type StandInAdmin } from "./entra/seedTenantObjects.js";
import { startEntraStandIn, type EntraStandIn } from "./entra/startEntraStandIn.js";
import { startKeyVaultStandIn, type KeyVaultStandIn } from "./keyvault/startKeyVaultStandIn.js";
import { issueCertificate } from "./pki/issueCertificate.js";
import { DEFAULT_IDENTITY_ROLES, type Scenario } from "./scenario.js";

export type { StandInAdmin } from "./entra/seedTenantObjects.js";

export interface StandIns {
  entra: EntraStandIn;
  vault: KeyVaultStandIn;
  /** App settings (M2M_*) that point the app at the stand-ins, for the default Key Vault certificate mode. */
  settings: Record<string, string>;
  /** What App Service puts in a managed identity's environment: IDENTITY_ENDPOINT and IDENTITY_HEADER. */
  managedIdentityEnv: Record<string, string>;
  /** The client secret's value, when the scenario created one. Never log it. */
  clientSecret: string | null;
  /** The scenario's admin app registration (see Scenario.admin); null without one. */
  admin: StandInAdmin | null;
  stop(): Promise<void>;
}

/**
 * Starts the Entra ID and Key Vault stand-ins and seeds them from a scenario: the vault's issuer objects, the app
 * registration with the vault's certificates registered on it, the downstream API's roles assigned to the app, the
 * managed identity given its roles on the vault (and, optionally, trusted as the app's federated credential), the
 * admin app registration, the groups and the users.
 */
export async function startStandIns(
  scenario: Scenario,
  ports: { entra?: number; vault?: number } = {},
): Promise<StandIns> {
  const entra = await startEntraStandIn({ tenantId: scenario.tenantId, port: ports.entra ?? 0 });
  let vault: KeyVaultStandIn | undefined;
  try {
    vault = await startKeyVaultStandIn({
      authorityHost: entra.authorityHost,
      tenantId: entra.tenantId,
      jwksUri: entra.jwksUri,
      issuer: entra.issuer,
      port: ports.vault ?? 0,
      roleAssignments: {
        [entra.managedIdentity.principalId]: scenario.vault.identityRoles ?? DEFAULT_IDENTITY_ROLES,
      },
      ...(scenario.vault.createCompletion ? { createCompletion: scenario.vault.createCompletion } : {}),
    });
    for (const issuer of scenario.vault.issuers ?? []) {
      vault.setIssuer(issuer.name, { provider: issuer.provider });
    }
    const app = entra.registerApp({
      displayName: scenario.app.displayName,
      clientId: scenario.app.clientId,
      objectId: scenario.app.objectId,
    });
    if (scenario.app.servicePrincipalIsOwner) {
      entra.addOwner(scenario.app.clientId, app.servicePrincipalObjectId);
    }
    for (const resource of scenario.resources) {
      entra.registerResource({
        appIdUri: resource.appIdUri,
        roles: resource.roles,
        ...(resource.appId ? { appId: resource.appId } : {}),
        ...(resource.displayName ? { displayName: resource.displayName } : {}),
        ...(resource.groupMembershipClaims ? { groupMembershipClaims: resource.groupMembershipClaims } : {}),
      });
    }
    const { admin } = seedTenantObjects(entra, scenario, app.servicePrincipalObjectId);
    if (admin && scenario.admin?.vaultRoles?.length)
      vault.setRoles(admin.objectId, scenario.admin.vaultRoles);
    for (const assignment of scenario.roleAssignments) {
      entra.assignRoles(scenario.app.clientId, assignment.resource, assignment.roles);
    }
    for (const spec of scenario.vault.certificates) {
      const certificate = await issueCertificate({ subject: spec.subject, validDays: spec.validDays });
      vault.importCertificate(spec.name, {
        certPem: certificate.certPem,
        keyPem: certificate.keyPem,
        contentType: spec.contentType,
        subject: spec.subject,
        ...(spec.issuerName ? { issuerName: spec.issuerName } : {}),
        ...(spec.policyValidityMonths ? { validityMonths: spec.policyValidityMonths } : {}),
        ...(spec.exportable !== undefined ? { exportable: spec.exportable } : {}),
      });
      if (spec.registerOnApp) {
        entra.addCertificate(scenario.app.clientId, {
          certPem: certificate.certPem,
          displayName: `CN of ${spec.name}`,
        });
      }
    }
    const clientSecret = scenario.app.clientSecret
      ? entra.addClientSecret(scenario.app.clientId, {}).secretText
      : null;
    if (scenario.app.federatedWithManagedIdentity) {
      entra.addFederatedCredential(scenario.app.clientId, {
        issuer: entra.issuer,
        subject: entra.managedIdentity.principalId,
        audiences: ["api://AzureADTokenExchange"],
      });
    }
    const certificateName = scenario.vault.certificateName ?? scenario.vault.certificates[0]?.name ?? "";
    const started = vault;
    return {
      entra,
      vault,
      clientSecret,
      admin,
      settings: {
        M2M_TENANT_ID: entra.tenantId,
        M2M_CLIENT_ID: scenario.app.clientId,
        M2M_AUTHORITY_HOST: entra.authorityHost,
        // The Entra stand-in serves Graph's applications API too (they share the app registrations).
        M2M_GRAPH_URL: entra.authorityHost,
        M2M_SCOPE: scenario.scope,
        M2M_CREDENTIAL_SOURCE: "keyvault-certificate",
        M2M_KEYVAULT_URL: vault.url,
        M2M_KEYVAULT_CERTIFICATE_NAME: certificateName,
      },
      managedIdentityEnv: {
        IDENTITY_ENDPOINT: entra.managedIdentity.endpoint,
        IDENTITY_HEADER: entra.managedIdentity.header,
      },
      async stop() {
        await Promise.all([started.stop(), entra.stop()]);
      },
    };
  } catch (error) {
    await Promise.all([vault?.stop(), entra.stop()]);
    throw error;
  }
}
