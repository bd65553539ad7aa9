import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { issueServerTls } from "../pki/serverTls.js";
import { createTokenVerifier, KEY_VAULT_AUDIENCE, type Caller } from "./createTokenVerifier.js";
import { rolesGrant, type KeyVaultRole } from "./builtInRoles.js";
import { createVaultStore, type CreateCompletion } from "./createVaultStore.js";
import { dataActionFor } from "./dataActionFor.js";
import { createIssuerStore } from "./issuerStore.js";
import { answerVaultFault } from "./answerVaultFault.js";
import { KeyVaultError } from "./KeyVaultError.js";
import { routeRequest } from "./routeRequest.js";
import { createVaultFaultQueue, type VaultFault, type VaultFaultScript } from "./VaultFault.js";

export type { VaultFault, VaultFaultScript } from "./VaultFault.js";

export interface KeyVaultStandInOptions {
  /** The Entra ID (stand-in) authority host, named in the 401 challenge: `<authorityHost>/<tenantId>`. */
  authorityHost: string;
  tenantId: string;
  /** Where the token issuer's signing keys are (HTTPS). Fetched on first use, again on an unknown `kid`. */
  jwksUri: string;
  /** The `iss` every accepted token must carry. */
  issuer: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** Milliseconds since the epoch; drives token lifetime checks, timestamps and createDelayMs. */
  now?: () => number;
  /**
   * Object ids (`oid`) allowed every data action (as with Key Vault Administrator). With this or `roleAssignments`
   * set, the vault uses Azure RBAC: a caller whose roles do not grant a request's data action gets 403
   * ForbiddenByRbac.
   */
  allowedPrincipals?: string[];
  /** Built-in roles per object id (`oid`); each grants only its data actions (see builtInRoles.ts). */
  roleAssignments?: Record<string, readonly KeyVaultRole[]>;
  /**
   * How long a create the vault issues itself (issuer Self, or an issuer object of a partnered CA) stays inProgress
   * (on the `now` clock), with `createCompletion` "after-delay". 0: completed on the first read.
   */
  createDelayMs?: number;
  /** When such a create completes; default "after-delay". The other modes provoke races (see CreateCompletion). */
  createCompletion?: CreateCompletion;
}

/** Options of {@link KeyVaultStandIn.setIssuer}: what SetCertificateIssuer takes. */
export interface IssuerOptions {
  /** The CA: "DigiCert" and "GlobalSign" are partnered (the stand-in issues for them); others wait for a merge. */
  provider: string;
  accountId?: string;
  /** Kept, never served (the service never returns it). */
  password?: string;
  organizationId?: string;
}

/** Options of {@link KeyVaultStandIn.importCertificate}. */
export interface ImportCertificateOptions {
  /** Leaf certificate PEM. */
  certPem: string;
  /** PKCS#8 (or PKCS#1) PEM of the leaf's key. Without it the secret holds the certificates only. */
  keyPem?: string;
  /** Issuer certificates after the leaf, in order. */
  chainPems?: string[];
  /** How the secret is served. Default `application/x-pem-file`. */
  contentType?: "application/x-pem-file" | "application/x-pkcs12";
  /**
   * Default true. A non-exportable certificate's secret holds only the certificates; its key signs in the vault
   * (`POST /keys/{name}/{version}/sign`).
   */
  exportable?: boolean;
  /** Default true. A disabled version's secret answers 403 SecretDisabled. */
  enabled?: boolean;
  tags?: Record<string, string>;
  /** The policy's issuer. Default `Self` (so the certificate can be renewed by a create with its policy). */
  issuerName?: string;
  /** The policy's subject. Default: the certificate's subject. */
  subject?: string;
  /** The policy's validity_months (what a renewal issues). Default: the certificate's own validity, as Key Vault derives it. */
  validityMonths?: number;
}

export interface ImportedVersion {
  version: string;
  /** The certificate version's identifier, `<url>/certificates/<name>/<version>`. */
  id: string;
  /** The secret's identifier, `<url>/secrets/<name>/<version>`. */
  sid: string;
}

export interface CertificateVersionInfo {
  version: string;
  id: string;
  status: "completed" | "pending";
  enabled: boolean;
  createdOn: Date;
  notBefore: Date | null;
  expiresOn: Date | null;
}

/** One request the vault answered. */
export interface VaultRequest {
  method: string;
  /** The URL path without the query string. */
  path: string;
  status: number;
  /** The request carried a token the vault accepted. */
  authenticated: boolean;
  /** The scripted fault that answered it (or delayed it: latency), when one did. */
  fault?: VaultFault["kind"];
}

export interface KeyVaultStandIn {
  /** `https://127.0.0.1:<port>`, no trailing slash: the vault URL for the SDK clients. */
  url: string;
  /** Adds a version (it becomes the latest). Throws when the key does not match or an operation is pending. */
  importCertificate(name: string, options: ImportCertificateOptions): ImportedVersion;
  /** Enables or disables a version (its certificate, key and secret, as in Key Vault). */
  setEnabled(name: string, version: string, enabled: boolean): void;
  /** The certificate's versions, oldest first; empty for an unknown name. */
  getVersions(name: string): CertificateVersionInfo[];
  /** Adds or replaces a certificate issuer object (as SetCertificateIssuer does). */
  setIssuer(name: string, issuer: IssuerOptions): void;
  /**
   * Starts a create operation with the certificate's own policy, as Key Vault's AutoRenew lifetime action or a
   * person does — not through the app. Returns the pending version.
   */
  startCreate(name: string): Promise<string>;
  /** Replaces a principal's roles on the vault (an empty list removes its access); turns RBAC on. */
  setRoles(principalId: string, roles: readonly KeyVaultRole[]): void;
  /** Changes when creates the vault issues itself complete (see KeyVaultStandInOptions.createCompletion). */
  setCreateCompletion(completion: CreateCompletion): void;
  /** Every request answered, oldest first. */
  readonly requests: VaultRequest[];
  resetRequests(): void;
  /** The next `count` authenticated requests get 429 Throttled with `Retry-After: <retryAfterSeconds>`. */
  throttleNext(count: number, retryAfterSeconds: number): void;
  /**
   * Faults for the next authenticated requests, one per request, in order: `faults.enqueue({ kind: "hang" })`. The
   * challenge round trip a new SDK client makes first (no token, 401) is answered as usual, so a script means the
   * same to a new client and a warm one.
   */
  readonly faults: VaultFaultScript;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

/** api-version values the SDKs send: 7.x (with previews) and the dated versions (2025-07-01 and later). */
const API_VERSION = /^(7\.\d+(-preview(\.\d+)?)?|\d{4}-\d{2}-\d{2}(-preview)?)$/;
const MAX_BODY_BYTES = 1 << 20;

/**
 * Starts a local Azure Key Vault over HTTPS (trusted through the dev CA) that the real SDKs
 * (@azure/keyvault-certificates, @azure/keyvault-secrets, and @azure/keyvault-keys' CryptographyClient for a
 * certificate's key) talk to, challenge authentication included.
 */
export async function startKeyVaultStandIn(options: KeyVaultStandInOptions): Promise<KeyVaultStandIn> {
  const now = options.now ?? Date.now;
  const issuers = createIssuerStore(now);
  const store = createVaultStore(now, {
    issuers,
    ...(options.createCompletion ? { createCompletion: options.createCompletion } : {}),
    ...(options.createDelayMs !== undefined ? { createDelayMs: options.createDelayMs } : {}),
  });
  const verify = createTokenVerifier({ jwksUri: options.jwksUri, issuer: options.issuer, now });
  const challenge = `Bearer authorization="${options.authorityHost.replace(/\/+$/, "")}/${options.tenantId}", resource="${KEY_VAULT_AUDIENCE}"`;
  // Azure RBAC: principal → roles. Null: no RBAC (every authenticated caller may do everything).
  let roles: Map<string, readonly KeyVaultRole[]> | null =
    options.allowedPrincipals || options.roleAssignments ? new Map() : null;
  for (const oid of options.allowedPrincipals ?? []) roles?.set(oid, ["Key Vault Administrator"]);
  for (const [oid, assigned] of Object.entries(options.roleAssignments ?? {})) {
    roles?.set(oid, [...(roles.get(oid) ?? []), ...assigned]);
  }
  const requests: VaultRequest[] = [];
  const faults = createVaultFaultQueue();
  let throttle = { remaining: 0, retryAfterSeconds: 1 };
  let url = "";

  async function authenticate(authorization: string | undefined): Promise<Caller> {
    let check;
    try {
      check = await verify(authorization);
    } catch (error) {
      // 401, not 500: the SDKs retry 5xx for a minute; a stand-in wiring problem should fail at once.
      throw KeyVaultError.invalidToken(
        `Key Vault stand-in could not get the token issuer's keys from ${options.jwksUri}: ${error instanceof Error ? error.message : String(error)}. Is the Entra ID stand-in running?`,
        challenge,
      );
    }
    if (check.outcome === "missing") throw KeyVaultError.missingToken(challenge);
    if (check.outcome === "invalid") throw KeyVaultError.invalidToken(check.message, challenge);
    return check.caller;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const parsed = new URL(req.url ?? "/", url);
    const record: VaultRequest = { method, path: parsed.pathname, status: 500, authenticated: false };
    let response: { status: number; body: unknown; headers?: Record<string, string> };
    try {
      const rawBody = await readBody(req);
      const apiVersion = parsed.searchParams.get("api-version");
      if (!apiVersion) {
        // Stand-in wording: the service refuses requests without api-version with 400 BadParameter.
        throw KeyVaultError.badParameter(
          "The api-version query parameter is missing. Add ?api-version=7.6 (or the SDK's version).",
        );
      }
      if (!API_VERSION.test(apiVersion)) {
        throw KeyVaultError.badParameter(
          `The specified version (${apiVersion}) is not recognized. Consider using the latest supported version (2025-07-01).`,
        );
      }
      const caller = await authenticate(req.headers.authorization);
      record.authenticated = true;
      const fault = faults.take();
      if (fault && fault.kind !== "latency") {
        record.fault = fault.kind;
        record.status = faultStatus(fault);
        requests.push(record);
        const clientRequestId = req.headers["x-ms-client-request-id"];
        return await answerVaultFault(fault, req, res, {
          challenge,
          headers: {
            "x-ms-request-id": randomUUID(),
            ...(typeof clientRequestId === "string" ? { "x-ms-client-request-id": clientRequestId } : {}),
          },
        });
      }
      if (fault) {
        record.fault = fault.kind;
        await delay(fault.ms);
      }
      if (throttle.remaining > 0) {
        throttle.remaining -= 1;
        throw KeyVaultError.throttled(throttle.retryAfterSeconds);
      }
      const segments = parsed.pathname.slice(1).split("/").map(decodeURIComponent);
      const action = dataActionFor(method, segments);
      if (roles && !rolesGrant(roles.get(caller.oid) ?? [], action)) {
        throw KeyVaultError.forbiddenByRbac(caller, action, `/vaults/keyvault-stand-in${parsed.pathname}`);
      }
      response = await routeRequest({ store, issuers, now }, url, {
        method,
        segments,
        query: parsed.searchParams,
        body: parseBody(rawBody),
      });
    } catch (error) {
      const vaultError =
        error instanceof KeyVaultError
          ? error
          : new KeyVaultError(
              500,
              "InternalServerError",
              `Key Vault stand-in failed: ${error instanceof Error ? error.message : String(error)}`,
            );
      response = { status: vaultError.status, body: vaultError.toBody(), headers: vaultError.headers };
    }
    record.status = response.status;
    requests.push(record);
    const clientRequestId = req.headers["x-ms-client-request-id"];
    res.writeHead(response.status, {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "no-cache",
      "x-ms-request-id": randomUUID(),
      ...(typeof clientRequestId === "string" ? { "x-ms-client-request-id": clientRequestId } : {}),
      ...response.headers,
    });
    res.end(JSON.stringify(response.body));
  }

  const tls = await issueServerTls();
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const requireVersion = (name: string, version: string) => {
    const found = store.get(name)?.versions.find((v) => v.version === version);
    if (!found) throw new Error(`Key Vault stand-in has no certificate '${name}' version ${version}`);
    return found;
  };
  let stopped: Promise<void> | null = null;

  return {
    url,
    requests,
    importCertificate(name, importOptions) {
      const version = store.importVersion(name, importOptions);
      const path = `${store.get(name)!.name}/${version.version}`;
      return { version: version.version, id: `${url}/certificates/${path}`, sid: `${url}/secrets/${path}` };
    },
    setEnabled(name, version, enabled) {
      store.update(requireVersion(name, version), { enabled });
    },
    getVersions(name) {
      const certificate = store.get(name);
      return (certificate?.versions ?? []).map((v) => ({
        version: v.version,
        id: `${url}/certificates/${certificate!.name}/${v.version}`,
        status: v.status,
        enabled: v.enabled,
        createdOn: new Date(v.createdSeconds * 1000),
        notBefore: v.notBeforeSeconds === null ? null : new Date(v.notBeforeSeconds * 1000),
        expiresOn: v.expiresSeconds === null ? null : new Date(v.expiresSeconds * 1000),
      }));
    },
    setIssuer(name, issuer) {
      issuers.set(name, {
        provider: issuer.provider,
        credentials: { account_id: issuer.accountId, pwd: issuer.password },
        ...(issuer.organizationId ? { org_details: { id: issuer.organizationId } } : {}),
      });
    },
    async startCreate(name) {
      const certificate = await store.beginCreate(name, {});
      return certificate.operation!.version;
    },
    setCreateCompletion(completion) {
      store.createCompletion = completion;
    },
    setRoles(principalId, assigned) {
      roles ??= new Map();
      roles.set(principalId, [...assigned]);
    },
    resetRequests() {
      requests.length = 0;
    },
    throttleNext(count, retryAfterSeconds) {
      throttle = { remaining: count, retryAfterSeconds };
    },
    faults,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

/** The status a fault answers with, for the request log: 0 when it answers none (a hang, a reset). */
function faultStatus(fault: VaultFault): number {
  if (fault.kind === "status") return fault.status;
  if (fault.kind === "throttle") return 429;
  if (fault.kind === "unauthorized") return 401;
  if (fault.kind === "large") return 200;
  return 0;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES)
      throw KeyVaultError.badParameter("The request body is larger than the stand-in accepts (1 MB).");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(raw: string): Record<string, unknown> {
  if (!raw.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw KeyVaultError.badParameter("The request body is not valid JSON.");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw KeyVaultError.badParameter("The request body must be a JSON object.");
  }
  return value as Record<string, unknown>;
}
