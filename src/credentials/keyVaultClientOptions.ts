import type { CertificateClientOptions } from "@azure/keyvault-certificates";
import type { SecretClientOptions } from "@azure/keyvault-secrets";
import { isLoopbackUrl } from "./isLoopbackUrl.js";
import { keyVaultThrottlePolicy } from "./keyVaultThrottlePolicy.js";

/** The SDK's retry options (core-rest-pipeline's): a parameter so tests need not wait its real backoff. */
export type KeyVaultRetryOptions = NonNullable<CertificateClientOptions["retryOptions"]>;

/**
 * Options for every Key Vault client the app builds (certificates and secrets, per vault, once per process).
 *
 * Retries: the SDK's own (3, exponential from 1 s, and 429/503 after their Retry-After). Its retry options are the
 * client's, fixed for the process, while deadlines are per invocation: what keeps the retries inside a deadline is the
 * signal every call passes (see keyVaultCall) — the retry policy waits on it and stops when it aborts — and
 * keyVaultThrottlePolicy, which refuses a Retry-After that would outlast the deadline. The challenge's resource check
 * is relaxed only for a vault on this machine (the local stand-in).
 */
export function keyVaultClientOptions(
  vaultUrl: string,
  retryOptions?: KeyVaultRetryOptions,
): CertificateClientOptions & SecretClientOptions {
  return {
    disableChallengeResourceVerification: isLoopbackUrl(vaultUrl),
    ...(retryOptions ? { retryOptions } : {}),
    additionalPolicies: [{ policy: keyVaultThrottlePolicy(), position: "perRetry" }],
  };
}
