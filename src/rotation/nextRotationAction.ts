import type { RotationRecord } from "./RotationRecord.js";

/** What the rotation must do next. */
export type RotationAction =
  | { kind: "start" }
  | { kind: "create-version" }
  | { kind: "await-version" }
  /** Register `version` (the latest in Key Vault, new since the rotation started) on the app registration. */
  | { kind: "add-key"; version: string }
  /** Prove `version` (the rotation's new version) gets a token, then switch to it. */
  | { kind: "verify"; version: string }
  | { kind: "wait"; until: string }
  /** Remove the old key; the proof is signed by `version` (the rotation's new version). */
  | { kind: "remove-key"; version: string }
  | { kind: "done" }
  | { kind: "manual" };

/** What the orchestrator has seen this run (no I/O here). */
export interface RotationObservation {
  now: Date;
  /** The latest completed version in Key Vault and its thumbprint; null when unknown. */
  latest: { version: string; thumbprintSha1: string } | null;
  /** A create operation is in progress in Key Vault. */
  pendingOperation: boolean;
  /** SHA-1 thumbprints (hex, upper case) of the certificates registered on the app registration. */
  registeredThumbprints: readonly string[];
  /**
   * Key Vault issues a new version itself (issuer Self, or an issuer object of a partnered CA). Consulted only when
   * the rotation needs a new version and none is coming: it decides between create-version and manual.
   */
  renewable: boolean;
}

/**
 * Pure: the next action of a rotation, from its record (null = none yet) and what was observed. Decisions follow
 * the world, not only the record — a key already registered is not added again, a version Key Vault renewed on its
 * own is used instead of creating another — so a crash anywhere resumes without doing a step twice.
 */
export function nextRotationAction(record: RotationRecord | null, seen: RotationObservation): RotationAction {
  if (!record) return { kind: "start" };
  const step = record.step === "failed" ? (record.resumeStep ?? "renewing") : record.step;
  if (step === "completed") return { kind: "done" };
  const { newVersion } = record;
  // Past renewing a record names its new version; one that does not (damaged) renews again, as far as the world says.
  if (step === "verifying" && newVersion) return { kind: "verify", version: newVersion };
  if (step === "switched" && newVersion) {
    if (!seen.registeredThumbprints.includes(record.oldThumbprintSha1)) return { kind: "done" };
    if (record.retireAfter && seen.now.getTime() < Date.parse(record.retireAfter)) {
      return { kind: "wait", until: record.retireAfter };
    }
    return { kind: "remove-key", version: newVersion };
  }
  // renewing or manual. A version other than the one rotated from is the rotation's: created by it, by Key Vault
  // (AutoRenew, a partnered CA) or merged by a person since the rotation started.
  if (seen.latest && seen.latest.version !== record.oldVersion) {
    return { kind: "add-key", version: seen.latest.version };
  }
  // While a create operation exists it is the source of truth: a new version is coming; never start another.
  if (seen.pendingOperation) return { kind: "await-version" };
  return seen.renewable ? { kind: "create-version" } : { kind: "manual" };
}
