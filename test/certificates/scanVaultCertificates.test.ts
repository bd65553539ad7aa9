import { X509Certificate } from "node:crypto";
import { ManagedIdentityCredential, type TokenCredential } from "@azure/identity";
import { CertificateClient } from "@azure/keyvault-certificates";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  scanVaultCertificates,
  type CertificateLister,
  type ListedCertificateProperties,
} from "../../src/certificates/scanVaultCertificates.js";
import { systemClock } from "../../src/clock/Clock.js";
import { createDeadline } from "../../src/clock/Deadline.js";
import { TimedOutError } from "../../src/errors.js";
import { isLoopbackUrl } from "../../src/credentials/isLoopbackUrl.js";
import type { Logger } from "../../src/logging/Logger.js";
import { startEntraStandIn, type EntraStandIn } from "../../dev/entra/startEntraStandIn.js";
import { startKeyVaultStandIn, type KeyVaultStandIn } from "../../dev/keyvault/startKeyVaultStandIn.js";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";
import { recordingLogger } from "../support/recordingLogger.js";

let entra: EntraStandIn;
let credential: TokenCredential;
let certificate: IssuedCertificate;
const vaults: KeyVaultStandIn[] = [];
const savedEnv = { ...process.env };

beforeAll(async () => {
  [entra, certificate] = await Promise.all([
    startEntraStandIn(),
    issueCertificate({ subject: "CN=scanned", validDays: 90 }),
  ]);
  // What App Service puts in the environment of a Function app with a managed identity.
  process.env.IDENTITY_ENDPOINT = entra.managedIdentity.endpoint;
  process.env.IDENTITY_HEADER = entra.managedIdentity.header;
  credential = new ManagedIdentityCredential();
});
afterEach(async () => {
  await Promise.all(vaults.splice(0).map((v) => v.stop()));
});
afterAll(async () => {
  process.env = savedEnv;
  await entra.stop();
});

/** A fresh vault holding `count` certificates named cert-00, cert-01, ..., and an SDK client for it. */
async function vaultWith(
  count: number,
  extra: (index: number) => { tags?: Record<string, string>; enabled?: boolean } = () => ({}),
  allowedPrincipals?: string[],
) {
  const vault = await startKeyVaultStandIn({
    authorityHost: entra.authorityHost,
    tenantId: entra.tenantId,
    jwksUri: entra.jwksUri,
    issuer: entra.issuer,
    ...(allowedPrincipals ? { allowedPrincipals } : {}),
  });
  vaults.push(vault);
  for (let i = 0; i < count; i += 1) {
    vault.importCertificate(`cert-${String(i).padStart(2, "0")}`, {
      certPem: certificate.certPem,
      ...extra(i),
    });
  }
  const client = new CertificateClient(vault.url, credential, {
    disableChallengeResourceVerification: isLoopbackUrl(vault.url),
  });
  return { vault, client };
}

/** The requests the scan made with a token: the first, unauthenticated one only fetches the challenge. */
const listRequests = (vault: KeyVaultStandIn) =>
  vault.requests.filter((r) => r.authenticated).map((r) => `${r.method} ${r.path} ${r.status}`);

describe("scanVaultCertificates", () => {
  it("lists 60 certificates with 3 list requests and no per-certificate GET", async () => {
    const { vault, client } = await vaultWith(60);
    const log = recordingLogger();

    const scanned = await scanVaultCertificates(`${vault.url}/`, client, { logger: log.logger });

    expect(scanned).toHaveLength(60);
    expect(new Set(scanned.map((c) => c.name)).size).toBe(60);
    expect(listRequests(vault)).toEqual(Array<string>(3).fill("GET /certificates 200"));
    expect(vault.requests.filter((r) => !r.authenticated)).toHaveLength(1);
    const x509 = new X509Certificate(certificate.certPem);
    expect(scanned[0]).toEqual({
      vaultUrl: vault.url,
      name: "cert-00",
      version: null,
      enabled: true,
      notBefore: new Date(Math.floor(x509.validFromDate.getTime() / 1000) * 1000),
      expiresOn: new Date(Math.floor(x509.validToDate.getTime() / 1000) * 1000),
      tags: {},
      x5tSha1: certificate.thumbprintSha1,
    });
    expect(log.entries.map((e) => [e.message, e.properties])).toEqual([
      ["Vault scan progress", { vaultUrl: vault.url, page: 1, listed: 25, matched: 25 }],
      ["Vault scan progress", { vaultUrl: vault.url, page: 2, listed: 50, matched: 50 }],
      ["Vault scan progress", { vaultUrl: vault.url, page: 3, listed: 60, matched: 60 }],
      ["Vault scan complete", { vaultUrl: vault.url, pages: 3, listed: 60, matched: 60, resumes: 0 }],
    ]);
  });

  it("lists 2,500 certificates with exactly 100 list requests", async () => {
    const { vault, client } = await vaultWith(2_500);
    const log = recordingLogger();

    const scanned = await scanVaultCertificates(vault.url, client, { logger: log.logger });

    expect(scanned).toHaveLength(2_500);
    expect(new Set(scanned.map((c) => c.name)).size).toBe(2_500);
    expect(listRequests(vault)).toEqual(Array<string>(100).fill("GET /certificates 200"));
    expect(log.entries.at(-1)).toMatchObject({
      message: "Vault scan complete",
      properties: { pages: 100, listed: 2_500, matched: 2_500, resumes: 0 },
    });
  });

  it("logs only the summary for a vault that fits in one page", async () => {
    const { vault, client } = await vaultWith(20);
    const log = recordingLogger();
    await scanVaultCertificates(vault.url, client, { logger: log.logger });
    expect(log.entries.map((e) => e.message)).toEqual(["Vault scan complete"]);
    expect(listRequests(vault)).toEqual(["GET /certificates 200"]);
  });

  it("keeps only the certificates with the tag, still listing every page", async () => {
    const owners = ["team-a", "team-b", null];
    const { vault, client } = await vaultWith(30, (i) => {
      const owner = owners[i % 3];
      const tags: Record<string, string> = owner ? { owner } : {};
      return { tags };
    });

    const teamA = await scanVaultCertificates(vault.url, client, { tag: "owner=team-a" });
    expect(teamA.map((c) => c.name)).toEqual([
      "cert-00",
      "cert-03",
      "cert-06",
      "cert-09",
      "cert-12",
      "cert-15",
      "cert-18",
      "cert-21",
      "cert-24",
      "cert-27",
    ]);
    expect(teamA.every((c) => c.tags.owner === "team-a")).toBe(true);
    expect(await scanVaultCertificates(vault.url, client, { tag: "owner" })).toHaveLength(20);
    expect(await scanVaultCertificates(vault.url, client, { tag: "owner=" })).toHaveLength(0);
    expect(listRequests(vault)).toHaveLength(6);
  });

  it("refuses a tag filter without a name before calling the vault", async () => {
    const { vault, client } = await vaultWith(1);
    await expect(scanVaultCertificates(vault.url, client, { tag: "=team-a" })).rejects.toMatchObject({
      code: "CERTIFICATE_TAG_FILTER_INVALID",
      message: 'The certificate tag filter must be "name=value" or "name"; got "=team-a".',
    });
    expect(vault.requests).toHaveLength(0);
  });

  it("reports disabled certificates as disabled", async () => {
    const { vault, client } = await vaultWith(3, (i) => ({ enabled: i !== 1 }));
    const scanned = await scanVaultCertificates(vault.url, client);
    expect(scanned.map((c) => [c.name, c.enabled])).toEqual([
      ["cert-00", true],
      ["cert-01", false],
      ["cert-02", true],
    ]);
  });

  it("rides out a 429 in the middle: the SDK retries after Retry-After and no page is lost", async () => {
    const { vault, client } = await vaultWith(60);
    const log = recordingLogger();
    const scanned = await scanVaultCertificates(vault.url, client, {
      logger: throttleAfterPage(1, log.logger, () => vault.throttleNext(2, 0)),
    });

    expect(scanned.map((c) => c.name)).toEqual(names(60));
    expect(listRequests(vault)).toEqual([
      "GET /certificates 200",
      "GET /certificates 429",
      "GET /certificates 429",
      "GET /certificates 200",
      "GET /certificates 200",
    ]);
  });

  it("starts the listing over when the SDK's retries give up, losing and repeating nothing", async () => {
    const { vault, client } = await vaultWith(60);
    const log = recordingLogger();
    const waits: number[] = [];
    const scanned = await scanVaultCertificates(vault.url, client, {
      logger: throttleAfterPage(1, log.logger, () => vault.throttleNext(5, 0)),
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });

    expect(scanned.map((c) => c.name)).toEqual(names(60));
    // Page 2: the SDK tries 4 times (1 + 3 retries) and gives up. The SDK's pages carry no continuation token, so
    // the scan starts over at page 1, whose first try meets the 5th 429 and is retried by the SDK.
    expect(listRequests(vault)).toEqual([
      "GET /certificates 200",
      ...Array<string>(5).fill("GET /certificates 429"),
      ...Array<string>(3).fill("GET /certificates 200"),
    ]);
    expect(waits).toEqual([0]);
    expect(log.entries.find((e) => e.level === "warn")).toEqual({
      level: "warn",
      message: "Vault scan interrupted; resuming",
      properties: {
        vaultUrl: vault.url,
        page: 2,
        resumeAtPage: 1,
        status: 429,
        waitMs: 0,
        attempt: 1,
        maxResumes: 3,
      },
    });
    expect(log.entries.at(-1)?.properties).toMatchObject({ pages: 3, listed: 60, matched: 60, resumes: 1 });
  });

  it("gives up with KEYVAULT_THROTTLED when a page stays throttled", async () => {
    const { vault, client } = await vaultWith(30);
    vault.throttleNext(100, 0);
    const error = await scanVaultCertificates(vault.url, client, {
      maxResumesPerPage: 1,
      sleep: () => Promise.resolve(),
    }).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: "TransientError", code: "KEYVAULT_THROTTLED" });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^Listing certificates in ${vault.url} was still throttled at page 1 after the SDK's retries and the scan's resumes\\. Key Vault allows 4,000 transactions per 10 seconds per vault`,
      ),
    );
    expect(listRequests(vault)).toHaveLength(8);
  });

  it("says which permission is missing when the identity may not list", async () => {
    const { vault, client } = await vaultWith(1, () => ({}), ["someone-else"]);
    const error = await scanVaultCertificates(vault.url, client).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "CredentialError", code: "KEYVAULT_FORBIDDEN" });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^The app's identity may not list certificates in ${vault.url} \\(certificates/list\\)\\. Grant it the 'Key Vault Reader' or 'Key Vault Certificate User' role`,
      ),
    );
    expect(listRequests(vault)).toEqual(["GET /certificates 403"]);
  });
});

const names = (count: number) =>
  Array.from({ length: count }, (_, i) => `cert-${String(i).padStart(2, "0")}`);

/** A logger that arms the vault's throttling the first time the scan reports page `page`: a 429 mid-scan. */
function throttleAfterPage(page: number, inner: Logger, arm: () => void): Logger {
  let armed = false;
  return {
    ...inner,
    info(message, properties) {
      inner.info(message, properties);
      if (!armed && message === "Vault scan progress" && properties?.page === page) {
        armed = true;
        arm();
      }
    },
  };
}

describe("scanVaultCertificates with a lister whose pages carry continuation tokens", () => {
  const item = (name: string): ListedCertificateProperties => ({ name, enabled: true });
  /** Pages of two, then one; the second page fails once with `status`. */
  function fakeLister(status: number) {
    const calls: (string | undefined)[] = [];
    let failed = false;
    const pages = [["a", "b"], ["c", "d"], ["e"]];
    const lister: CertificateLister = {
      listPropertiesOfCertificates: () => ({
        async *byPage(settings) {
          calls.push(settings?.continuationToken);
          let index = settings?.continuationToken ? Number(settings.continuationToken) : 0;
          for (; index < pages.length; index += 1) {
            if (index === 1 && !failed) {
              failed = true;
              throw Object.assign(new Error(`Service said ${status}`), { statusCode: status });
            }
            const token = index + 1 < pages.length ? String(index + 1) : undefined;
            yield Object.assign(pages[index]!.map(item), token ? { continuationToken: token } : {});
            await Promise.resolve();
          }
        },
      }),
    };
    return { lister, calls };
  }

  it("resumes from the last page's continuation token", async () => {
    const { lister, calls } = fakeLister(503);
    const waits: number[] = [];
    const scanned = await scanVaultCertificates("https://kv.vault.azure.net", lister, {
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    expect(scanned.map((c) => c.name)).toEqual(["a", "b", "c", "d", "e"]);
    expect(calls).toEqual([undefined, "1"]);
    expect(waits).toEqual([1000]);
  });

  it("gives up when the same page keeps failing, though the restarts re-list the pages before it", async () => {
    const calls: number[] = [];
    const lister: CertificateLister = {
      listPropertiesOfCertificates: () => ({
        async *byPage() {
          calls.push(1);
          yield Array.from({ length: 25 }, (_, i) => item(`n${i}`));
          await Promise.resolve();
          throw Object.assign(new Error("Service unavailable"), { statusCode: 503 });
        },
      }),
    };
    const error = await scanVaultCertificates("https://kv.vault.azure.net", lister, {
      sleep: () => Promise.resolve(),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "KEYVAULT_UNAVAILABLE",
      message: "Listing certificates in https://kv.vault.azure.net failed at page 2: Service unavailable",
    });
    expect(calls).toHaveLength(4);
  });

  it.each([
    [403, "CredentialError", "KEYVAULT_FORBIDDEN"],
    [401, "CredentialError", "KEYVAULT_AUTHENTICATION_FAILED"],
    [400, "TransientError", "KEYVAULT_UNAVAILABLE"],
  ])("does not retry a %s, failing with %s %s", async (status, name, code) => {
    const { lister, calls } = fakeLister(status);
    await expect(scanVaultCertificates("https://kv.vault.azure.net", lister)).rejects.toMatchObject({
      name,
      code,
    });
    expect(calls).toEqual([undefined]);
  });

  it("does not start a resume whose wait would pass the run's deadline", async () => {
    const { lister, calls } = fakeLister(503);
    const waits: number[] = [];
    const error = await scanVaultCertificates("https://kv.vault.azure.net", lister, {
      deadline: createDeadline({ budgetMs: 500, clock: systemClock }),
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "KEYVAULT_UNAVAILABLE",
      message: "Listing certificates in https://kv.vault.azure.net failed at page 2: Service said 503",
    });
    expect(waits).toEqual([]);
    expect(calls).toEqual([undefined]);
  });

  it("ends at the run's deadline with TIMED_OUT naming Key Vault when the listing does not answer", async () => {
    const lister: CertificateLister = {
      listPropertiesOfCertificates: () => ({
        // eslint-disable-next-line require-yield -- a listing whose first page never comes
        async *byPage() {
          await new Promise(() => undefined);
        },
      }),
    };
    const started = Date.now();
    const error = await scanVaultCertificates("https://kv.vault.azure.net", lister, {
      deadline: createDeadline({ budgetMs: 200, clock: systemClock }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimedOutError);
    expect(error).toMatchObject({ code: "TIMED_OUT", edge: "Key Vault" });
    expect(Date.now() - started).toBeLessThan(200 + 1_000);
  });
});
