import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { issueServerTls } from "../pki/serverTls.js";
import { createTokenVerifier, KEY_VAULT_AUDIENCE, type Caller } from "./createTokenVerifier.js";
import { createVaultStore } from "./createVaultStore.js";
import { dataActionFor } from "./dataActionFor.js";
import { KeyVaultError } from "./KeyVaultError.js";
import { routeRequest } from "./routeRequest.js";

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
  /** Object ids (`oid`) allowed to use the vault; when set, other callers get 403 ForbiddenByRbac. */
  allowedPrincipals?: string[];
  /** How long a create with issuer Self stays inProgress (on the `now` clock). 0: completed on the first poll. */
  createDelayMs?: number;
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
  /** Default true. A non-exportable certificate's secret holds no private key. */
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
  /** Every request answered, oldest first. */
  readonly requests: VaultRequest[];
  resetRequests(): void;
  /** The next `count` authenticated requests get 429 Throttled with `Retry-After: <retryAfterSeconds>`. */
  throttleNext(count: number, retryAfterSeconds: number): void;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

/** api-version values the SDKs send: 7.x (with previews) and the dated versions (2025-07-01 and later). */
const API_VERSION = /^(7\.\d+(-preview(\.\d+)?)?|\d{4}-\d{2}-\d{2}(-preview)?)$/;
const MAX_BODY_BYTES = 1 << 20;

/**
 * Starts a local Azure Key Vault over HTTPS (trusted through the dev CA) that the real SDKs
 * (@azure/keyvault-certificates, @azure/keyvault-secrets) talk to, challenge authentication included.
 */
export async function startKeyVaultStandIn(options: KeyVaultStandInOptions): Promise<KeyVaultStandIn> {
  const now = options.now ?? Date.now;
  const store = createVaultStore(now, options.createDelayMs ?? 0);
  const verify = createTokenVerifier({ jwksUri: options.jwksUri, issuer: options.issuer, now });
  const challenge = `Bearer authorization="${options.authorityHost.replace(/\/+$/, "")}/${options.tenantId}", resource="${KEY_VAULT_AUDIENCE}"`;
  const allowed = options.allowedPrincipals ? new Set(options.allowedPrincipals) : null;
  const requests: VaultRequest[] = [];
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
      if (throttle.remaining > 0) {
        throttle.remaining -= 1;
        throw KeyVaultError.throttled(throttle.retryAfterSeconds);
      }
      const segments = parsed.pathname.slice(1).split("/").map(decodeURIComponent);
      if (allowed && !allowed.has(caller.oid)) {
        throw KeyVaultError.forbiddenByRbac(
          caller,
          dataActionFor(method, segments),
          `/vaults/keyvault-stand-in${parsed.pathname}`,
        );
      }
      response = await routeRequest(store, url, {
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
    resetRequests() {
      requests.length = 0;
    },
    throttleNext(count, retryAfterSeconds) {
      throttle = { remaining: count, retryAfterSeconds };
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
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
