import { SECRET_CONTENT_TYPES, type SecretContentType } from "./certificatePolicy.js";
import type { StoredCertificate, StoredVersion, VaultStore } from "./createVaultStore.js";
import type { IssuerStore } from "./issuerStore.js";
import { KeyVaultError } from "./KeyVaultError.js";
import { routeKeyRequest } from "./routeKeyRequest.js";
import { secretValue } from "./secretValue.js";
import { vaultJson } from "./vaultJson.js";

export interface RouteRequest {
  method: string;
  /** Path segments after the leading slash, URL-decoded; a trailing slash gives a last empty segment. */
  segments: string[];
  query: URLSearchParams;
  /** The parsed JSON body, or {} when there was none. */
  body: Record<string, unknown>;
}

export interface RouteResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Third path segments that name a sub-resource, not a version (versions are 32 hex digits). */
const RESERVED = new Set(["versions", "policy", "create", "pending"]);

/** Page size when `maxresults` is not given, and the largest the service allows. */
const MAX_RESULTS = 25;

/** What a request reaches: the certificates (and their create operations and keys) and the issuer objects. */
export interface VaultState {
  store: VaultStore;
  issuers: IssuerStore;
  /** Milliseconds since the epoch: whether a key is inside its validity window. */
  now: () => number;
}

/**
 * The REST subset the stand-in serves: certificates (get, versions, list, policy, update, create, pending
 * operation, merge), certificate issuers (get, set), certificate-backed secrets (get) and certificate-backed keys
 * (get, sign: see routeKeyRequest). Everything else is 501.
 */
export async function routeRequest(
  vault: VaultState,
  url: string,
  request: RouteRequest,
): Promise<RouteResponse> {
  const { store } = vault;
  const { method, segments, query, body } = request;
  const [collection, name, third, fourth] = segments;
  const version = third === undefined || third === "" ? undefined : third;
  const ok = (payload: unknown, status = 200): RouteResponse => ({ status, body: payload });

  if (collection === "keys") return routeKeyRequest(store, url, vault.now, request);
  if (collection === "certificates" && name === undefined && method === "GET") {
    return ok(listCertificates(store, url, query));
  }
  // `issuers` is not a certificate name: `/certificates/issuers/{name}` are the issuer objects.
  if (collection === "certificates" && name === "issuers") {
    if (third && segments.length === 3 && method === "GET") {
      return ok(vaultJson.issuerBundle(url, vault.issuers.require(third)));
    }
    if (third && segments.length === 3 && method === "PUT") {
      return ok(vaultJson.issuerBundle(url, vault.issuers.set(third, body)));
    }
    throw KeyVaultError.notImplemented(method, `/${segments.join("/")}`);
  }
  if (collection === "certificates" && name && segments.length === 3) {
    if (third === "versions" && method === "GET") {
      const listed = listVersions(store, url, name, query);
      // The page is built: completing now is "after the list was served, before the client's next request".
      if (store.createCompletion === "after-versions-list") store.completeIssued(name);
      return ok(listed);
    }
    if (third === "policy" && method === "GET")
      return ok(vaultJson.policy(url, requireCertificate(store, name)));
    if (third === "create" && method === "POST") {
      const certificate = await store.beginCreate(name, body);
      const operation = certificate.operation!;
      return {
        status: 202,
        body: vaultJson.operation(url, certificate, operation),
        headers: {
          Location: `${url}/certificates/${certificate.name}/pending?api-version=${query.get("api-version") ?? ""}&request_id=${operation.requestId}`,
        },
      };
    }
    if (third === "pending") {
      if (method === "GET") {
        if (store.createCompletion === "on-pending-read") store.completeIssued(name);
        const certificate = store.get(name);
        if (!certificate?.operation) throw KeyVaultError.pendingNotFound(name);
        return ok(vaultJson.operation(url, certificate, certificate.operation));
      }
      if (method === "PATCH") {
        // cancellation_requested: false changes nothing, but is still refused once the operation has ended.
        const operation = store.cancelOperation(name, body.cancellation_requested === true);
        return ok(vaultJson.operation(url, store.get(name)!, operation));
      }
      if (method === "DELETE") {
        const certificate = store.get(name);
        const operation = store.deleteOperation(name);
        return ok(vaultJson.operation(url, certificate!, operation));
      }
    }
  }
  if (collection === "certificates" && name && segments.length <= 3 && !RESERVED.has(third ?? "")) {
    if (method === "GET") {
      const certificate = requireCertificate(store, name);
      return ok(
        vaultJson.certificateBundle(
          url,
          certificate,
          requireVersion(certificate, name, version),
          version === undefined,
        ),
      );
    }
    if (method === "PATCH") {
      const certificate = requireCertificate(store, name);
      const target = requireVersion(certificate, name, version);
      store.update(target, parseUpdate(body));
      return ok(vaultJson.certificateBundle(url, certificate, target, version === undefined));
    }
  }
  if (
    collection === "certificates" &&
    name &&
    third === "pending" &&
    fourth === "merge" &&
    segments.length === 4 &&
    method === "POST"
  ) {
    const x5c: unknown[] = Array.isArray(body.x5c) ? body.x5c : [];
    if (!x5c.every((item): item is string => typeof item === "string")) {
      throw KeyVaultError.badParameter("x5c must be an array of base64 DER certificates.");
    }
    const merged = store.merge(
      name,
      x5c.map((item) => Buffer.from(item, "base64")),
      body,
    );
    return ok(vaultJson.certificateBundle(url, requireCertificate(store, name), merged, true), 201);
  }
  if (collection === "secrets" && name && segments.length <= 3 && method === "GET") {
    return ok(getSecret(store, url, name, version, query.get("outContentType")));
  }
  throw KeyVaultError.notImplemented(method, `/${segments.join("/")}`);
}

function requireCertificate(store: VaultStore, name: string): StoredCertificate {
  const certificate = store.get(name);
  if (!certificate) throw KeyVaultError.certificateNotFound(name);
  return certificate;
}

/** The named version, or the latest (which may be a pending one) when no version is given. */
function requireVersion(
  certificate: StoredCertificate,
  name: string,
  version: string | undefined,
): StoredVersion {
  const found =
    version === undefined
      ? certificate.versions.at(-1)
      : certificate.versions.find((v) => v.version === version);
  if (!found) throw KeyVaultError.certificateNotFound(name, version);
  return found;
}

function parseUpdate(body: Record<string, unknown>): { enabled?: boolean; tags?: Record<string, string> } {
  const attributes = (body.attributes ?? {}) as { enabled?: unknown };
  const tags = body.tags;
  return {
    ...(typeof attributes.enabled === "boolean" ? { enabled: attributes.enabled } : {}),
    ...(tags && typeof tags === "object" ? { tags: tags as Record<string, string> } : {}),
  };
}

function pageSize(query: URLSearchParams): number {
  const raw = query.get("maxresults");
  if (raw === null) return MAX_RESULTS;
  const size = Number(raw);
  if (!Number.isInteger(size) || size < 1 || size > MAX_RESULTS) {
    // Stand-in wording: the service refuses page sizes above 25 with 400 BadParameter.
    throw KeyVaultError.badParameter(
      `Invalid maxresults ${raw}: the value must be between 1 and ${MAX_RESULTS}.`,
    );
  }
  return size;
}

/** `$skiptoken` is opaque to clients; here it is base64url JSON holding the position to continue from. */
function readSkipToken(query: URLSearchParams): number {
  const token = query.get("$skiptoken");
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { NextMarker?: unknown };
    if (typeof parsed.NextMarker === "number" && parsed.NextMarker >= 0) return parsed.NextMarker;
  } catch {
    // Fall through to the error below.
  }
  throw KeyVaultError.badParameter("The $skiptoken is invalid.");
}

function page<T>(
  items: T[],
  url: string,
  path: string,
  query: URLSearchParams,
  extra: Record<string, string> = {},
) {
  const size = pageSize(query);
  const start = readSkipToken(query);
  const value = items.slice(start, start + size);
  const next = start + size < items.length ? start + size : null;
  if (next === null) return { value, nextLink: null };
  const params = new URLSearchParams({ "api-version": query.get("api-version") ?? "" });
  const token = Buffer.from(JSON.stringify({ NextMarker: next })).toString("base64url");
  // The service writes `$skiptoken` unescaped; base64url needs no escaping.
  let nextLink = `${url}${path}?${params.toString()}&$skiptoken=${token}&maxresults=${size}`;
  for (const [key, val] of Object.entries(extra)) nextLink += `&${key}=${encodeURIComponent(val)}`;
  return { value, nextLink };
}

function listCertificates(store: VaultStore, url: string, query: URLSearchParams) {
  const includePending = query.get("includePending") === "true";
  const items = store.all().flatMap((certificate) => {
    const shown = includePending
      ? certificate.versions.at(-1)
      : certificate.versions.findLast((v) => v.status === "completed");
    return shown ? [vaultJson.certificateItem(url, certificate, shown, false)] : [];
  });
  return page(items, url, "/certificates", query, includePending ? { includePending: "true" } : {});
}

function listVersions(store: VaultStore, url: string, name: string, query: URLSearchParams) {
  // A name that never existed lists as empty, as the service does.
  const certificate = store.get(name);
  const items = certificate
    ? certificate.versions.map((v) => vaultJson.certificateItem(url, certificate, v, true))
    : [];
  return page(items, url, `/certificates/${certificate?.name ?? name}/versions`, query);
}

function getSecret(
  store: VaultStore,
  url: string,
  name: string,
  version: string | undefined,
  outContentType: string | null,
) {
  const certificate = store.get(name);
  if (!certificate) throw KeyVaultError.secretNotFound(name);
  const found =
    version === undefined
      ? certificate.versions.at(-1)
      : certificate.versions.find((v) => v.version === version);
  if (!found) throw KeyVaultError.secretNotFound(name, version);
  if (!found.enabled || found.status === "pending" || !found.certPem) throw KeyVaultError.secretDisabled();

  let contentType: SecretContentType = found.contentType;
  if (outContentType !== null && outContentType !== contentType) {
    if (!SECRET_CONTENT_TYPES.includes(outContentType as SecretContentType)) {
      throw KeyVaultError.badParameter(`Invalid outContentType '${outContentType}'.`);
    }
    // API 2025-07-01: only PFX to PEM conversion is supported.
    if (outContentType !== "application/x-pem-file") {
      throw KeyVaultError.badParameter(
        "Only conversion from application/x-pkcs12 to application/x-pem-file is supported.",
      );
    }
    contentType = outContentType;
  }
  const value = secretValue(
    { keyPem: found.exportable ? found.keyPem : null, certPems: [found.certPem, ...found.chainPems] },
    contentType,
  );
  return vaultJson.secretBundle(url, certificate, found, value, contentType);
}
