import type { Alert } from "../alerts/Alert.js";
import type { RotationRecord } from "../rotation/RotationRecord.js";
import { alertFacts } from "./alertFacts.js";
import type { AlertWording } from "./AlertWording.js";
import type { CertificateInventoryItem } from "./CertificateInventoryItem.js";

type Certificate = Pick<CertificateInventoryItem, "name" | "vaultUrl">;

/**
 * The app's renewal of `name` failed with `error`. `failed` is the rotation record when the failure is a step it
 * recorded (step and attempt are told); null when the renewal threw before recording one.
 */
export function renewalFailedWording(
  name: string,
  error: string,
  failed: RotationRecord | null,
): AlertWording {
  return {
    title: `Renewal of certificate '${name}' failed`,
    text:
      `${error}${failed ? ` (step '${failed.resumeStep ?? "renewing"}', attempt ${failed.attempts})` : ""}. ` +
      `The app tries again on every check (M2M_CERT_CHECK_SCHEDULE) and on POST /api/certificates/${name}/renew; the token path keeps the current certificate meanwhile.`,
  };
}

/** Key Vault cannot renew the certificate's issuer: the Azure CLI steps by which a person renews it from a CSR. */
export function manualRenewalWording(certificate: Certificate): AlertWording {
  const { name } = certificate;
  const vault = new URL(certificate.vaultUrl).hostname.split(".")[0];
  return {
    title: `Certificate '${name}' needs a manual renewal`,
    text:
      `Key Vault cannot renew '${name}' itself: its policy's issuer is neither Self nor an issuer object whose provider Key Vault works with (DigiCert, GlobalSign). ` +
      `Create the new version from a CSR: (1) az keyvault certificate create --vault-name ${vault} --name ${name} --policy "$(az keyvault certificate show --vault-name ${vault} --name ${name} --query policy)" ` +
      `starts a pending version; (2) az keyvault certificate pending show --vault-name ${vault} --name ${name} --query csr -o tsv gives the CSR for your CA to sign; ` +
      `(3) az keyvault certificate pending merge --vault-name ${vault} --name ${name} --file <signed>.cer completes it. ` +
      `The app then registers the new key, proves it, switches to it and retires the old key on its own.`,
  };
}

/** A rotation at its renewing or verifying step: the app is on its way. */
export function renewalProgressWording(name: string, record: RotationRecord): AlertWording {
  return {
    title: `Renewing certificate '${name}'`,
    text: `Renewal started at ${record.startedAt} (step '${record.step}'). The app creates the new version in Key Vault, registers its key on the app registration, proves it gets a token with it and switches to it on its own.`,
  };
}

/** A rotation that switched to the new version: when the old key goes (or went). */
export function rotationSwitchedWording(name: string, record: RotationRecord): AlertWording {
  const oldKey =
    record.step === "completed"
      ? `was removed at ${record.completedAt ?? "?"}`
      : `is removed after ${record.retireAfter ?? "the grace period"} (M2M_ROTATION_GRACE_HOURS)`;
  return {
    title: `Certificate '${name}' renewed; the app uses the new version`,
    text:
      `Version ${record.newVersion ?? "?"} (SHA-1 ${record.newThumbprintSha1 ?? "?"}) is registered on the app registration, got a token, and signs the app's token requests since ${record.switchedAt ?? "?"}. ` +
      `The old key (SHA-1 ${record.oldThumbprintSha1}) ${oldKey}.`,
  };
}

/** The resolution of a rotation alert: the rotation completed (or no longer needs attention). */
export function rotationResolvedWording(name: string, record: RotationRecord | null): AlertWording {
  return {
    title: `Certificate '${name}' rotated`,
    text:
      record?.step === "completed"
        ? `The app uses version ${record.newVersion ?? "?"} (SHA-1 ${record.newThumbprintSha1 ?? "?"}) and the old key (SHA-1 ${record.oldThumbprintSha1}) was removed from the app registration at ${record.completedAt ?? "?"}. Nothing is left to do.`
        : `The renewal of '${name}' no longer needs attention.`,
  };
}

/** The facts a rotation's alerts list: what of `record` is known so far. */
export function rotationFacts(certificate: Certificate, record: RotationRecord | null): Alert["facts"] {
  return alertFacts([
    ["Certificate", certificate.name],
    ["Vault", certificate.vaultUrl],
    ["Step", record?.step ?? null],
    ["Started", record?.startedAt ?? null],
    ["Old version", record?.oldVersion ?? null],
    ["Old SHA-1", record?.oldThumbprintSha1 ?? null],
    ["New version", record?.newVersion ?? null],
    ["New SHA-1", record?.newThumbprintSha1 ?? null],
    ["Old key removed after", record?.retireAfter ?? null],
    ["Attempts", record && record.attempts > 0 ? String(record.attempts) : null],
  ]);
}
