import { randomUUID } from "node:crypto";
import type { ClientAssertionCallback } from "@azure/msal-node";
import { deferAssertion } from "./deferredAssertion.js";
import type { Clock } from "../clock/Clock.js";
import { createDeadline } from "../clock/Deadline.js";
import type { Config } from "../config/Config.js";
import type { CertificateSigner } from "../credentials/signing/CertificateSigner.js";
import { buildClientAssertion } from "./buildClientAssertion.js";
import { currentTokenRequestLeftMs, currentTokenRequestSignal } from "./tokenRequestSignal.js";

/** An assertion is reused until this long before it expires (Entra ID allows clock skew, a retry takes time). */
export const ASSERTION_REUSE_MARGIN_MS = 2 * 60_000;
/**
 * The most one Key Vault signature may take of a token request's time (and at most half of what it has left): a hung
 * vault is then named as such (TIMED_OUT naming Key Vault) while the token request still has time to report it,
 * instead of the token endpoint timing out.
 */
export const SIGN_BUDGET_MS = 10_000;

/**
 * MSAL's `auth.clientAssertion` for a certificate whose key signs in Key Vault: deferred (see deferAssertion), so the
 * assertion is signed only when a token request is sent — a cached token costs nothing.
 */
export function vaultClientAssertion(
  signer: CertificateSigner,
  config: Pick<Config, "thumbprintAlgorithm" | "sendX5c">,
  clock: Clock,
  options: { signBudgetMs?: number } = {},
): ClientAssertionCallback {
  return deferAssertion(vaultAssertionSource(signer, config, clock, options));
}

/**
 * The signed assertion for a token request, with the token endpoint as the audience. An assertion is reused for that
 * endpoint until {@link ASSERTION_REUSE_MARGIN_MS} before it expires (a retry, a forced refresh), and concurrent
 * requests share one signature, so Key Vault signs at most once per token request. The signature is bounded by the
 * token request's deadline (it travels with the async context, see tokenRequestSignal) and by {@link SIGN_BUDGET_MS}.
 */
export function vaultAssertionSource(
  signer: CertificateSigner,
  config: Pick<Config, "thumbprintAlgorithm" | "sendX5c">,
  clock: Clock,
  options: { signBudgetMs?: number } = {},
): (request: { clientId: string; tokenEndpoint?: string }) => Promise<string> {
  type Signed = { jwt: string; expiresAtMs: number };
  const entries = new Map<string, { promise: Promise<Signed>; signed?: Signed }>();
  return async ({ clientId, tokenEndpoint }) => {
    if (!tokenEndpoint) {
      throw new Error("MSAL asked for a client assertion without the token endpoint (its audience)");
    }
    const entry = entries.get(tokenEndpoint);
    if (entry && !entry.signed) return (await entry.promise).jwt;
    if (entry?.signed && entry.signed.expiresAtMs - clock().getTime() > ASSERTION_REUSE_MARGIN_MS) {
      return entry.signed.jwt;
    }
    const parent = currentTokenRequestSignal();
    const left = currentTokenRequestLeftMs();
    const budgetMs = options.signBudgetMs ?? SIGN_BUDGET_MS;
    const deadline = createDeadline({
      budgetMs: left === undefined ? budgetMs : Math.min(budgetMs, left / 2),
      clock,
      ...(parent ? { parent } : {}),
    });
    const signing = buildClientAssertion(
      signer,
      {
        clientId,
        audience: tokenEndpoint,
        thumbprint: config.thumbprintAlgorithm,
        sendX5c: config.sendX5c,
        now: clock(),
        jti: randomUUID(),
      },
      deadline,
    );
    const next: { promise: Promise<Signed>; signed?: Signed } = { promise: signing };
    entries.set(tokenEndpoint, next);
    try {
      next.signed = await signing;
      return next.signed.jwt;
    } catch (error) {
      if (entries.get(tokenEndpoint) === next) entries.delete(tokenEndpoint);
      throw error;
    }
  };
}
