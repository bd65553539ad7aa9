import type { CertificateProperties } from "@azure/keyvault-certificates";
import type { Deadline } from "../clock/Deadline.js";
import { sleep as realSleep } from "../clock/sleep.js";
import { keyVaultCall } from "../credentials/keyVaultCall.js";
import { keyVaultError } from "../credentials/keyVaultError.js";
import { CredentialError, M2mError, TransientError } from "../errors.js";
import { silentLogger, type Logger } from "../logging/Logger.js";
import type { ScannedCertificate } from "./ScannedCertificate.js";

/** What the scan reads of a listed certificate. */
export type ListedCertificateProperties = Pick<
  CertificateProperties,
  "name" | "version" | "enabled" | "notBefore" | "expiresOn" | "tags" | "x509Thumbprint"
>;

/** The slice of the Key Vault SDK's `CertificateClient` the scan uses: the real client fits it as it is. */
export interface CertificateLister {
  listPropertiesOfCertificates(options?: { abortSignal?: AbortSignal }): {
    byPage(settings?: {
      continuationToken?: string;
      maxPageSize?: number;
    }): AsyncIterable<ListedCertificateProperties[]>;
  };
}

export interface ScanOptions {
  /** `name=value`: only certificates whose tag `name` is exactly `value`; `name`: only those that have the tag. */
  tag?: string;
  logger?: Logger;
  /**
   * The invocation's deadline: the listing ends by it (TIMED_OUT naming Key Vault), and a resume whose wait would
   * pass it is not started (the error is the page's).
   */
  deadline?: Deadline;
  /** Waits before resuming; a parameter so tests do not wait. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * How often the scan may fail after the SDK's own retries (which already honour Retry-After) before it gets past
   * the page that failed; then it gives up. Each time it resumes as described on the function. Default 3.
   */
  maxResumesPerPage?: number;
}

/** The service's largest page; the SDK (4.10) does not pass maxPageSize on, and the service default is the same. */
const PAGE_SIZE = 25;
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const MAX_WAIT_MS = 60_000;

/**
 * Lists the certificates of one vault page by page: N certificates cost ceil(N/25) list requests and no
 * per-certificate GET. Each entry is the latest completed version (pending creates are left out).
 *
 * Throttling: the SDK retries a 429 itself (3 times), honouring Retry-After. Should it give up, the scan waits
 * (Retry-After, else 1 s, 2 s, 4 s...) and resumes from the last page that carried a continuation token, or from
 * the start when none did — @azure/keyvault-certificates 4.10 maps its pages into new arrays that drop the token,
 * so with the real client a resume lists again from page 1. Either way the result is rebuilt from the resume point:
 * nothing is lost or counted twice. On vaults of more than one page it logs each page (page number, certificates
 * listed so far).
 *
 * Throws CredentialError (KEYVAULT_AUTHENTICATION_FAILED, KEYVAULT_FORBIDDEN) when the identity may not list,
 * TransientError (KEYVAULT_THROTTLED, KEYVAULT_UNAVAILABLE, KEYVAULT_UNREACHABLE) when the vault keeps failing,
 * KEYVAULT_RESPONSE_INVALID for an answer that is not Key Vault's, and TIMED_OUT past the deadline.
 */
export async function scanVaultCertificates(
  vaultUrl: string,
  client: CertificateLister,
  options: ScanOptions = {},
): Promise<ScannedCertificate[]> {
  const url = vaultUrl.replace(/\/+$/, "");
  const matches = tagMatcher(options.tag);
  const log = options.logger ?? silentLogger;
  const wait = options.sleep ?? realSleep;
  const { deadline } = options;
  const maxResumes = options.maxResumesPerPage ?? 3;

  const found: ScannedCertificate[] = [];
  let page = 0;
  let listed = 0;
  /** Where to resume: after the last page that came with a continuation token. */
  let checkpoint: { token: string | undefined; page: number; listed: number; found: number } = {
    token: undefined,
    page: 0,
    listed: 0,
    found: 0,
  };
  let failuresInARow = 0;
  let failingPage = 0;
  let resumes = 0;

  for (;;) {
    try {
      await keyVaultCall(deadline, async (call) => {
        const pages = client.listPropertiesOfCertificates(call).byPage({
          maxPageSize: PAGE_SIZE,
          ...(checkpoint.token ? { continuationToken: checkpoint.token } : {}),
        });
        for await (const items of pages) {
          page += 1;
          listed += items.length;
          // Only getting past the page that failed ends a streak: a restart re-lists the pages before it.
          if (page > failingPage) failuresInARow = 0;
          for (const item of items) {
            const certificate = toScanned(url, item);
            if (certificate && matches(certificate.tags)) found.push(certificate);
          }
          const token = continuationTokenOf(items);
          if (token !== undefined) checkpoint = { token, page, listed, found: found.length };
          if (page > 1 || token !== undefined || items.length >= PAGE_SIZE) {
            log.info("Vault scan progress", { vaultUrl: url, page, listed, matched: found.length });
          }
        }
      });
      break;
    } catch (error) {
      if (deadline?.signal.aborted) throw error;
      const failedPage = page + 1;
      failuresInARow += 1;
      failingPage = Math.max(failingPage, failedPage);
      if (!isRetryable(error) || failuresInARow > maxResumes) throw scanError(error, url, failedPage);
      resumes += 1;
      const waitMs = retryAfterMs(error) ?? Math.min(1000 * 2 ** (failuresInARow - 1), MAX_WAIT_MS);
      if (deadline && waitMs >= deadline.leftMs()) throw scanError(error, url, failedPage);
      log.warn("Vault scan interrupted; resuming", {
        vaultUrl: url,
        page: failedPage,
        resumeAtPage: checkpoint.page + 1,
        status: statusOf(error) ?? null,
        waitMs,
        attempt: failuresInARow,
        maxResumes,
      });
      await wait(waitMs, deadline?.signal);
      ({ page, listed } = checkpoint);
      found.length = checkpoint.found;
    }
  }
  log.info("Vault scan complete", { vaultUrl: url, pages: page, listed, matched: found.length, resumes });
  return found;
}

function toScanned(vaultUrl: string, item: ListedCertificateProperties): ScannedCertificate | null {
  if (!item.name) return null;
  return {
    vaultUrl,
    name: item.name,
    version: item.version || null,
    // Key Vault omits `enabled` only for enabled objects; the SDK passes the omission on as undefined.
    enabled: item.enabled !== false,
    notBefore: item.notBefore ?? null,
    expiresOn: item.expiresOn ?? null,
    tags: { ...item.tags },
    x5tSha1:
      item.x509Thumbprint && item.x509Thumbprint.length > 0
        ? Buffer.from(item.x509Thumbprint).toString("hex").toUpperCase()
        : null,
  };
}

function tagMatcher(filter: string | undefined): (tags: Readonly<Record<string, string>>) => boolean {
  if (filter === undefined) return () => true;
  const at = filter.indexOf("=");
  const name = (at === -1 ? filter : filter.slice(0, at)).trim();
  if (!name) {
    throw new M2mError(
      "CERTIFICATE_TAG_FILTER_INVALID",
      `The certificate tag filter must be "name=value" or "name"; got ${JSON.stringify(filter)}.`,
    );
  }
  if (at === -1) return (tags) => Object.hasOwn(tags, name);
  const value = filter.slice(at + 1);
  return (tags) => tags[name] === value;
}

/** Pages of core-paging iterators carry the next page's link as `continuationToken` (when not mapped away). */
function continuationTokenOf(page: object): string | undefined {
  return "continuationToken" in page && typeof page.continuationToken === "string" && page.continuationToken
    ? page.continuationToken
    : undefined;
}

function statusOf(error: unknown): number | undefined {
  return typeof error === "object" &&
    error !== null &&
    "statusCode" in error &&
    typeof error.statusCode === "number"
    ? error.statusCode
    : undefined;
}

function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return RETRYABLE_STATUS.has(status);
  // A RestError without a status: the request never got an answer (connection reset, DNS, timeout).
  return (
    typeof error === "object" && error !== null && "code" in error && error.code === "REQUEST_SEND_ERROR"
  );
}

/** Retry-After in seconds (what Key Vault sends), from the RestError's response; null when absent. */
function retryAfterMs(error: unknown): number | null {
  if (typeof error !== "object" || error === null || !("response" in error)) return null;
  const { response } = error;
  if (typeof response !== "object" || response === null || !("headers" in response)) return null;
  const { headers } = response;
  if (typeof headers !== "object" || headers === null || !("get" in headers)) return null;
  const get = headers.get;
  if (typeof get !== "function") return null;
  const value: unknown = get.call(headers, "retry-after");
  if (typeof value !== "string" || !/^\d+$/.test(value.trim())) return null;
  return Math.min(Number(value) * 1000, MAX_WAIT_MS);
}

function scanError(error: unknown, vaultUrl: string, page: number): Error {
  // Already explained (a Retry-After past the deadline, the managed identity endpoint failing).
  if (error instanceof M2mError) return error;
  const status = statusOf(error);
  const said = error instanceof Error ? error.message : String(error);
  const where = `certificates in ${vaultUrl}`;
  if (
    status === 401 ||
    (error instanceof Error && /CredentialUnavailable|AuthenticationError/.test(error.name))
  ) {
    return new CredentialError(
      "KEYVAULT_AUTHENTICATION_FAILED",
      `Could not authenticate to Key Vault to list ${where}: ${said}. In Azure, enable the Function app's managed identity (and set M2M_MANAGED_IDENTITY_CLIENT_ID for a user-assigned one); on a workstation set M2M_KEYVAULT_AUTH=default-azure-credential and sign in with 'az login'.`,
      { cause: error },
    );
  }
  if (status === 403) {
    return new CredentialError(
      "KEYVAULT_FORBIDDEN",
      `The app's identity may not list ${where} (certificates/list). Grant it the 'Key Vault Reader' or 'Key Vault Certificate User' role (RBAC vaults) or the List permission on certificates (access policies). Key Vault said: ${said}`,
      { cause: error },
    );
  }
  if (status === 429) {
    return new TransientError(
      "KEYVAULT_THROTTLED",
      `Listing ${where} was still throttled at page ${page} after the SDK's retries and the scan's resumes. Key Vault allows 4,000 transactions per 10 seconds per vault: look for other callers of this vault, or scan it less often. The next scan starts over. Key Vault said: ${said}`,
      { cause: error },
    );
  }
  // No answer, or one the SDK could not read: see keyVaultError.
  if (status === undefined) return keyVaultError(error, `list ${where} (page ${page})`);
  return new TransientError("KEYVAULT_UNAVAILABLE", `Listing ${where} failed at page ${page}: ${said}`, {
    cause: error,
  });
}
