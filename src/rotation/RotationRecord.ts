/**
 * Where a certificate's renewal and key rotation stands, persisted after every step so that a crash between
 * steps resumes at the right one and nothing is done twice.
 *
 * renewing  → a new version is being created in Key Vault (or awaited, when Key Vault renews it itself); once it
 *             exists its public key is added to the app registration (addKey) and the step becomes verifying
 * verifying → the new key is registered; a token is being acquired with the new certificate
 * switched  → the token path uses the new certificate; the old key stays registered until `retireAfter`
 * completed → the old key is removed from the app registration (removeKey)
 * manual    → Key Vault cannot renew this issuer: a person must merge a CSR; alerts say how
 * failed    → a step failed `attempts` times in a row; alerts carry `lastError`; the next run tries again
 */
export type RotationStep = "renewing" | "verifying" | "switched" | "completed" | "manual" | "failed";

export interface RotationRecord {
  certificateName: string;
  step: RotationStep;
  /** The step to resume when `step` is "failed". */
  resumeStep: Exclude<RotationStep, "failed"> | null;
  startedAt: string;
  updatedAt: string;
  oldVersion: string;
  oldThumbprintSha1: string;
  newVersion: string | null;
  newThumbprintSha1: string | null;
  /** keyId of the new key on the app registration, once added. */
  newKeyId: string | null;
  /** keyId of the old key on the app registration (removed at the end). */
  oldKeyId: string | null;
  switchedAt: string | null;
  /** The old key is removed after this time (switchedAt + grace period). */
  retireAfter: string | null;
  completedAt: string | null;
  attempts: number;
  lastError: string | null;
}

/**
 * The version the token path must use given this rotation, or null to follow the latest (no rotation yet):
 * - until the rotation has switched, the old version: the new one is not (known to be) registered on the app
 *   registration, and Entra ID would refuse it with AADSTS700027;
 * - once switched (or completed), the new version — also when a later version appears outside a rotation (Key
 *   Vault's AutoRenew, a person): the certificate check adopts that one (registers, proves, switches) first.
 */
export function heldVersion(record: RotationRecord | null): string | null {
  if (!record) return null;
  const step = record.step === "failed" ? record.resumeStep : record.step;
  if (step === "switched" || step === "completed") return record.newVersion;
  return record.oldVersion;
}
