import { CertificateClient } from "@azure/keyvault-certificates";
import type { TokenCredential } from "@azure/identity";
import type { Clock } from "../clock/Clock.js";
import type { Config } from "../config/Config.js";
import type { CredentialProvider } from "../credentials/AppCredential.js";
import { isLoopbackUrl } from "../credentials/isLoopbackUrl.js";
import type { GraphApplication, GraphApplications } from "../graph/GraphApplications.js";
import type { Logger } from "../logging/Logger.js";
import type { RotationStore } from "../rotation/RotationPorts.js";
import type { RotationRecord } from "../rotation/RotationRecord.js";
import { buildCertificateInventory, type AppCertificate } from "./buildCertificateInventory.js";
import type { CertificateInventoryItem } from "./CertificateInventoryItem.js";
import type { DriftFinding } from "./DriftFinding.js";
import { scanVaultCertificates } from "./scanVaultCertificates.js";

export interface CertificateInventory {
  generatedAt: string;
  items: CertificateInventoryItem[];
  findings: DriftFinding[];
  /** Why registration status is unknown, when Graph could not be read. */
  graphError: string | null;
  /** The app certificate's rotation progress, when one was ever started. */
  rotation: RotationRecord | null;
}

export interface InventoryService {
  inventory(logger: Logger): Promise<CertificateInventory>;
}

/**
 * The certificate inventory of the app's vault: every certificate classified by days left, whether the app
 * registration knows it (Graph), drift findings, and the rotation's progress. Graph being unreadable (no
 * permission to read, a network problem) leaves registration "unknown" and says why, instead of failing the whole
 * inventory.
 */
export function createInventoryService(deps: {
  config: Config;
  credentials: CredentialProvider;
  vaultCredential: TokenCredential | null;
  graph: GraphApplications;
  rotations: RotationStore;
  clock: Clock;
}): InventoryService {
  const source = deps.config.credential;
  const client =
    source.kind === "keyvault-certificate" && deps.vaultCredential
      ? new CertificateClient(source.vaultUrl, deps.vaultCredential, {
          disableChallengeResourceVerification: isLoopbackUrl(source.vaultUrl),
        })
      : null;
  return {
    async inventory(logger) {
      const now = deps.clock();
      const [scanned, current, application, rotation] = await Promise.all([
        client && source.kind === "keyvault-certificate"
          ? scanVaultCertificates(source.vaultUrl, client, { logger })
          : [],
        deps.credentials.current(),
        deps.graph.getByAppId(deps.config.clientId).then(
          (app): { app: GraphApplication | null; error: string | null } => ({ app, error: null }),
          (error: unknown) => ({ app: null, error: error instanceof Error ? error.message : String(error) }),
        ),
        source.kind === "keyvault-certificate"
          ? deps.rotations.get(source.certificateName)
          : Promise.resolve(null),
      ]);
      const certificate = current.certificate;
      const inUse: AppCertificate | null = certificate
        ? {
            name: source.kind === "keyvault-certificate" ? source.certificateName : certificate.source,
            thumbprintSha1: certificate.thumbprintSha1,
            thumbprintSha256: certificate.thumbprintSha256,
            issuer: certificate.issuer,
            notAfter: certificate.notAfter,
          }
        : null;
      const record = rotation?.record ?? null;
      const { items, findings } = buildCertificateInventory({
        scanned,
        inUse,
        application: application.app,
        otherKnownThumbprints: [record?.oldThumbprintSha1, record?.newThumbprintSha1].filter(
          (t): t is string => !!t,
        ),
        now,
        policy: deps.config.expiry,
      });
      return {
        generatedAt: now.toISOString(),
        items,
        findings,
        graphError: application.error,
        rotation: record,
      };
    },
  };
}
