/**
 * The kinds of secret the stand-ins mint or receive, as the secret ledger records them. Each names where a leak
 * would come from, so a scan that finds one can say what leaked without showing it.
 */
export const SECRET_KINDS = [
  /** App-only access tokens from the token endpoint. */
  "access-token",
  /** Access tokens from the managed identity endpoint. */
  "managed-identity-token",
  /** Client secrets added to app registrations (Graph's addPassword). */
  "client-secret",
  /** Client assertions the token endpoint received: certificate-signed or federated. */
  "client-assertion",
  /** Proof-of-possession JWTs Graph's addKey and removeKey received. */
  "graph-key-proof",
  /** The Entra ID stand-in's token-signing private keys. */
  "entra-signing-key",
  /** The managed identity endpoint's IDENTITY_HEADER value (App Service keeps it secret). */
  "managed-identity-header",
  /** Private keys (PKCS#8 PEM) of Key Vault certificate versions, imported or created. */
  "key-vault-private-key",
  /** Base64 PFX values of certificate secrets served as application/x-pkcs12. */
  "key-vault-pfx",
  /** The development CA's private key. */
  "dev-ca-key",
  /** The stand-ins' TLS server keys. */
  "tls-key",
  /** The local Functions host's function (host) key. */
  "function-key",
  /** The local Functions host's admin (master) key. */
  "master-key",
  /** Tokens in the path or query of a URL the webhook receiver was posted to. */
  "webhook-token",
  /** The shared secret of the generic webhook's X-M2M-Signature HMAC. */
  "webhook-secret",
] as const;

export type SecretKind = (typeof SECRET_KINDS)[number];
