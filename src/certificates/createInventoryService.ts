import { CertificateClient } from "@azure/keyvault-certificates";
import type { TokenCredential } from "@azure/identity";
import type { Clock } from "../clock/Clock.js";
import { createDeadline, type Deadline } from "../clock/Deadline.js";
import { INTERACTIVE_BUDGET_MS } from "../clock/interactiveBudget.js";
import type { Config } from "../config/Config.js";
import type { CredentialProvider } from "../credentials/AppCredential.js";
import { keyVaultCall } from "../credentials/keyVaultCall.js";
import { keyVaultClientOptions } from "../credentials/keyVaultClientOptions.js";
import { keyVaultError } from "../credentials/keyVaultError.js";
import type { GraphApplication, GraphApplications } from "../graph/GraphApplications.js";
import type { Logger } from "../logging/Logger.js";
import type { RotationStore } from "../rotation/RotationPorts.js";
import type { RotationRecord } from "../rotation/RotationRecord.js";
import { buildCertificateInventory, type AppCertificate } from "./buildCertificateInventory.js";
import type { AppCredentialItem, CertificateInventoryItem } from "./CertificateInventoryItem.js";
import type { DriftFinding } from "./DriftFinding.js";
import { firstOfEach } from "./firstOfEach.js";
import type { ScannedCertificate } from "./ScannedCertificate.js";
import { scanVaultCertificates, type CertificateLister } from "./scanVaultCertificates.js";

export interface CertificateInventory {
  generatedAt: string;
  items: CertificateInventoryItem[];
  findings: DriftFinding[];
  /** The app registration's own credentials, classified; empty when Graph could not be read. */
  appCredentials: AppCredentialItem[];
  /** When the last registered certificate ends: after it, addKey is impossible (see buildCertificateInventory). */
  registeredCertificatesValidUntil: string | null;
  /** Why registration status is unknown, when Graph could not be read. */
  graphError: string | null;
  /** Every vault listed and certificate read, and whether it could be: a source that failed says nothing of its certificates. */
  sources: InventorySource[];
  /** The app certificate's rotation progress, when one was ever started. */
  rotation: RotationRecord | null;
}

export interface InventorySource {
  /** A vault URL (every certificate in it) or `<vault URL>/certificates/<name>` (one certificate). */
  source: string;
  ok: boolean;
  /** Why it could not be read; null when it was. A named certificate that does not exist is read (ok) and absent. */
  error: string | null;
}

export interface InventoryService {
  /**
   * With a `deadline` (the invocation's), every read ends by it: a source that does not answer in time is reported
   * unreadable (TIMED_OUT naming the edge), and so is Graph; the app's own credential, when it must be loaded and
   * cannot be, fails the inventory.
   */
  inventory(logger: Logger, deadline?: Deadline): Promise<CertificateInventory>;
  /**
   * The last inventory read (by anyone: the certificate check, a rotation, a Key Vault event, another viewer) when it
   * is at most `maxAgeMs` old, else a new one — one read at a time, shared by every caller that comes while it runs,
   * bounded by INTERACTIVE_BUDGET_MS. For views that many open at once: the status page costs Key Vault and Graph one
   * read per `maxAgeMs` per instance, whatever the viewers.
   */
  recent(logger: Logger, maxAgeMs: number): Promise<CertificateInventory>;
}

/** The certificate client for a vault: one per vault, kept for the process. */
export type VaultClientFor = (
  vaultUrl: string,
) => CertificateLister & Pick<CertificateClient, "getCertificate">;

/**
 * The certificates the app watches, classified by days left, whether the app registration knows them (Graph),
 * drift findings, the app registration's own credentials and the rotation's progress.
 *
 * Scope (M2M_CERT_SCOPE): the app's own Key Vault certificate always (one GET, which also reads its policy's
 * issuer), named certificates (one GET each) and every certificate of whole vaults (listed page by page,
 * ceil(N/25) requests, filtered by M2M_CERT_SCOPE_TAG). A source that cannot be read is reported in `sources`
 * and does not fail the others; Graph being unreadable (no permission, a network problem) leaves registration
 * "unknown" and says why.
 */
export function createInventoryService(deps: {
  config: Config;
  credentials: CredentialProvider;
  /** The app's identity for Azure resources; null when it has none (then only the app's own credential is seen). */
  azureCredential: TokenCredential | null;
  graph: GraphApplications;
  rotations: RotationStore;
  clock: Clock;
  /** Default: the SDK's CertificateClient with `azureCredential`. */
  vaultClient?: VaultClientFor;
}): InventoryService {
  const { config } = deps;
  const source = config.credential;
  const clients = new Map<string, ReturnType<VaultClientFor>>();
  const clientFor = (vaultUrl: string): ReturnType<VaultClientFor> | null => {
    if (deps.vaultClient) return deps.vaultClient(vaultUrl);
    if (!deps.azureCredential) return null;
    const key = vaultUrl.toLowerCase();
    let client = clients.get(key);
    if (!client) {
      client = new CertificateClient(vaultUrl, deps.azureCredential, keyVaultClientOptions(vaultUrl));
      clients.set(key, client);
    }
    return client;
  };
  const own =
    source.kind === "keyvault-certificate"
      ? { vaultUrl: source.vaultUrl, name: source.certificateName }
      : null;
  const managed =
    own && source.kind === "keyvault-certificate" && source.certificateVersion === null ? own : null;
  const named = firstOfEach([...(own ? [own] : []), ...config.watch.certificates]);

  async function readVault(vaultUrl: string, logger: Logger, deadline: Deadline | undefined): Promise<Read> {
    const client = clientFor(vaultUrl);
    if (!client)
      return { source: vaultUrl, error: "the app has no Azure identity to read Key Vault with", found: [] };
    try {
      const found = await scanVaultCertificates(vaultUrl, client, {
        logger,
        ...(config.watch.tag ? { tag: config.watch.tag } : {}),
        ...(deadline ? { deadline } : {}),
      });
      return { source: vaultUrl, error: null, found };
    } catch (error) {
      return { source: vaultUrl, error: messageOf(error), found: [] };
    }
  }

  async function readOne(
    certificate: { vaultUrl: string; name: string },
    deadline: Deadline | undefined,
  ): Promise<Read> {
    const where = `${certificate.vaultUrl}/certificates/${certificate.name}`;
    const client = clientFor(certificate.vaultUrl);
    if (!client)
      return { source: where, error: "the app has no Azure identity to read Key Vault with", found: [] };
    try {
      const read = await keyVaultCall(deadline, (call) => client.getCertificate(certificate.name, call));
      const p = read.properties;
      return {
        source: where,
        error: null,
        found: [
          {
            vaultUrl: certificate.vaultUrl.replace(/\/+$/, ""),
            name: p.name ?? certificate.name,
            version: p.version ?? null,
            enabled: p.enabled !== false,
            notBefore: p.notBefore ?? null,
            expiresOn: p.expiresOn ?? null,
            tags: p.tags ?? {},
            x5tSha1: p.x509Thumbprint ? Buffer.from(p.x509Thumbprint).toString("hex").toUpperCase() : null,
            policyIssuer: read.policy?.issuerName ?? null,
          },
        ],
      };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404)
        return { source: where, error: null, found: [] };
      return { source: where, error: keyVaultError(error, `read ${where}`).message, found: [] };
    }
  }

  // The last inventory read, and the shared read in flight for recent().
  let latest: { inventory: CertificateInventory; atMs: number } | null = null;
  let sharedRead: Promise<CertificateInventory> | null = null;

  const service: InventoryService = {
    async inventory(logger, deadline) {
      const read = await readInventory(logger, deadline);
      latest = { inventory: read, atMs: deps.clock().getTime() };
      return read;
    },
    recent(logger, maxAgeMs) {
      if (latest && deps.clock().getTime() - latest.atMs <= maxAgeMs)
        return Promise.resolve(latest.inventory);
      sharedRead ??= service
        .inventory(logger, createDeadline({ budgetMs: INTERACTIVE_BUDGET_MS, clock: deps.clock }))
        .finally(() => {
          sharedRead = null;
        });
      return sharedRead;
    },
  };
  return service;

  async function readInventory(
    logger: Logger,
    deadline: Deadline | undefined,
  ): Promise<CertificateInventory> {
    const now = deps.clock();
    const [reads, current, application, rotation] = await Promise.all([
      Promise.all([
        ...config.watch.vaults.map((vault) => readVault(vault, logger, deadline)),
        ...named.map((certificate) => readOne(certificate, deadline)),
      ]),
      deps.credentials.current(deadline),
      deps.graph.getByAppId(config.clientId, deadline).then(
        (app): { app: GraphApplication | null; error: string | null } => ({ app, error: null }),
        (error: unknown) => ({ app: null, error: messageOf(error) }),
      ),
      own
        ? deps.rotations.get(own.name, deadline).catch((error: unknown) => {
            logger.warn("Could not read the rotation's progress", { error: messageOf(error) });
            return null;
          })
        : Promise.resolve(null),
    ]);
    for (const read of reads) {
      if (read.error) logger.warn(`Could not read ${read.source}: ${read.error}`, { source: read.source });
    }
    // A certificate read on its own (with its version and policy) wins over the same one in a listing.
    const scanned = firstOfEach(
      [...reads.slice(config.watch.vaults.length), ...reads.slice(0, config.watch.vaults.length)].flatMap(
        (r) => r.found,
      ),
    );
    const certificate = current.certificate;
    const inUse: AppCertificate | null = certificate
      ? {
          name: own ? own.name : certificate.source,
          thumbprintSha1: certificate.thumbprintSha1,
          thumbprintSha256: certificate.thumbprintSha256,
          issuer: certificate.issuer,
          notAfter: certificate.notAfter,
        }
      : null;
    const record = rotation?.record ?? null;
    const built = buildCertificateInventory({
      scanned,
      inUse,
      application: application.app,
      otherKnownThumbprints: [record?.oldThumbprintSha1, record?.newThumbprintSha1].filter(
        (t): t is string => !!t,
      ),
      managed,
      now,
      policy: config.expiry,
    });
    return {
      generatedAt: now.toISOString(),
      ...built,
      graphError: application.error,
      sources: reads.map((r) => ({ source: r.source, ok: r.error === null, error: r.error })),
      rotation: record,
    };
  }
}

interface Read {
  source: string;
  error: string | null;
  found: ScannedCertificate[];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
