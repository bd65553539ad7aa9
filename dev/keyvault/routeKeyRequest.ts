import type { StoredCertificate, StoredVersion, VaultStore } from "./createVaultStore.js";
import { KeyVaultError } from "./KeyVaultError.js";
import type { RouteRequest, RouteResponse } from "./routeRequest.js";
import {
  isRsaSignatureAlgorithm,
  RSA_SIGNATURE_ALGORITHMS,
  signDigest,
  type RsaSignatureAlgorithm,
} from "./signDigest.js";
import { vaultJson } from "./vaultJson.js";

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/**
 * The keys API for the keys that back certificates — the only keys this vault holds: the key of certificate version V
 * is `/keys/{name}/V` ("an addressable key and secret are also created with the same name", same version;
 * https://learn.microsoft.com/azure/key-vault/certificates/about-certificates). Serves what
 * `@azure/keyvault-keys`' CryptographyClient sends for `sign`: `GET /keys/{name}/{version}` (it reads the key
 * first, and signs remotely when it may not) and `POST /keys/{name}/{version}/sign` with `{ alg, value }`
 * (https://learn.microsoft.com/rest/api/keyvault/keys/sign/sign). An empty or absent version means the latest.
 * `now` (ms) decides whether a version is inside its `nbf`–`exp` window.
 */
export function routeKeyRequest(
  store: VaultStore,
  url: string,
  now: () => number,
  request: RouteRequest,
): RouteResponse {
  const { method, segments, body } = request;
  const [, name, version, operation] = segments;
  if (name && segments.length <= 3 && method === "GET") {
    const { certificate, found } = requireKey(store, name, version);
    return { status: 200, body: vaultJson.keyBundle(url, certificate, found) };
  }
  if (name && segments.length === 4 && operation === "sign" && method === "POST") {
    const { certificate, found } = requireKey(store, name, version);
    const signature = sign(certificate, found, body, now());
    return { status: 200, body: vaultJson.signResult(url, certificate, found, signature) };
  }
  throw KeyVaultError.notImplemented(method, `/${segments.join("/")}`);
}

function requireKey(
  store: VaultStore,
  name: string,
  version: string | undefined,
): { certificate: StoredCertificate; found: StoredVersion } {
  const certificate = store.get(name);
  if (!certificate) throw KeyVaultError.keyNotFound(name);
  const found = version
    ? certificate.versions.find((v) => v.version === version)
    : certificate.versions.at(-1);
  if (!found) throw KeyVaultError.keyNotFound(name, version);
  return { certificate, found };
}

function sign(
  certificate: StoredCertificate,
  version: StoredVersion,
  body: Record<string, unknown>,
  nowMs: number,
): Buffer {
  // A pending version's key exists (its CSR was made with it) but, like its secret, is disabled until issued.
  if (!version.enabled || version.status === "pending") throw KeyVaultError.keyDisabled("sign");
  const nowSeconds = nowMs / 1000;
  if (
    (version.notBeforeSeconds !== null && nowSeconds < version.notBeforeSeconds) ||
    (version.expiresSeconds !== null && nowSeconds > version.expiresSeconds)
  ) {
    throw KeyVaultError.keyOutsideValidity("sign");
  }
  if (!version.keyOps.includes("sign")) throw KeyVaultError.keyOperationNotPermitted("sign");

  const { alg, value } = body;
  if (typeof alg !== "string" || typeof value !== "string" || !BASE64URL.test(value)) {
    // Stand-in wording: the service answers a malformed KeySignParameters with 400 BadParameter.
    throw KeyVaultError.badParameter(
      "The sign request needs 'alg' (a signature algorithm such as PS256) and 'value' (the digest, base64url).",
    );
  }
  if (!isRsaSignatureAlgorithm(alg)) {
    // Stand-in wording: ES*, HS* and RSNULL do not apply to an RSA key.
    throw KeyVaultError.badParameter(
      `Invalid algorithm '${alg}' for an RSA key: use ${Object.keys(RSA_SIGNATURE_ALGORITHMS).join(", ")}.`,
    );
  }
  const digest = Buffer.from(value, "base64url");
  checkDigestLength(alg, digest);
  if (!version.keyPem) throw KeyVaultError.keyWithoutPrivatePart(certificate.name, version.version);
  return signDigest(version.keyPem, alg, digest);
}

/** Key Vault signs a digest, not a message: its length must be the algorithm's hash length. */
function checkDigestLength(alg: RsaSignatureAlgorithm, digest: Buffer): void {
  const { digestBytes, hash } = RSA_SIGNATURE_ALGORITHMS[alg];
  if (digest.length !== digestBytes) {
    // Stand-in wording: the service refuses a digest of the wrong length with 400 BadParameter.
    throw KeyVaultError.badParameter(
      `Invalid digest length for ${alg}: expected ${digestBytes} bytes (a ${hash.toUpperCase()} hash of the data), got ${digest.length}.`,
    );
  }
}
