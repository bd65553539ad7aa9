import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { issueServerTls } from "../pki/serverTls.js";
import { recordSecret } from "../secrets/recordSecret.js";
import {
  Directory,
  type ApiResource,
  type AppRegistration,
  type DirectoryUser,
  type FederatedIdentityCredential,
  type Group,
  type GroupMembershipClaims,
  type KeyCredential,
  type ManagedIdentity,
  type NewDirectoryUser,
  type NewPasswordCredential,
  type ServicePrincipal,
} from "./Directory.js";
import { createRequestHandler, type RequestLog } from "./createRequestHandler.js";
import { createGraphFaultQueue, type GraphFaultScript } from "./GraphFault.js";
import { createIdentityFaultQueue, type IdentityFaultScript } from "./IdentityFault.js";
import { createTokenFaultQueue, type TokenFaultScript } from "./TokenFault.js";
import type { GraphRequestRecord } from "./graphEndpoint.js";
import type { ManagedIdentityRequestRecord } from "./managedIdentityEndpoint.js";
import { openIdConfiguration, type OpenIdConfiguration } from "./openIdConfiguration.js";
import { PageTokens } from "./PageTokens.js";
import { ReplayLedger } from "./ReplayLedger.js";
import { SigningKeys } from "./SigningKeys.js";
import type { TokenRequestRecord } from "./tokenEndpoint.js";

export type { TokenRequestRecord } from "./tokenEndpoint.js";
export type { ManagedIdentityRequestRecord } from "./managedIdentityEndpoint.js";
export type { GraphRequestRecord } from "./graphEndpoint.js";
export type { GraphFault, GraphFaultScript } from "./GraphFault.js";
export type { TokenFault, TokenFaultScript } from "./TokenFault.js";
export type { IdentityFault, IdentityFaultScript } from "./IdentityFault.js";

export interface EntraStandInOptions {
  /** 0 (default) picks a free port. The server listens on 127.0.0.1. */
  port?: number;
  /** The clock, in ms since the epoch (default Date.now): token times and assertion checks use it. */
  now?: () => number;
  /** Lifetime of app tokens from the token endpoint (default 3600). */
  tokenLifetimeSeconds?: number;
  /** `refresh_in` of app tokens (default: none): MSAL asks for a new one after this, while the old is valid. */
  tokenRefreshInSeconds?: number;
  /** Lifetime of managed identity tokens (default 86400, as App Service's). */
  managedIdentityTokenLifetimeSeconds?: number;
  /** Tolerated clock difference for client assertions' and Graph key proofs' `nbf` and `exp` (default 30). */
  clockToleranceSeconds?: number;
  /** The tenant id (a GUID, generated when absent). */
  tenantId?: string;
  /**
   * Reject a client assertion whose `jti` was accepted before (default false). Entra ID does not do this, and MSAL
   * reuses one signed assertion for its 10-minute lifetime, so turn it on only to test a hand-made assertion.
   */
  rejectReplayedAssertions?: boolean;
}

/** A managed identity as the app sees it in App Service: its endpoint, its header value and its ids. */
export interface ManagedIdentityEnvironment extends ManagedIdentity {
  /** The value of IDENTITY_ENDPOINT. */
  endpoint: string;
  /** The value of IDENTITY_HEADER. */
  header: string;
}

/** A running Entra ID stand-in: a tenant with its directory, token endpoint, keys and a managed identity. */
export interface EntraStandIn {
  /** `https://127.0.0.1:PORT`: MSAL's `knownAuthorities` entry is its host (with the port). */
  readonly authorityHost: string;
  readonly tenantId: string;
  /** `${authorityHost}/${tenantId}`. */
  readonly authority: string;
  /** `${authority}/v2.0`: the `iss` of every token. */
  readonly issuer: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  /**
   * `${authorityHost}/v1.0`: Microsoft Graph's `applications` (the paged list, get, PATCH, addKey, removeKey, owners,
   * federatedIdentityCredentials), `servicePrincipals` (get, list by `$filter`, appRoleAssignedTo) and `users` (the
   * paged list) on this directory. Callers use a token of this stand-in for the scope `https://graph.microsoft.com/.default`.
   */
  readonly graphBaseUrl: string;
  /** The v2.0 discovery document, for MSAL's `authorityMetadata` (as JSON). */
  readonly metadata: OpenIdConfiguration;
  /** The tenant's directory, for other stand-ins (Graph) that read or change applications. */
  readonly directory: Directory;
  /** The Function app's system-assigned identity. */
  readonly managedIdentity: ManagedIdentityEnvironment;

  registerApp(input: { displayName: string; clientId?: string; objectId?: string }): AppRegistration;
  getApp(clientId: string): AppRegistration | undefined;
  findAppByObjectId(objectId: string): AppRegistration | undefined;
  findServicePrincipal(objectId: string): ServicePrincipal | undefined;
  addCertificate(
    clientId: string,
    input: {
      certPem: string;
      startDateTime?: string | Date;
      endDateTime?: string | Date;
      displayName?: string;
    },
  ): KeyCredential;
  addClientSecret(
    clientId: string,
    input?: {
      secretText?: string;
      startDateTime?: string | Date;
      endDateTime?: string | Date;
      displayName?: string;
    },
  ): NewPasswordCredential;
  removeKey(clientId: string, keyId: string): void;
  addFederatedCredential(
    clientId: string,
    input: { issuer: string; subject: string; audiences: string[]; name?: string },
  ): FederatedIdentityCredential;
  registerResource(input: {
    appIdUri: string;
    appId?: string;
    roles?: string[];
    displayName?: string;
    /** The API application's manifest setting for the `groups` claim of its tokens (default "None"). */
    groupMembershipClaims?: GroupMembershipClaims;
  }): ApiResource;
  assignRoles(clientId: string, appIdUri: string, roles: string[]): void;
  /** Creates a security group (or, with `securityEnabled: false`, a distribution list). */
  addGroup(input: { displayName: string; id?: string; securityEnabled?: boolean }): Group;
  /** Adds a service principal or a group (by object id) to a group. */
  addGroupMember(groupId: string, memberObjectId: string): void;
  /** Adds a user (what Graph's `GET /users` lists); the id is generated when absent. */
  addUser(input: NewDirectoryUser): DirectoryUser;
  /** Makes a service principal (by object id) an owner of the application registration `clientId`. */
  addOwner(clientId: string, ownerObjectId: string): void;
  addTenantDomain(domain: string): void;
  /** Adds a user-assigned identity; select it with `client_id`, `principal_id` or `mi_res_id`. */
  addUserAssignedIdentity(name?: string): ManagedIdentity;
  /** Signs new tokens with a new key, listed first in the JWKS; older keys stay listed. Returns the new kid. */
  rotateSigningKey(): Promise<string>;

  /** Token endpoint requests since start or the last resetCounters(), oldest first. */
  readonly tokenRequests: readonly TokenRequestRecord[];
  readonly managedIdentityRequests: readonly ManagedIdentityRequestRecord[];
  /** Graph requests, oldest first, with the caller's appid and the status. */
  readonly graphRequests: readonly GraphRequestRecord[];
  /** Faults for the next Graph requests: `graphFaults.enqueue({ kind: "throttle", retryAfter: "2" })`. */
  readonly graphFaults: GraphFaultScript;
  /** Faults for the next token requests: `tokenFaults.enqueue({ kind: "status", status: 503 })`. */
  readonly tokenFaults: TokenFaultScript;
  /** Faults for the next managed identity requests: `identityFaults.enqueue({ kind: "hang" })`. */
  readonly identityFaults: IdentityFaultScript;
  /** Requests for a discovery document (v1 or v2). */
  readonly metadataRequests: number;
  readonly jwksRequests: number;
  resetCounters(): void;
  /** Closes the server and every open (keep-alive) connection. */
  stop(): Promise<void>;
}

/** Starts the Entra ID stand-in over HTTPS (dev CA) on 127.0.0.1. */
export async function startEntraStandIn(options: EntraStandInOptions = {}): Promise<EntraStandIn> {
  const now = options.now ?? Date.now;
  const tenantId = options.tenantId ?? randomUUID();
  const directory = new Directory({ tenantId, now });
  const [tls, signingKeys] = await Promise.all([issueServerTls(), SigningKeys.create()]);
  const systemAssigned = directory.addManagedIdentity({ kind: "system-assigned", name: "m2m-functions" });
  const identityHeader = randomUUID();
  recordSecret("managed-identity-header", identityHeader);
  const graphFaults = createGraphFaultQueue();
  const tokenFaults = createTokenFaultQueue();
  const identityFaults = createIdentityFaultQueue();
  const log: RequestLog = {
    tokenRequests: [],
    managedIdentityRequests: [],
    metadataRequests: 0,
    jwksRequests: 0,
    graphRequests: [],
  };

  // The routes need the port, known once the server listens; nothing can connect before that.
  let handler: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) =>
    void response.writeHead(503).end();
  const server = createServer({ cert: tls.cert, key: tls.key }, (request, response) =>
    handler(request, response),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });

  const authorityHost = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const metadata = openIdConfiguration(authorityHost, tenantId, "v2");
  const common = { tenantId, directory, signingKeys, now, issuer: metadata.issuer };
  const graphBaseUrl = `${authorityHost}/v1.0`;
  const clockToleranceSeconds = options.clockToleranceSeconds ?? 30;
  handler = createRequestHandler({
    authorityHost,
    tenantId,
    directory,
    signingKeys,
    now,
    token: {
      ...common,
      authorityHost,
      tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
      ...(options.tokenRefreshInSeconds ? { tokenRefreshInSeconds: options.tokenRefreshInSeconds } : {}),
      clockToleranceSeconds,
      replayLedger: options.rejectReplayedAssertions ? new ReplayLedger() : null,
    },
    managedIdentity: {
      ...common,
      identityHeader,
      systemAssigned,
      tokenLifetimeSeconds: options.managedIdentityTokenLifetimeSeconds ?? 86_400,
    },
    graph: { ...common, graphBaseUrl, clockToleranceSeconds, pageTokens: new PageTokens() },
    graphFaults,
    tokenFaults,
    identityFaults,
    managedIdentityPath: MANAGED_IDENTITY_PATH,
    log,
  });
  let userAssignedCount = 0;

  return {
    authorityHost,
    tenantId,
    authority: `${authorityHost}/${tenantId}`,
    issuer: metadata.issuer,
    jwksUri: metadata.jwks_uri,
    tokenEndpoint: metadata.token_endpoint,
    graphBaseUrl,
    metadata,
    directory,
    managedIdentity: {
      ...systemAssigned,
      endpoint: `${authorityHost}${MANAGED_IDENTITY_PATH}`,
      header: identityHeader,
    },
    registerApp: (input) => directory.registerApp(input),
    getApp: (clientId) => directory.getApp(clientId),
    findAppByObjectId: (objectId) => directory.findAppByObjectId(objectId),
    findServicePrincipal: (objectId) => directory.findServicePrincipal(objectId),
    addCertificate: (clientId, input) => directory.addCertificate(clientId, input),
    addClientSecret: (clientId, input) => directory.addClientSecret(clientId, input),
    removeKey: (clientId, keyId) => directory.removeKey(clientId, keyId),
    addFederatedCredential: (clientId, input) => directory.addFederatedCredential(clientId, input),
    registerResource: (input) => directory.registerResource(input),
    assignRoles: (clientId, appIdUri, roles) => directory.assignRoles(clientId, appIdUri, roles),
    addGroup: (input) => directory.addGroup(input),
    addGroupMember: (groupId, memberObjectId) => directory.addGroupMember(groupId, memberObjectId),
    addUser: (input) => directory.addUser(input),
    addOwner: (clientId, ownerObjectId) => directory.addOwner(clientId, ownerObjectId),
    addTenantDomain: (domain) => directory.addTenantDomain(domain),
    addUserAssignedIdentity: (name) =>
      directory.addManagedIdentity({
        kind: "user-assigned",
        name: name ?? `m2m-identity-${++userAssignedCount}`,
      }),
    rotateSigningKey: () => signingKeys.rotate(),
    tokenRequests: log.tokenRequests,
    managedIdentityRequests: log.managedIdentityRequests,
    graphRequests: log.graphRequests,
    graphFaults,
    tokenFaults,
    identityFaults,
    get metadataRequests() {
      return log.metadataRequests;
    },
    get jwksRequests() {
      return log.jwksRequests;
    },
    resetCounters() {
      log.tokenRequests.length = 0;
      log.managedIdentityRequests.length = 0;
      log.graphRequests.length = 0;
      log.metadataRequests = 0;
      log.jwksRequests = 0;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Where IDENTITY_ENDPOINT points (App Service's is `http://127.0.0.1:<port>/msi/token`). */
const MANAGED_IDENTITY_PATH = "/msi/token";
