import { M2mError } from "../../errors.js";
import type { AppRoleAssignmentInfo } from "./AppRoleAssignmentInfo.js";
import type { FederatedCredentialInfo } from "./FederatedCredentialInfo.js";
import type { GraphWrite } from "./GraphPort.js";
import type { ServicePrincipalInfo } from "./ServicePrincipalInfo.js";

/** What the tenant holds now, as `m2m app grant` read it. */
export interface GrantState {
  /** Graph's root (https://graph.microsoft.com): `@odata.id` references name directory objects under it. */
  graphRoot: string;
  /** The client application object (its object id addresses owners and federated credentials). */
  application: { id: string; appId: string; displayName: string };
  /** The client application's service principal: it holds the roles and becomes an owner. */
  client: ServicePrincipalInfo;
  /** The API whose app roles are granted; null when none are asked for. */
  api: ServicePrincipalInfo | null;
  /** Microsoft Graph's service principal in the tenant. */
  graph: ServicePrincipalInfo;
  /** The app role assignments the client's service principal holds. */
  assignments: readonly AppRoleAssignmentInfo[];
  /** Object ids of the application's owners. */
  owners: readonly string[];
  federatedCredentials: readonly FederatedCredentialInfo[];
}

export interface GrantWanted {
  /** Values of the API's app roles, e.g. Reports.Read.All. */
  roles: readonly string[];
  /** Microsoft Graph app roles the app itself needs: Application.ReadWrite.OwnedBy, to read and roll its own keys. */
  graphRoles: readonly string[];
  /** Trust a managed identity's tokens as the app's credential; null for none. */
  federation: { issuer: string; subject: string; audience: string } | null;
}

/** One thing `m2m app grant` makes true: already so, or the write that makes it so. */
export interface GrantStep {
  what: string;
  write: GraphWrite | null;
}

const ROLE_ASSIGNMENT_FIX =
  "Assigning app roles needs Microsoft Graph's AppRoleAssignment.ReadWrite.All and Application.Read.All as the " +
  "signed-in person, with a directory role that may grant them: Privileged Role Administrator for Microsoft Graph's " +
  "own roles, Cloud Application Administrator or Application Administrator for your API's. Or grant admin consent in " +
  "the portal: App registrations > the app > API permissions > Grant admin consent.";

const APPLICATION_WRITE_FIX = (app: GrantState["application"]) =>
  `Changing app registration ${app.displayName || app.appId} needs Microsoft Graph's Application.ReadWrite.All (and ` +
  `Directory.Read.All to add an owner) as the signed-in person — directory role Application Administrator or Cloud ` +
  `Application Administrator — or being one of its owners.`;

/**
 * Pure: the writes that give the client application what it needs, each only when the tenant does not have it yet,
 * so a second run sends nothing:
 * 1. the API's app roles, assigned to the client's service principal (`POST /servicePrincipals/{api}/appRoleAssignedTo`:
 *    https://learn.microsoft.com/graph/api/serviceprincipal-post-approleassignedto);
 * 2. Microsoft Graph's Application.ReadWrite.OwnedBy, the same way: the app reads its registration to rotate its keys;
 * 3. the client's service principal as an owner of its own application (`POST /applications/{id}/owners/$ref` with
 *    `@odata.id` …/directoryObjects/{id}: https://learn.microsoft.com/graph/api/application-post-owners), which OwnedBy
 *    needs to cover it;
 * 4. with a managed identity, the federated identity credential that trusts its tokens (issuer
 *    `<authority>/<tenant>/v2.0`, subject its principal (object) id, audience api://AzureADTokenExchange:
 *    https://learn.microsoft.com/entra/workload-id/workload-identity-federation-config-app-trust-managed-identity),
 *    named `m2m-mi-<principal id>` (names are unique per application and cannot change).
 * A role the API does not define for applications is APP_ROLE_NOT_FOUND, listing the roles it does define.
 */
export function planGrant(state: GrantState, wanted: GrantWanted): GrantStep[] {
  const steps: GrantStep[] = [];
  const planned = new Set<string>();
  const assign = (resource: ServicePrincipalInfo, value: string) => {
    const role = findApplicationRole(resource, value);
    const key = `${resource.id}/${role.id}`;
    if (planned.has(key)) return;
    planned.add(key);
    const what = `app role ${value} of ${resource.displayName || resource.appId} for ${state.client.displayName || state.client.appId}`;
    const held = state.assignments.some(
      (a) => a.resourceId === resource.id && a.appRoleId === role.id && a.principalId === state.client.id,
    );
    steps.push({
      what,
      write: held
        ? null
        : {
            method: "POST",
            path: `/servicePrincipals/${resource.id}/appRoleAssignedTo`,
            body: { principalId: state.client.id, resourceId: resource.id, appRoleId: role.id },
            purpose: `assign ${what}`,
            forbiddenFix: ROLE_ASSIGNMENT_FIX,
          },
    });
  };
  const api = state.api;
  if (api) for (const role of wanted.roles) assign(api, role);
  else if (wanted.roles.length > 0)
    throw new Error("planGrant: roles were asked for without the API that defines them");
  for (const role of wanted.graphRoles) assign(state.graph, role);

  const ownerWhat = `${state.client.displayName || state.client.appId}'s service principal as an owner of its app registration`;
  steps.push({
    what: ownerWhat,
    write: state.owners.includes(state.client.id)
      ? null
      : {
          method: "POST",
          path: `/applications/${state.application.id}/owners/$ref`,
          body: { "@odata.id": `${state.graphRoot}/v1.0/directoryObjects/${state.client.id}` },
          purpose: `add ${ownerWhat}`,
          forbiddenFix: APPLICATION_WRITE_FIX(state.application),
        },
  });

  const federation = wanted.federation;
  if (federation) {
    const what = `federated credential trusting managed identity ${federation.subject}`;
    const existing = state.federatedCredentials.find(
      (c) => c.issuer === federation.issuer && c.subject === federation.subject,
    );
    steps.push({
      what: existing ? `${what} ('${existing.name}', audiences ${existing.audiences.join(", ")})` : what,
      write: existing
        ? null
        : {
            method: "POST",
            path: `/applications/${state.application.id}/federatedIdentityCredentials`,
            body: {
              name: `m2m-mi-${federation.subject}`,
              issuer: federation.issuer,
              subject: federation.subject,
              audiences: [federation.audience],
              description: "The app's managed identity as its credential (m2m app grant --federation)",
            },
            purpose: `create the ${what}`,
            forbiddenFix: APPLICATION_WRITE_FIX(state.application),
          },
    });
  }
  return steps;
}

/** The enabled app role with this value that applications may hold; APP_ROLE_NOT_FOUND naming those there are. */
function findApplicationRole(resource: ServicePrincipalInfo, value: string) {
  const forApplications = resource.appRoles.filter(
    (role) => role.isEnabled && role.allowedMemberTypes.includes("Application") && role.value,
  );
  const role = forApplications.find((r) => r.value === value);
  if (role) return role;
  const known = forApplications.map((r) => r.value).join(", ") || "none";
  throw new M2mError(
    "APP_ROLE_NOT_FOUND",
    `${resource.displayName || resource.appId} (appId ${resource.appId}) defines no enabled app role '${value}' for applications (it has: ${known}). Check --roles (values are case-sensitive), or add the role to the API's app registration (App roles, allowed member types Applications).`,
  );
}
