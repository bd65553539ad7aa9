import { randomUUID } from "node:crypto";

/** Key Vault's certificate event types (Event Grid), without the `Microsoft.KeyVault.` prefix. */
export type CertificateEventType =
  "CertificateNewVersionCreated" | "CertificateNearExpiry" | "CertificateExpired";

/** An Event Grid event in the Event Grid schema, as a Functions Event Grid trigger receives it. */
export interface KeyVaultEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: string;
  eventTime: string;
  dataVersion: string;
  metadataVersion: string;
  data: {
    Id: string;
    VaultName: string;
    ObjectType: "Certificate";
    ObjectName: string;
    Version: string;
    /** Not-before and expiry, seconds since the epoch; null when not given. */
    NBF: number | null;
    EXP: number | null;
  };
}

/**
 * The payload Key Vault publishes for a certificate event, for tests and the local host: `data.Id` is the version's
 * identifier under `vaultUrl`, `VaultName` the vault's first host label, NBF/EXP in seconds as Key Vault sends them.
 */
export function certificateEvent(
  type: CertificateEventType,
  certificate: { vaultUrl: string; name: string; version: string; notBefore?: Date; expiresOn?: Date },
  eventTime = new Date(),
): KeyVaultEvent {
  const vaultUrl = certificate.vaultUrl.replace(/\/+$/, "");
  const vaultName = new URL(vaultUrl).hostname.split(".")[0] ?? "";
  const seconds = (date: Date | undefined) => (date ? Math.floor(date.getTime() / 1000) : null);
  return {
    id: randomUUID(),
    topic: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/local/providers/Microsoft.KeyVault/vaults/${vaultName}`,
    subject: certificate.name,
    eventType: `Microsoft.KeyVault.${type}`,
    eventTime: eventTime.toISOString(),
    dataVersion: "1",
    metadataVersion: "1",
    data: {
      Id: `${vaultUrl}/certificates/${certificate.name}/${certificate.version}`,
      VaultName: vaultName,
      ObjectType: "Certificate",
      ObjectName: certificate.name,
      Version: certificate.version,
      NBF: seconds(certificate.notBefore),
      EXP: seconds(certificate.expiresOn),
    },
  };
}
