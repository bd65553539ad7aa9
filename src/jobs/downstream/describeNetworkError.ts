import { scrubSecrets } from "../../net/scrubSecrets.js";

/** A failed fetch (or body read), named for people and for retry decisions. */
export interface NetworkErrorDescription {
  /** The innermost error code ("ECONNRESET", "UND_ERR_SOCKET", "ENOTFOUND"), or "FETCH_FAILED" when none. */
  code: string;
  /** Short form for an attempt record: the code, with the cause's words when they add something. */
  summary: string;
  /** What to check, for the failures that have a known fix; null otherwise. */
  hint: string | null;
}

/**
 * Names a network failure from fetch's error chain. undici rejects with `TypeError: fetch failed` and puts the
 * socket error (with its `code`) in `cause`, sometimes one level deeper. The causes' words are scrubbed (scrubSecrets):
 * some quote the URL, user info and query included.
 */
export function describeNetworkError(error: unknown): NetworkErrorDescription {
  let code: string | null = null;
  let message: string | null = null;
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const own = (current as { code?: unknown }).code;
    if (typeof own === "string") code = own;
    if (current.message && current.message !== "fetch failed") message = scrubSecrets(current.message);
    current = current.cause;
  }
  // fetch refuses some ports (1, 25, ...) with a bare "bad port" and no code.
  if (!code && message === "bad port") code = "BAD_PORT";
  const resolved = code ?? "FETCH_FAILED";
  const summary = message === null || message.includes(resolved) ? resolved : `${resolved}: ${message}`;
  return { code: resolved, summary, hint: hintFor(resolved) };
}

function hintFor(code: string): string | null {
  if (code === "ENOTFOUND") return "the API's host name does not resolve: check the job's url";
  if (code === "ECONNREFUSED")
    return "nothing is listening at the API's address: check the job's url and that the API is up";
  if (code === "BAD_PORT") return "fetch does not allow this port: use another port for the API";
  if (/CERT|UNABLE_TO_|SELF_SIGNED/.test(code)) {
    return "the API's TLS certificate is not trusted or does not match its host name: fix the certificate, or for a private CA set NODE_EXTRA_CA_CERTS at process start";
  }
  return null;
}
