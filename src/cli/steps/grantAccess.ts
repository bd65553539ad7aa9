import type { Deadline } from "../../clock/Deadline.js";
import { GUID } from "../../config/settingPatterns.js";
import { ConfigurationError, M2mError } from "../../errors.js";
import { parseAppRoleAssignment, type AppRoleAssignmentInfo } from "../tenant/AppRoleAssignmentInfo.js";
import { parseFederatedCredential } from "../tenant/FederatedCredentialInfo.js";
import { formatPlannedRequest } from "../tenant/formatPlannedRequest.js";
import type { GraphPort, GraphRead } from "../tenant/GraphPort.js";
import { planGrant, type GrantState } from "../tenant/planGrant.js";
import {
  parseServicePrincipal,
  SERVICE_PRINCIPAL_SELECT,
  type ServicePrincipalInfo,
} from "../tenant/ServicePrincipalInfo.js";
import type { TenantSettings } from "../tenant/TenantSettings.js";
import { directoryFields } from "../tenant/directoryFields.js";
import { findApplication } from "./findApplication.js";
import type { StepOptions } from "./StepOptions.js";

/** Microsoft Graph's application id, the same in every tenant. */
const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
/** What the app needs of Graph to read its own registration (and roll its keys): see the README's Certificate lifecycle. */
const APP_GRAPH_ROLES = ["Application.ReadWrite.OwnedBy"] as const;
/** The audience Entra ID expects of a managed identity token used as a federated credential. */
const FEDERATION_AUDIENCE = "api://AzureADTokenExchange";

export interface GrantInput {
  /** The client application: appId or object id. */
  app: string;
  /** The API: its appId, or its application ID URI (api://…); null when no roles of it are asked for. */
  api: string | null;
  roles: readonly string[];
  /** A managed identity (client id or principal id) to trust as the app's credential; null for none. */
  federation: string | null;
  tenant: TenantSettings;
}

const READ_FIX =
  "Reading service principals, app role assignments and owners needs Microsoft Graph's Application.Read.All as the " +
  "signed-in person (Directory Readers, Application Administrator or Cloud Application Administrator can).";
const read = (path: string): GraphRead => ({ path, forbiddenFix: READ_FIX });
const quoted = (value: string) => `'${encodeURIComponent(value.replace(/'/g, "''"))}'`;

/**
 * `m2m app grant`: reads what the tenant holds, plans the writes that are missing (see planGrant) and sends them in
 * order — or, in a dry run, prints them. Every read comes first, so a refusal or a missing object stops the command
 * before it changes anything.
 */
export async function grantAccess(
  graph: GraphPort,
  input: GrantInput,
  options: StepOptions,
): Promise<{ created: number; alreadyThere: number }> {
  const { io, deadline } = options;
  const federation = input.federation
    ? {
        issuer: `${input.tenant.authorityHost}/${requireTenantGuid(input.tenant)}/v2.0`,
        subject: await managedIdentityPrincipalId(graph, input.federation, deadline),
        audience: FEDERATION_AUDIENCE,
      }
    : null;
  const state = await readGrantState(graph, input, federation !== null, deadline);
  const steps = planGrant(state, { roles: input.roles, graphRoles: APP_GRAPH_ROLES, federation });
  let created = 0;
  for (const step of steps) {
    if (!step.write) {
      io.out(`grant: already there: ${step.what}`);
      continue;
    }
    if (options.dryRun) {
      io.out(
        `grant: would send\n${formatPlannedRequest({ ...step.write, url: graph.urlOf(step.write.path) })}`,
      );
      continue;
    }
    await graph.send(step.write, deadline);
    created++;
    io.out(`grant: created: ${step.what}`);
  }
  return { created, alreadyThere: steps.filter((s) => !s.write).length };
}

async function readGrantState(
  graph: GraphPort,
  input: GrantInput,
  withFederation: boolean,
  deadline: Deadline,
): Promise<GrantState> {
  const application = await findApplication(graph, input.app, deadline);
  const client = await servicePrincipalByAppId(graph, application.appId, deadline);
  if (!client) {
    throw new M2mError(
      "SERVICE_PRINCIPAL_NOT_FOUND",
      `App registration ${application.displayName || application.appId} has no service principal (enterprise application) in the tenant, so nothing can be granted to it. Create it with 'az ad sp create --id ${application.appId}' and run the command again.`,
    );
  }
  const api = input.api === null ? null : await findApi(graph, input.api, deadline);
  const microsoftGraph = await servicePrincipalByAppId(graph, MICROSOFT_GRAPH_APP_ID, deadline);
  if (!microsoftGraph) {
    throw new M2mError(
      "SERVICE_PRINCIPAL_NOT_FOUND",
      `The tenant has no service principal for Microsoft Graph (appId ${MICROSOFT_GRAPH_APP_ID}). Check M2M_GRAPH_URL and M2M_TENANT_ID.`,
    );
  }
  // What the client holds of each resource: the resource's appRoleAssignedTo, the relationship Graph recommends
  // for app role assignments (and the one the grant writes to), read for the two resources concerned only.
  const assignments: AppRoleAssignmentInfo[] = [];
  for (const resource of api ? [api, microsoftGraph] : [microsoftGraph]) {
    const assigned = await graph.list(read(`/servicePrincipals/${resource.id}/appRoleAssignedTo`), deadline);
    assignments.push(
      ...assigned
        .map((item) => parseAppRoleAssignment(item, `an app role assignment of ${resource.displayName}`))
        .filter((assignment) => assignment.principalId === client.id),
    );
  }
  const owners = (await graph.list(read(`/applications/${application.id}/owners?$select=id`), deadline)).map(
    (item) => directoryFields(item, "an owner").string("id"),
  );
  const federatedCredentials = withFederation
    ? (await graph.list(read(`/applications/${application.id}/federatedIdentityCredentials`), deadline)).map(
        (item) => parseFederatedCredential(item, "a federated identity credential"),
      )
    : [];
  return {
    graphRoot: graph.urlOf("").replace(/\/v1\.0$/, ""),
    application: { id: application.id, appId: application.appId, displayName: application.displayName },
    client,
    api,
    graph: microsoftGraph,
    assignments,
    owners,
    federatedCredentials,
  };
}

async function servicePrincipalByAppId(
  graph: GraphPort,
  appId: string,
  deadline: Deadline,
): Promise<ServicePrincipalInfo | null> {
  const found = await graph.get(
    read(`/servicePrincipals(appId=${quoted(appId)})?${SERVICE_PRINCIPAL_SELECT}`),
    deadline,
  );
  return found === null ? null : parseServicePrincipal(found, `the service principal of appId ${appId}`);
}

/** The API's service principal, by appId (a GUID) or by application ID URI (one of its servicePrincipalNames). */
async function findApi(graph: GraphPort, api: string, deadline: Deadline): Promise<ServicePrincipalInfo> {
  const found = GUID.test(api)
    ? await servicePrincipalByAppId(graph, api, deadline)
    : ((
        await graph.list(
          read(
            `/servicePrincipals?$filter=${encodeURIComponent(`servicePrincipalNames/any(n:n eq '${api.replace(/'/g, "''")}')`)}&${SERVICE_PRINCIPAL_SELECT}`,
          ),
          deadline,
        )
      ).map((item) => parseServicePrincipal(item, `the service principal named ${api}`))[0] ?? null);
  if (found) return found;
  throw new M2mError(
    "SERVICE_PRINCIPAL_NOT_FOUND",
    `The tenant has no service principal for the API ${api}. Check --api (the API's application id, or its Application ID URI as in M2M_SCOPE without /.default); an API registered in this tenant gets one with 'az ad sp create --id <its appId>'.`,
  );
}

/**
 * The principal (object) id of the managed identity `id` names: its client id (looked up as a service principal's
 * appId) or its principal id itself (checked to exist). The federated credential's subject is the principal id: it is
 * the `sub` of the identity's tokens.
 */
async function managedIdentityPrincipalId(graph: GraphPort, id: string, deadline: Deadline): Promise<string> {
  const byClientId = await servicePrincipalByAppId(graph, id, deadline);
  if (byClientId) return byClientId.id;
  const byObjectId = await graph.get(
    read(`/servicePrincipals/${encodeURIComponent(id)}?$select=id`),
    deadline,
  );
  if (byObjectId !== null) return directoryFields(byObjectId, `the service principal ${id}`).string("id");
  throw new M2mError(
    "SERVICE_PRINCIPAL_NOT_FOUND",
    `The tenant has no managed identity (service principal) with client id or principal id ${id}. Check --federation: the Function app's Identity blade shows the object (principal) id; a user-assigned identity's overview shows its client id.`,
  );
}

function requireTenantGuid(tenant: TenantSettings): string {
  if (GUID.test(tenant.tenantId)) return tenant.tenantId;
  throw new ConfigurationError([
    `M2M_TENANT_ID: expected the tenant's id GUID for --federation (a managed identity's tokens name their issuer by it); got "${tenant.tenantId}"`,
  ]);
}
