import type { RotationRecord } from "../../src/rotation/RotationRecord.js";

/**
 * A rotation of certificate 'app' that has just begun renewing (from version v1, SHA-1 "AA"×20, on 2026-11-20 06:00),
 * with `overrides`.
 */
export function rotationRecordFor(overrides: Partial<RotationRecord> = {}): RotationRecord {
  return {
    certificateName: "app",
    step: "renewing",
    resumeStep: null,
    startedAt: "2026-11-20T06:00:00.000Z",
    updatedAt: "2026-11-20T06:00:00.000Z",
    oldVersion: "v1",
    oldThumbprintSha1: "AA".repeat(20),
    newVersion: null,
    newThumbprintSha1: null,
    newKeyId: null,
    oldKeyId: null,
    switchedAt: null,
    retireAfter: null,
    completedAt: null,
    attempts: 0,
    lastError: null,
    ...overrides,
  };
}
