import type { Alert } from "../alerts/Alert.js";
import type { RotationRecord, RotationStep } from "../rotation/RotationRecord.js";
import { alertFacts } from "./alertFacts.js";
import type { AlertWording } from "./AlertWording.js";
import type { CertificateInventoryItem } from "./CertificateInventoryItem.js";

/** How the app's renewal of its own certificate stands, as that certificate's expiry alert tells it. */
export type RenewalStatus =
  /** Key Vault cannot renew the certificate's issuer: a person must merge a signed CSR. */
  | { kind: "manual" }
  /** A step of the rotation failed; every check tries it again. */
  | { kind: "failed"; resumeStep: RotationRecord["resumeStep"]; lastError: string | null }
  /** A rotation is under way at `step`. */
  | { kind: "rotating"; step: Exclude<RotationStep, "completed" | "manual" | "failed"> }
  /** A rotation starts in this check. */
  | { kind: "starting" }
  /** This check's renewal could not run (it threw before recording a step). */
  | { kind: "not-run"; error: string }
  /** Not due yet: the app renews it from `due` (ISO 8601). */
  | { kind: "scheduled"; due: string }
  /** Due, but no renewal is under way. */
  | { kind: "overdue" };

/**
 * What stands to be lost when the registered certificates run out: Graph's addKey needs a proof signed by a currently
 * valid registered certificate, so without one the app cannot register its next key itself.
 */
export interface AddKeyRisk {
  /** When the last certificate registered on the app registration expires (or expired), ISO 8601. */
  registeredUntil: string;
  /** `registeredUntil` has passed: the app can no longer add a key itself. */
  lost: boolean;
}

/** What the plan decided about a certificate that reached a reminder step (or expired). */
export interface CertificateExpiry {
  item: CertificateInventoryItem;
  /** The item's expiry (`item.notAfter`, known here). */
  notAfter: string;
  expired: boolean;
  /** How the app's renewal stands, for the certificate the app renews; null for one a person must renew. */
  renewal: RenewalStatus | null;
  /** The addKey warning critical alerts carry, or null. */
  addKey: AddKeyRisk | null;
  /** The app's client id. */
  appId: string;
  /** M2M_CERT_RENEW_BEFORE_DAYS. */
  renewBeforeDays: number;
}

/** The alert about a certificate near (or past) its expiry: when, and what to do about it. */
export function certificateExpiryWording(expiry: CertificateExpiry): AlertWording {
  const { item, expired } = expiry;
  const lines = [
    `'${item.name}' in ${item.vaultUrl} ${expired ? "expired" : "expires"} on ${expiry.notAfter}.` +
      (item.inUse ? " The app signs its token requests with it." : ""),
    expiry.renewal
      ? renewalAdvice(expiry.renewal, item.name, expiry.renewBeforeDays)
      : personRenewalAdvice(item),
  ];
  if (expiry.addKey) lines.push(addKeyWarning(expiry.addKey, expiry.appId));
  return { title: expiryTitle(item.name, expired, item.daysLeft ?? 0), text: lines.join(" ") };
}

function expiryTitle(name: string, expired: boolean, days: number): string {
  if (!expired) return `Certificate '${name}' expires in ${days} day${days === 1 ? "" : "s"}`;
  return days === 0
    ? `Certificate '${name}' has expired`
    : `Certificate '${name}' expired ${-days} day${days === -1 ? "" : "s"} ago`;
}

function renewalAdvice(renewal: RenewalStatus, name: string, renewBeforeDays: number): string {
  switch (renewal.kind) {
    case "manual":
      return "Key Vault cannot renew its issuer itself: a person must merge a signed CSR (the renewal alert says how).";
    case "failed":
      return `The app's renewal failed at step '${renewal.resumeStep ?? "renewing"}' (${renewal.lastError ?? "no detail"}); it tries again on every check.`;
    case "rotating":
      return `The app is renewing it (step '${renewal.step}'); the renewal alerts follow its progress.`;
    case "starting":
      return `It is due for renewal (M2M_CERT_RENEW_BEFORE_DAYS=${renewBeforeDays}): the app is renewing it and rotating the app registration's key now; the renewal alerts follow.`;
    case "not-run":
      return `The app's renewal could not run: ${renewal.error}. It tries again on every check.`;
    case "scheduled":
      return `The app renews it and rotates the app registration's key ${renewBeforeDays} days before expiry (from ${renewal.due}, M2M_CERT_RENEW_BEFORE_DAYS); nothing to do unless that fails.`;
    case "overdue":
      return `It is due for renewal (M2M_CERT_RENEW_BEFORE_DAYS=${renewBeforeDays}) but no renewal is under way: check M2M_ROTATION_DRY_RUN and the app's logs, or renew now with POST /api/certificates/${name}/renew.`;
  }
}

/** How a person renews a certificate the app does not renew: the Azure CLI commands for its vault. */
function personRenewalAdvice(item: CertificateInventoryItem): string {
  const vault = new URL(item.vaultUrl).hostname.split(".")[0];
  const policyCommand = `az keyvault certificate show --vault-name ${vault} --name ${item.name} --query policy`;
  return (
    `Renew it: create a new version with its policy (az keyvault certificate create --vault-name ${vault} --name ${item.name} --policy "$(${policyCommand})"), ` +
    `or for a CA Key Vault is not integrated with, merge the CA-signed CSR (az keyvault certificate pending merge). ` +
    (item.registration === "registered"
      ? "It is registered on the app registration: register the new version there too. "
      : "") +
    "This alert resolves when a version with a later expiry exists."
  );
}

function addKeyWarning(risk: AddKeyRisk, appId: string): string {
  if (risk.lost) {
    return (
      `Every certificate registered on the app registration has expired (the last on ${risk.registeredUntil}): the app can no longer add a key itself, because Graph's addKey needs a proof signed by a currently valid registered certificate. ` +
      `Upload the new certificate by hand (Azure portal > App registrations > Certificates & secrets > Upload certificate, or az ad app credential reset --id ${appId} --cert @<file>.pem --append).`
    );
  }
  return (
    `Renew before ${risk.registeredUntil}: once the last certificate registered on the app registration expires, the app cannot add a key itself (Graph's addKey needs a proof signed by a currently valid registered certificate) ` +
    "and a person must upload the next certificate in the Azure portal."
  );
}

/** The resolution of a certificate's expiry alert: the certificate no longer needs attention (renewed, mostly). */
export function certificateRenewedWording(item: CertificateInventoryItem): AlertWording {
  return {
    title: `Certificate '${item.name}' renewed`,
    text:
      item.notAfter === null
        ? `'${item.name}' in ${item.vaultUrl} no longer needs attention (state: ${item.state}).`
        : `'${item.name}' in ${item.vaultUrl} now expires on ${item.notAfter} (${item.daysLeft} days left).` +
          (item.state === "disabled" ? " Its latest version is disabled." : ""),
  };
}

/** The facts a certificate's alerts list; `rotationStep` is the step of the app's rotation of it, if any. */
export function certificateFacts(
  item: CertificateInventoryItem,
  renewBeforeDays: number,
  rotationStep: RotationStep | null,
): Alert["facts"] {
  return alertFacts([
    ["Certificate", item.name],
    ["Vault", item.vaultUrl],
    ["Version", item.version],
    ["Expires", item.notAfter],
    ["Days left", item.daysLeft === null ? null : String(item.daysLeft)],
    ["State", item.state],
    ["SHA-1 thumbprint", item.thumbprints.sha1],
    ["In use by the app", item.inUse ? "yes" : "no"],
    ["App registration", item.registration],
    [
      "Renewal",
      item.managed ? `automatic, ${renewBeforeDays} days before expiry` : "not managed by this app",
    ],
    ["Rotation step", rotationStep],
  ]);
}
