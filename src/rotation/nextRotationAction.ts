import type { RotationRecord } from "./RotationRecord.js";

/** What the rotation must do next. */
export type RotationAction =
  | { kind: "start" }
  | { kind: "create-version" }
  | { kind: "await-version" }
  | { kind: "add-key" }
  | { kind: "verify" }
  | { kind: "wait"; until: string }
  | { kind: "remove-key" }
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
  /** Key Vault can renew the certificate's issuer itself (Self, DigiCert, GlobalSign). */
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
  switch (step) {
    case "manual":
    case "renewing": {
      const renewed = seen.latest && seen.latest.version !== record.oldVersion;
      if (renewed) return { kind: "add-key" };
      if (seen.pendingOperation) return { kind: "await-version" };
      return seen.renewable ? { kind: "create-version" } : { kind: "manual" };
    }
    case "verifying":
      return { kind: "verify" };
    case "switched": {
      if (!seen.registeredThumbprints.includes(record.oldThumbprintSha1)) return { kind: "done" };
      if (record.retireAfter && seen.now.getTime() < Date.parse(record.retireAfter)) {
        return { kind: "wait", until: record.retireAfter };
      }
      return { kind: "remove-key" };
    }
  }
}
