import type { TokenCredential } from "@azure/identity";
import { CertificateClient } from "@azure/keyvault-certificates";
import { SecretClient } from "@azure/keyvault-secrets";
import type { Clock } from "../clock/Clock.js";
import { isLoopbackUrl } from "../credentials/isLoopbackUrl.js";
import { checkCertificateCredential } from "../credentials/certificate/checkCertificateCredential.js";
import { parseKeyVaultSecret } from "../credentials/certificate/parseKeyVaultSecret.js";
import type { LatestVersion, RenewableCertificate } from "./RotationPorts.js";

/** Issuers Key Vault renews by itself when a new version is created with the existing policy. */
const RENEWABLE_ISSUERS = new Set(["self", "digicert", "globalsign"]);

/** The rotation's view of a Key Vault certificate, through the official SDKs. */
export function keyVaultRenewableCertificate(
  vaultUrl: string,
  credential: TokenCredential,
  clock: Clock,
): RenewableCertificate {
  const options = { disableChallengeResourceVerification: isLoopbackUrl(vaultUrl) };
  const certificates = new CertificateClient(vaultUrl, credential, options);
  const secrets = new SecretClient(vaultUrl, credential, options);
  return {
    async latest(name) {
      // The newest version may be a pending one (no certificate yet): take the newest completed, enabled version.
      let best: (LatestVersion & { createdOn: number }) | null = null;
      for await (const properties of certificates.listPropertiesOfCertificateVersions(name)) {
        if (!properties.version || !properties.x509Thumbprint || properties.enabled === false) continue;
        const createdOn = properties.createdOn?.getTime() ?? 0;
        if (!best || createdOn >= best.createdOn) {
          best = {
            version: properties.version,
            thumbprintSha1: Buffer.from(properties.x509Thumbprint).toString("hex").toUpperCase(),
            expiresOn: properties.expiresOn ?? null,
            notBefore: properties.notBefore ?? null,
            createdOn,
          };
        }
      }
      if (!best) return null;
      const { createdOn: _createdOn, ...latest } = best;
      return latest;
    },
    async hasPendingOperation(name) {
      try {
        const poller = await certificates.getCertificateOperation(name);
        const status = poller.getOperationState().certificateOperation?.status;
        return status === "inProgress";
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return false;
        throw error;
      }
    },
    async isRenewable(name) {
      const policy = await certificates.getCertificatePolicy(name);
      return RENEWABLE_ISSUERS.has((policy.issuerName ?? "").toLowerCase());
    },
    async createVersion(name) {
      const policy = await certificates.getCertificatePolicy(name);
      // Start it and return: the next run awaits the pending operation instead of holding a function open.
      await certificates.beginCreateCertificate(name, policy);
    },
    async load(name, version) {
      const secret = await secrets.getSecret(name, { version });
      const parsed = parseKeyVaultSecret(
        { value: secret.value ?? "", contentType: secret.properties.contentType ?? null },
        `Key Vault certificate '${name}' version ${version} in ${vaultUrl}`,
      );
      checkCertificateCredential(parsed, clock());
      return parsed;
    },
  };
}
