import {
  createHash,
  randomBytes,
  randomUUID,
  timingSafeEqual,
  X509Certificate,
  type KeyObject,
} from "node:crypto";
import { recordSecret } from "../secrets/recordSecret.js";

const DAY_MS = 86_400_000;

/** A certificate registered on an application, in Microsoft Graph's `keyCredential` shape. */
export interface KeyCredential {
  keyId: string;
  /** SHA-1 thumbprint, hex, upper case (what the portal shows and the app manifest stores). */
  customKeyIdentifier: string;
  type: "AsymmetricX509Cert";
  usage: "Verify";
  /** Base64 of the DER certificate. */
  key: string;
  /** ISO 8601. Defaults to the certificate's notBefore. */
  startDateTime: string;
  /** ISO 8601. Defaults to the certificate's notAfter. */
  endDateTime: string;
  displayName: string;
}

/** A client secret, in Graph's `passwordCredential` shape, without the secret (Graph returns it only once). */
export interface PasswordCredential {
  keyId: string;
  /** The first three characters of the secret. */
  hint: string;
  displayName: string;
  startDateTime: string;
  endDateTime: string;
}

/** What `addClientSecret` returns: the only time the secret's value is visible, as in Graph's `addPassword`. */
export interface NewPasswordCredential extends PasswordCredential {
  secretText: string;
}

/** A federated identity credential (Graph's `federatedIdentityCredential`). Matching is exact and case-sensitive. */
export interface FederatedIdentityCredential {
  id: string;
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
  description: string;
}

/** An application registration with its credentials, and the object id of its service principal in the tenant. */
export interface AppRegistration {
  /** The application object's id (Graph's `id`): what `addKey`/`removeKey` address. */
  objectId: string;
  /** The application (client) id (Graph's `appId`). */
  clientId: string;
  displayName: string;
  keyCredentials: KeyCredential[];
  passwordCredentials: PasswordCredential[];
  federatedIdentityCredentials: FederatedIdentityCredential[];
  /** The service principal's object id: the `oid` and `sub` of the app's tokens. */
  servicePrincipalObjectId: string;
  /**
   * Object ids of the registration's owners (Graph's `owners`): users or service principals. An owner holding
   * Application.ReadWrite.OwnedBy may change the registration; new registrations have none.
   */
  owners: string[];
}

export interface AppRole {
  id: string;
  value: string;
  displayName: string;
  allowedMemberTypes: ["Application"];
  isEnabled: true;
}

/**
 * The resource application's manifest property `groupMembershipClaims`: which groups its access tokens name in
 * `groups`. "None" (Graph's default, also `null`) names none; "SecurityGroup" security groups; "All" security groups
 * and distribution lists; "ApplicationGroup" only groups assigned to the application (direct members only);
 * "DirectoryRole" directory roles (`wids`), which the stand-in does not model, so no groups
 * (https://learn.microsoft.com/entra/identity-platform/optional-claims#configure-groups-optional-claims,
 * .../access-token-claims-reference: "The groupMembershipClaims property of the application manifest configures the
 * groups claim on a per-application basis").
 */
export type GroupMembershipClaims = "None" | "SecurityGroup" | "DirectoryRole" | "ApplicationGroup" | "All";

export const GROUP_MEMBERSHIP_CLAIMS: readonly GroupMembershipClaims[] = [
  "None",
  "SecurityGroup",
  "DirectoryRole",
  "ApplicationGroup",
  "All",
];

/** An API that applications get tokens for (a resource principal), with the app roles it defines. */
export interface ApiResource {
  appId: string;
  /** The application ID URI, e.g. `api://m2m-downstream`; the `aud` of its tokens. */
  appIdUri: string;
  displayName: string;
  servicePrincipalObjectId: string;
  appRoles: AppRole[];
  /** Its application's manifest setting: which groups its tokens carry (default "None"). */
  groupMembershipClaims: GroupMembershipClaims;
}

/** A group of the tenant (Graph's `group`): service principals and other groups are its members. */
export interface Group {
  id: string;
  displayName: string;
  /** A security group (what "SecurityGroup" emits); false for a distribution list. */
  securityEnabled: boolean;
  mailEnabled: boolean;
  /** Object ids of its direct members: service principals or groups. */
  members: string[];
}

/**
 * A user of the tenant (Graph's `user`), as `GET /users` lists it: the stand-in models no sign-in for users (its
 * tokens are app-only), only the directory entry a job reads. Absent optional properties are null, as Graph returns them.
 */
export interface DirectoryUser {
  id: string;
  /** `name@domain`, unique in the tenant without regard to case. */
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  jobTitle: string | null;
  accountEnabled: boolean;
}

/** A user to add: `id` is generated when absent, `accountEnabled` defaults to true, other absent properties are null. */
export interface NewDirectoryUser {
  displayName: string;
  userPrincipalName: string;
  id?: string;
  givenName?: string;
  surname?: string;
  mail?: string;
  jobTitle?: string;
  accountEnabled?: boolean;
}

/**
 * An app role granted to a principal (Graph's `appRoleAssignment`): the principal's object id, the resource's
 * service principal (by app id here) and the role's id. The role id {@link DEFAULT_ACCESS_ROLE_ID} assigns a group to
 * the application without a role ("groups assigned to the application").
 */
export interface AppRoleAssignmentRecord {
  /** Shaped like Graph's: 43 base64url characters. */
  id: string;
  appRoleId: string;
  createdDateTime: string;
  principalId: string;
  principalType: "ServicePrincipal" | "Group";
  resourceAppId: string;
}

/** A managed identity: a service principal without an application registration the customer owns. */
export interface ManagedIdentity {
  kind: "system-assigned" | "user-assigned";
  /** `appid`/`azp` of its tokens, `client_id` in App Service's request. */
  clientId: string;
  /** The service principal's object id: `oid`/`sub` of its tokens, `principal_id` in App Service's request. */
  principalId: string;
  /** The ARM resource id: `xms_mirid` of its tokens, `mi_res_id` in App Service's request. */
  resourceId: string;
}

/** Any service principal of the tenant, as a Graph `servicePrincipals/{id}` lookup sees it. */
export type ServicePrincipal =
  | { kind: "application"; objectId: string; appId: string; displayName: string }
  | { kind: "resource"; objectId: string; appId: string; displayName: string; appIdUri: string }
  | { kind: "managedIdentity"; objectId: string; appId: string; displayName: string; resourceId: string };

/** A registered certificate found by the thumbprint an assertion names, with its public key for verification. */
export interface RegisteredCertificate {
  credential: KeyCredential;
  publicKey: KeyObject;
  thumbprintSha1: string;
  thumbprintSha256: string;
}

interface AppRecord {
  app: AppRegistration;
  certificates: Map<string, { publicKey: KeyObject; thumbprintSha256: string }>; // by keyId
  secretHashes: Map<string, Buffer>; // by keyId
}

/** A client principal that can hold app role assignments: an application or a managed identity. */
interface ClientPrincipal {
  clientId: string;
  objectId: string;
}

/**
 * The tenant's directory: application registrations and their credentials, API resources with app roles, app role
 * assignments, managed identities, groups, users and the tenant's domain names. Seeded from code; the token endpoint,
 * the managed identity endpoint and a Graph stand-in read it. Every getter returns a copy, so callers cannot change
 * the directory behind its back.
 */
export class Directory {
  readonly tenantId: string;
  private readonly now: () => number;
  private readonly domains = new Set<string>();
  private readonly apps = new Map<string, AppRecord>(); // by clientId
  private readonly resources = new Map<string, ApiResource>(); // by appId
  private readonly managedIdentities = new Map<string, ManagedIdentity>(); // by clientId
  /** In assignment order: the order of the `roles` claim. */
  private readonly appRoleAssignments: AppRoleAssignmentRecord[] = [];
  private readonly groups = new Map<string, Group>(); // by id, in creation order
  private readonly users = new Map<string, DirectoryUser>(); // by id (lower case), in creation order
  private readonly armSubscriptionId = randomUUID();

  constructor(options: { tenantId: string; now: () => number }) {
    this.tenantId = options.tenantId;
    this.now = options.now;
    this.registerResource({
      appIdUri: "https://vault.azure.net",
      appId: KEY_VAULT_APP_ID,
      displayName: "Azure Key Vault",
    });
    this.registerResource({
      appIdUri: "https://graph.microsoft.com",
      appId: GRAPH_APP_ID,
      displayName: "Microsoft Graph",
      roles: Object.keys(GRAPH_APP_ROLE_IDS),
    });
    // The audience of managed identity tokens used as federated credentials.
    this.registerResource({
      appIdUri: "api://AzureADTokenExchange",
      displayName: "AAD Token Exchange Endpoint",
    });
    // Azure Monitor: the audience of the tokens Application Insights ingestion takes (Microsoft Entra authentication).
    this.registerResource({ appIdUri: "https://monitor.azure.com", displayName: "Azure Monitor" });
  }

  // --- tenant ---

  /** Lets requests name the tenant by a domain, as `https://login.microsoftonline.com/contoso.onmicrosoft.com`. */
  addTenantDomain(domain: string): void {
    this.domains.add(domain.toLowerCase());
  }

  /** True when `tenant` (the path segment of a request) is this tenant's id or one of its domains. */
  isThisTenant(tenant: string): boolean {
    const name = tenant.toLowerCase();
    return name === this.tenantId.toLowerCase() || this.domains.has(name);
  }

  // --- applications ---

  registerApp(input: { displayName: string; clientId?: string; objectId?: string }): AppRegistration {
    const clientId = input.clientId ?? randomUUID();
    if (this.apps.has(clientId) || this.managedIdentities.has(clientId)) {
      throw new Error(`An application or managed identity with client id ${clientId} already exists`);
    }
    const app: AppRegistration = {
      objectId: input.objectId ?? randomUUID(),
      clientId,
      displayName: input.displayName,
      keyCredentials: [],
      passwordCredentials: [],
      federatedIdentityCredentials: [],
      servicePrincipalObjectId: randomUUID(),
      owners: [],
    };
    this.apps.set(clientId, { app, certificates: new Map(), secretHashes: new Map() });
    return structuredClone(app);
  }

  getApp(clientId: string): AppRegistration | undefined {
    const record = this.apps.get(clientId);
    return record && structuredClone(record.app);
  }

  /** The application whose object id (Graph's `id`) is `objectId`, compared without regard to case (a GUID). */
  findAppByObjectId(objectId: string): AppRegistration | undefined {
    const wanted = objectId.toLowerCase();
    for (const record of this.apps.values()) {
      if (record.app.objectId.toLowerCase() === wanted) return structuredClone(record.app);
    }
    return undefined;
  }

  /** Every application registration, in registration order: what `GET /applications` pages through. */
  listApps(): AppRegistration[] {
    return [...this.apps.values()].map((record) => structuredClone(record.app));
  }

  /**
   * Makes a service principal of the tenant (an application's, a managed identity's) an owner of an application
   * registration (Graph: `POST /applications/{id}/owners/$ref`; `az ad app owner add`).
   */
  addOwner(clientId: string, ownerObjectId: string): void {
    const record = this.requireApp(clientId);
    if (!this.findServicePrincipal(ownerObjectId)) {
      throw new Error(`No service principal with object id ${ownerObjectId} in the directory`);
    }
    if (!record.app.owners.includes(ownerObjectId)) record.app.owners.push(ownerObjectId);
  }

  /** Changes an application's display name (Graph: PATCH `displayName`). */
  renameApp(clientId: string, displayName: string): void {
    this.requireApp(clientId).app.displayName = displayName;
  }

  /** Registers a certificate's public key on an application (Graph: `keyCredentials` / `addKey`). */
  addCertificate(
    clientId: string,
    input: {
      certPem: string;
      startDateTime?: string | Date;
      endDateTime?: string | Date;
      displayName?: string;
    },
  ): KeyCredential {
    const record = this.requireApp(clientId);
    const cert = new X509Certificate(input.certPem);
    const thumbprintSha1 = thumbprintOf(cert.raw, "sha1");
    const thumbprintSha256 = thumbprintOf(cert.raw, "sha256");
    if (record.app.keyCredentials.some((k) => k.customKeyIdentifier === thumbprintSha1)) {
      throw new Error(`Certificate ${thumbprintSha1} is already registered on application ${clientId}`);
    }
    const startDateTime = toIso(input.startDateTime ?? cert.validFromDate);
    const endDateTime = toIso(input.endDateTime ?? cert.validToDate);
    if (Date.parse(endDateTime) <= Date.parse(startDateTime)) {
      throw new Error(`endDateTime ${endDateTime} must be after startDateTime ${startDateTime}`);
    }
    const credential: KeyCredential = {
      keyId: randomUUID(),
      customKeyIdentifier: thumbprintSha1,
      type: "AsymmetricX509Cert",
      usage: "Verify",
      key: cert.raw.toString("base64"),
      startDateTime,
      endDateTime,
      displayName: input.displayName ?? cert.subject.split("\n").reverse().join(", "),
    };
    record.app.keyCredentials.push(credential);
    record.certificates.set(credential.keyId, { publicKey: cert.publicKey, thumbprintSha256 });
    return structuredClone(credential);
  }

  /** Adds a client secret (Graph: `addPassword`). The secret is returned once and stored only as a hash. */
  addClientSecret(
    clientId: string,
    input: {
      secretText?: string;
      startDateTime?: string | Date;
      endDateTime?: string | Date;
      displayName?: string;
    } = {},
  ): NewPasswordCredential {
    const record = this.requireApp(clientId);
    const secretText = input.secretText ?? generateSecret();
    recordSecret("client-secret", secretText);
    const start = input.startDateTime ? toIso(input.startDateTime) : new Date(this.now()).toISOString();
    // Graph's addPassword default lifetime is two years.
    const end = input.endDateTime
      ? toIso(input.endDateTime)
      : new Date(Date.parse(start) + 730 * DAY_MS).toISOString();
    const credential: PasswordCredential = {
      keyId: randomUUID(),
      hint: secretText.slice(0, 3),
      displayName: input.displayName ?? "",
      startDateTime: start,
      endDateTime: end,
    };
    record.app.passwordCredentials.push(credential);
    record.secretHashes.set(credential.keyId, sha256(secretText));
    return { ...structuredClone(credential), secretText };
  }

  /** Removes a certificate or a client secret by its keyId (Graph: `removeKey` / `removePassword`). */
  removeKey(clientId: string, keyId: string): void {
    const record = this.requireApp(clientId);
    const before = record.app.keyCredentials.length + record.app.passwordCredentials.length;
    record.app.keyCredentials = record.app.keyCredentials.filter((k) => k.keyId !== keyId);
    record.app.passwordCredentials = record.app.passwordCredentials.filter((k) => k.keyId !== keyId);
    record.certificates.delete(keyId);
    record.secretHashes.delete(keyId);
    if (record.app.keyCredentials.length + record.app.passwordCredentials.length === before) {
      throw new Error(`No key with keyId ${keyId} on application ${clientId}`);
    }
  }

  addFederatedCredential(
    clientId: string,
    input: { issuer: string; subject: string; audiences: string[]; name?: string; description?: string },
  ): FederatedIdentityCredential {
    const record = this.requireApp(clientId);
    const credential: FederatedIdentityCredential = {
      id: randomUUID(),
      name: input.name ?? `federated-${record.app.federatedIdentityCredentials.length + 1}`,
      issuer: input.issuer,
      subject: input.subject,
      audiences: [...input.audiences],
      description: input.description ?? "",
    };
    record.app.federatedIdentityCredentials.push(credential);
    return structuredClone(credential);
  }

  /** The registered certificate an assertion's `x5t#S256` (preferred) or `x5t` names, in hex. */
  findCertificate(
    clientId: string,
    thumbprint: { sha256?: string; sha1?: string },
  ): RegisteredCertificate | undefined {
    const record = this.apps.get(clientId);
    if (!record) return undefined;
    for (const credential of record.app.keyCredentials) {
      const registered = record.certificates.get(credential.keyId);
      if (!registered) continue;
      const matches = thumbprint.sha256
        ? registered.thumbprintSha256 === thumbprint.sha256.toUpperCase()
        : credential.customKeyIdentifier === thumbprint.sha1?.toUpperCase();
      if (matches) {
        return {
          credential: structuredClone(credential),
          publicKey: registered.publicKey,
          thumbprintSha1: credential.customKeyIdentifier,
          thumbprintSha256: registered.thumbprintSha256,
        };
      }
    }
    return undefined;
  }

  /** Every certificate registered on the application, with its public key, in registration order. */
  registeredCertificates(clientId: string): RegisteredCertificate[] {
    const record = this.apps.get(clientId);
    if (!record) return [];
    return record.app.keyCredentials.flatMap((credential) => {
      const registered = record.certificates.get(credential.keyId);
      if (!registered) return [];
      return [
        {
          credential: structuredClone(credential),
          publicKey: registered.publicKey,
          thumbprintSha1: credential.customKeyIdentifier,
          thumbprintSha256: registered.thumbprintSha256,
        },
      ];
    });
  }

  /** Checks a client secret: valid (matches a current secret), expired (matches only expired ones) or invalid. */
  checkClientSecret(clientId: string, secretText: string, nowMs: number): "valid" | "expired" | "invalid" {
    const record = this.apps.get(clientId);
    if (!record) return "invalid";
    const presented = sha256(secretText);
    let expired = false;
    for (const credential of record.app.passwordCredentials) {
      const hash = record.secretHashes.get(credential.keyId);
      if (!hash || !timingSafeEqual(hash, presented)) continue;
      if (Date.parse(credential.endDateTime) <= nowMs) expired = true;
      else if (Date.parse(credential.startDateTime) <= nowMs) return "valid";
    }
    return expired ? "expired" : "invalid";
  }

  // --- resources and app roles ---

  /**
   * Registers an API (a resource principal) with app roles that can be assigned to applications. Registering an
   * application ID URI again adds the roles it does not define yet (so a scenario can add roles to Graph).
   */
  registerResource(input: {
    appIdUri: string;
    appId?: string;
    roles?: string[];
    displayName?: string;
    groupMembershipClaims?: GroupMembershipClaims;
  }): ApiResource {
    const appIdUri = stripTrailingSlash(input.appIdUri);
    const existing = [...this.resources.values()].find(
      (r) => r.appIdUri.toLowerCase() === appIdUri.toLowerCase(),
    );
    const appId = existing?.appId ?? input.appId ?? randomUUID();
    // Microsoft Graph's app roles keep their published ids: tools grant them by id.
    const newRole = (value: string): AppRole => ({
      id: (appId === GRAPH_APP_ID ? GRAPH_APP_ROLE_IDS[value] : undefined) ?? randomUUID(),
      value,
      displayName: value,
      allowedMemberTypes: ["Application"],
      isEnabled: true,
    });
    if (existing) {
      if (input.appId !== undefined && input.appId !== existing.appId) {
        throw new Error(
          `Resource ${appIdUri} already exists with app id ${existing.appId}, not ${input.appId}`,
        );
      }
      for (const value of input.roles ?? []) {
        if (!existing.appRoles.some((role) => role.value === value)) existing.appRoles.push(newRole(value));
      }
      if (input.groupMembershipClaims) existing.groupMembershipClaims = input.groupMembershipClaims;
      return structuredClone(existing);
    }
    const resource: ApiResource = {
      appId,
      appIdUri,
      displayName: input.displayName ?? appIdUri,
      servicePrincipalObjectId: randomUUID(),
      appRoles: (input.roles ?? []).map(newRole),
      groupMembershipClaims: input.groupMembershipClaims ?? "None",
    };
    this.resources.set(resource.appId, resource);
    return structuredClone(resource);
  }

  /** The resource a scope names, by application ID URI (with or without a trailing slash) or by app id. */
  findResource(identifier: string): ApiResource | undefined {
    const wanted = stripTrailingSlash(identifier).toLowerCase();
    for (const resource of this.resources.values()) {
      if (resource.appIdUri.toLowerCase() === wanted || resource.appId.toLowerCase() === wanted) {
        return structuredClone(resource);
      }
    }
    return undefined;
  }

  /**
   * Grants app roles of a resource to an application's (or a managed identity's) service principal, as an admin
   * consenting to application permissions does. They appear in the `roles` claim of its tokens for that resource.
   */
  assignRoles(clientId: string, resourceIdentifier: string, roles: string[]): void {
    const principal = this.requirePrincipal(clientId);
    const resource = this.findResource(resourceIdentifier);
    if (!resource)
      throw new Error(`No resource ${resourceIdentifier} in the directory; registerResource it first`);
    const unknown = roles.filter((role) => !resource.appRoles.some((r) => r.value === role));
    if (unknown.length > 0) {
      throw new Error(`Resource ${resource.appIdUri} defines no app role ${unknown.join(", ")}`);
    }
    for (const role of roles) {
      const appRoleId = resource.appRoles.find((r) => r.value === role)?.id ?? "";
      if (!this.findAppRoleAssignment(principal.objectId, resource.appId, appRoleId)) {
        this.grantAppRole({ principalId: principal.objectId, resourceAppId: resource.appId, appRoleId });
      }
    }
  }

  /**
   * The app role values of `resourceAppId` assigned directly to the principal, in assignment order: the `roles`
   * claim. Roles assigned to a group the principal is in do not count: "if you add a service principal to a group,
   * and then assign an app role to that group, Microsoft Entra ID doesn't add the roles claim to tokens it issues"
   * (https://learn.microsoft.com/entra/identity-platform/howto-add-app-roles-in-apps).
   */
  rolesFor(clientId: string, resourceAppId: string): string[] {
    const objectId =
      this.apps.get(clientId)?.app.servicePrincipalObjectId ??
      this.managedIdentities.get(clientId)?.principalId;
    const resource = this.resources.get(resourceAppId);
    if (!objectId || !resource) return [];
    return this.appRoleAssignments.flatMap((a) => {
      if (a.principalId !== objectId || a.resourceAppId !== resourceAppId) return [];
      const role = resource.appRoles.find((r) => r.id === a.appRoleId);
      return role ? [role.value] : [];
    });
  }

  /**
   * Records an app role assignment (Graph: `POST /servicePrincipals/{resource}/appRoleAssignedTo`). The principal is
   * a service principal or a group; the role one the resource defines, or {@link DEFAULT_ACCESS_ROLE_ID}. Throws on a
   * duplicate: Graph's callers check first (the Graph stand-in answers as Graph does).
   */
  grantAppRole(input: {
    principalId: string;
    resourceAppId: string;
    appRoleId: string;
  }): AppRoleAssignmentRecord {
    const resource = this.resources.get(input.resourceAppId);
    if (!resource) throw new Error(`No resource with app id ${input.resourceAppId} in the directory`);
    const principalType = this.groups.has(input.principalId.toLowerCase())
      ? "Group"
      : this.findServicePrincipal(input.principalId)
        ? "ServicePrincipal"
        : null;
    if (!principalType)
      throw new Error(`No service principal or group ${input.principalId} in the directory`);
    if (
      input.appRoleId !== DEFAULT_ACCESS_ROLE_ID &&
      !resource.appRoles.some((r) => r.id === input.appRoleId)
    ) {
      throw new Error(`Resource ${resource.appIdUri} defines no app role with id ${input.appRoleId}`);
    }
    if (this.findAppRoleAssignment(input.principalId, input.resourceAppId, input.appRoleId)) {
      throw new Error(`App role ${input.appRoleId} is already assigned to ${input.principalId}`);
    }
    const record: AppRoleAssignmentRecord = {
      id: randomBytes(32).toString("base64url").slice(0, 43),
      appRoleId: input.appRoleId,
      createdDateTime: new Date(this.now()).toISOString(),
      principalId: input.principalId,
      principalType,
      resourceAppId: input.resourceAppId,
    };
    this.appRoleAssignments.push(record);
    return { ...record };
  }

  /** The assignment of `appRoleId` of the resource to the principal, if there is one. */
  findAppRoleAssignment(
    principalId: string,
    resourceAppId: string,
    appRoleId: string,
  ): AppRoleAssignmentRecord | undefined {
    const found = this.appRoleAssignments.find(
      (a) =>
        a.principalId.toLowerCase() === principalId.toLowerCase() &&
        a.resourceAppId === resourceAppId &&
        a.appRoleId.toLowerCase() === appRoleId.toLowerCase(),
    );
    return found && { ...found };
  }

  /** Every app role assignment to the resource (Graph: its `appRoleAssignedTo`), in assignment order. */
  appRoleAssignmentsTo(resourceAppId: string): AppRoleAssignmentRecord[] {
    return this.appRoleAssignments.filter((a) => a.resourceAppId === resourceAppId).map((a) => ({ ...a }));
  }

  // --- groups ---

  /** Creates a group; a security group unless `securityEnabled` is false (then a mail-enabled distribution list). */
  addGroup(input: { displayName: string; id?: string; securityEnabled?: boolean }): Group {
    // Ids are GUIDs, compared without regard to case: kept in lower case.
    const id = (input.id ?? randomUUID()).toLowerCase();
    if (this.groups.has(id) || this.users.has(id) || this.findServicePrincipal(id)) {
      throw new Error(`An object with id ${id} already exists in the directory`);
    }
    const securityEnabled = input.securityEnabled ?? true;
    const group: Group = {
      id,
      displayName: input.displayName,
      securityEnabled,
      mailEnabled: !securityEnabled,
      members: [],
    };
    this.groups.set(id, group);
    return structuredClone(group);
  }

  /** The group with this id (compared without regard to case). */
  getGroup(id: string): Group | undefined {
    const group = this.groups.get(id.toLowerCase());
    return group && structuredClone(group);
  }

  /** Adds a service principal or another group (nesting) to a group; adding a member twice changes nothing. */
  addGroupMember(groupId: string, memberObjectId: string): void {
    const group = this.groups.get(groupId.toLowerCase());
    if (!group) throw new Error(`No group ${groupId} in the directory`);
    const member =
      this.groups.get(memberObjectId.toLowerCase())?.id ??
      this.findServicePrincipal(memberObjectId)?.objectId;
    if (!member) throw new Error(`No service principal or group ${memberObjectId} in the directory`);
    if (member === group.id || this.memberOf(group.id, true).includes(member)) {
      throw new Error(`Adding ${memberObjectId} to group ${groupId} would make a membership cycle`);
    }
    if (!group.members.includes(member)) group.members.push(member);
  }

  /**
   * The ids of the groups an access token for `resourceAppId` names in `groups` for the principal, by the resource's
   * `groupMembershipClaims` (see {@link GroupMembershipClaims}): nested memberships count ("Group claims in tokens
   * include nested groups, except when you're using the option to restrict the group claims to groups that are
   * assigned to the application", https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-fed-group-claims).
   * Always object ids: "Group optional claims are only emitted in the JWT for user principals. Service principals
   * aren't included in group optional claims" (optional-claims#configure-groups-optional-claims), so the on-premises
   * name formats and `emit_as_roles` never apply to an app-only token. In directory order.
   */
  groupsClaimFor(principalObjectId: string, resourceAppId: string): string[] {
    const setting = this.resources.get(resourceAppId)?.groupMembershipClaims ?? "None";
    if (setting === "None" || setting === "DirectoryRole") return [];
    if (setting === "ApplicationGroup") {
      const assigned = new Set(
        this.appRoleAssignments
          .filter((a) => a.resourceAppId === resourceAppId && a.principalType === "Group")
          .map((a) => a.principalId),
      );
      return this.memberOf(principalObjectId, false).filter((id) => assigned.has(id));
    }
    return this.memberOf(principalObjectId, true).filter(
      (id) => setting === "All" || this.groups.get(id)?.securityEnabled === true,
    );
  }

  /** The groups `objectId` is a member of, directly or (`transitive`) through other groups, in directory order. */
  private memberOf(objectId: string, transitive: boolean): string[] {
    const found = new Set<string>();
    let frontier = [objectId];
    while (frontier.length > 0) {
      const next: string[] = [];
      for (const group of this.groups.values()) {
        if (!found.has(group.id) && frontier.some((id) => group.members.includes(id))) {
          found.add(group.id);
          next.push(group.id);
        }
      }
      frontier = transitive ? next : [];
    }
    return [...this.groups.keys()].filter((id) => found.has(id));
  }

  // --- users ---

  /**
   * Adds a user (Graph: `POST /users`). Ids are GUIDs, kept in lower case; the user principal name must be
   * `name@domain` and not taken (compared without regard to case, as Entra ID does).
   */
  addUser(input: NewDirectoryUser): DirectoryUser {
    const id = (input.id ?? randomUUID()).toLowerCase();
    if (this.users.has(id) || this.groups.has(id) || this.findServicePrincipal(id)) {
      throw new Error(`An object with id ${id} already exists in the directory`);
    }
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(input.userPrincipalName)) {
      throw new Error(`userPrincipalName must be name@domain, not '${input.userPrincipalName}'`);
    }
    const upn = input.userPrincipalName.toLowerCase();
    if ([...this.users.values()].some((u) => u.userPrincipalName.toLowerCase() === upn)) {
      throw new Error(`A user with userPrincipalName ${input.userPrincipalName} already exists`);
    }
    const user: DirectoryUser = {
      id,
      userPrincipalName: input.userPrincipalName,
      displayName: input.displayName,
      givenName: input.givenName ?? null,
      surname: input.surname ?? null,
      mail: input.mail ?? null,
      jobTitle: input.jobTitle ?? null,
      accountEnabled: input.accountEnabled ?? true,
    };
    this.users.set(id, user);
    return { ...user };
  }

  /** Every user, in creation order: what `GET /users` pages through. */
  listUsers(): DirectoryUser[] {
    return [...this.users.values()].map((user) => ({ ...user }));
  }

  // --- managed identities ---

  addManagedIdentity(input: {
    kind: ManagedIdentity["kind"];
    name: string;
    clientId?: string;
    principalId?: string;
  }): ManagedIdentity {
    const clientId = input.clientId ?? randomUUID();
    if (this.apps.has(clientId) || this.managedIdentities.has(clientId)) {
      throw new Error(`An application or managed identity with client id ${clientId} already exists`);
    }
    const group = `/subscriptions/${this.armSubscriptionId}/resourcegroups/m2m-functions-dev/providers`;
    const identity: ManagedIdentity = {
      kind: input.kind,
      clientId,
      principalId: input.principalId ?? randomUUID(),
      resourceId:
        input.kind === "system-assigned"
          ? `${group}/Microsoft.Web/sites/${input.name}`
          : `${group}/Microsoft.ManagedIdentity/userAssignedIdentities/${input.name}`,
    };
    this.managedIdentities.set(clientId, identity);
    return { ...identity };
  }

  /** The managed identity App Service's query names: by `client_id`, `principal_id`/`object_id` or `mi_res_id`. */
  findManagedIdentity(by: {
    clientId?: string;
    principalId?: string;
    resourceId?: string;
  }): ManagedIdentity | undefined {
    for (const identity of this.managedIdentities.values()) {
      if (
        (by.clientId !== undefined && identity.clientId.toLowerCase() === by.clientId.toLowerCase()) ||
        (by.principalId !== undefined &&
          identity.principalId.toLowerCase() === by.principalId.toLowerCase()) ||
        (by.resourceId !== undefined && identity.resourceId.toLowerCase() === by.resourceId.toLowerCase())
      ) {
        return { ...identity };
      }
    }
    return undefined;
  }

  // --- service principals (for Graph lookups) ---

  /**
   * Any service principal by object id (compared without regard to case: a GUID): an application's, a resource's or
   * a managed identity's.
   */
  findServicePrincipal(objectId: string): ServicePrincipal | undefined {
    const wanted = objectId.toLowerCase();
    return this.listServicePrincipals().find((sp) => sp.objectId.toLowerCase() === wanted);
  }

  /** Every service principal of the tenant: applications', then resources', then managed identities'. */
  listServicePrincipals(): ServicePrincipal[] {
    return [
      ...[...this.apps.values()].map(({ app }): ServicePrincipal => ({
        kind: "application",
        objectId: app.servicePrincipalObjectId,
        appId: app.clientId,
        displayName: app.displayName,
      })),
      ...[...this.resources.values()].map(
        ({ servicePrincipalObjectId, appId, displayName, appIdUri }): ServicePrincipal => ({
          kind: "resource",
          objectId: servicePrincipalObjectId,
          appId,
          displayName,
          appIdUri,
        }),
      ),
      ...[...this.managedIdentities.values()].map((identity): ServicePrincipal => ({
        kind: "managedIdentity",
        objectId: identity.principalId,
        appId: identity.clientId,
        displayName: identity.resourceId.split("/").at(-1) ?? identity.clientId,
        resourceId: identity.resourceId,
      })),
    ];
  }

  private requireApp(clientId: string): AppRecord {
    const record = this.apps.get(clientId);
    if (!record) throw new Error(`No application with client id ${clientId} in the directory`);
    return record;
  }

  private requirePrincipal(clientId: string): ClientPrincipal {
    const app = this.apps.get(clientId)?.app;
    if (app) return { clientId, objectId: app.servicePrincipalObjectId };
    const identity = this.managedIdentities.get(clientId);
    if (identity) return { clientId, objectId: identity.principalId };
    throw new Error(`No application or managed identity with client id ${clientId} in the directory`);
  }
}

/** Azure Key Vault's first-party application id. */
export const KEY_VAULT_APP_ID = "cfa8b339-82a2-471a-a3c9-0fc0be7a4093";
/** Microsoft Graph's first-party application id. */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/**
 * The Microsoft Graph application permissions the stand-in defines, with their published ids
 * (https://learn.microsoft.com/graph/permissions-reference): what `m2m app grant`-like tools assign by id.
 */
export const GRAPH_APP_ROLE_IDS: Readonly<Record<string, string>> = {
  "Application.ReadWrite.OwnedBy": "18a4783c-866b-4cc7-a460-3d5e5662c884",
  "Application.ReadWrite.All": "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
  "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
  "AppRoleAssignment.ReadWrite.All": "06b708a9-e830-4db3-a914-8e69da51d44f",
  "Directory.Read.All": "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
  "Directory.ReadWrite.All": "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
  "User.Read.All": "df021288-bdef-4463-88db-98f22de89214",
  "User.ReadWrite.All": "741f803b-c850-494e-b5df-cde7c675a1ca",
  "User.ReadBasic.All": "97235f07-e226-4f63-ace3-39588e11d3a1",
};

/**
 * The role id that assigns a principal to an application without an app role ("Default Access"): Graph's
 * `appRoleId` of `00000000-0000-0000-0000-000000000000` (https://learn.microsoft.com/graph/api/resources/approleassignment).
 */
export const DEFAULT_ACCESS_ROLE_ID = "00000000-0000-0000-0000-000000000000";

function thumbprintOf(der: Buffer, algorithm: "sha1" | "sha256"): string {
  return createHash(algorithm).update(der).digest("hex").toUpperCase();
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

function toIso(value: string | Date): string {
  const date = typeof value === "string" ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new Error(`Not a date: ${String(value)}`);
  return date.toISOString();
}

function stripTrailingSlash(value: string): string {
  return value.replace(/\/+$/, "");
}

/** 40 characters shaped like portal-generated secrets: three characters, "8Q~", then 34 more. */
function generateSecret(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
  const chars = [...randomBytes(38)].map((byte) => alphabet[byte % alphabet.length] ?? "x");
  return `${chars.slice(0, 3).join("")}8Q~${chars.slice(3, 37).join("")}`;
}
