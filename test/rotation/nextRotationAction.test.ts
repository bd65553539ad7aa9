import { describe, expect, it } from "vitest";
import { nextRotationAction, type RotationObservation } from "../../src/rotation/nextRotationAction.js";
import type { RotationRecord } from "../../src/rotation/RotationRecord.js";

const record = (overrides: Partial<RotationRecord>): RotationRecord => ({
  certificateName: "app",
  step: "renewing",
  resumeStep: null,
  startedAt: "2026-11-01T00:00:00.000Z",
  updatedAt: "2026-11-01T00:00:00.000Z",
  oldVersion: "v1",
  oldThumbprintSha1: "OLD",
  newVersion: null,
  newThumbprintSha1: null,
  newKeyId: null,
  oldKeyId: "k-old",
  switchedAt: null,
  retireAfter: null,
  completedAt: null,
  attempts: 0,
  lastError: null,
  ...overrides,
});

const seen = (overrides: Partial<RotationObservation> = {}): RotationObservation => ({
  now: new Date("2026-11-02T00:00:00.000Z"),
  latest: { version: "v1", thumbprintSha1: "OLD" },
  pendingOperation: false,
  registeredThumbprints: ["OLD"],
  renewable: true,
  ...overrides,
});

describe("nextRotationAction", () => {
  it.each([
    ["no rotation yet", null, seen(), "start"],
    ["renewing, nothing new in Key Vault", record({}), seen(), "create-version"],
    [
      "renewing, a create operation in progress",
      record({}),
      seen({ pendingOperation: true }),
      "await-version",
    ],
    [
      "renewing, Key Vault already has a newer version",
      record({}),
      seen({ latest: { version: "v2", thumbprintSha1: "NEW" } }),
      "add-key",
    ],
    ["renewing, an issuer Key Vault cannot renew", record({}), seen({ renewable: false }), "manual"],
    [
      "manual, a person merged the new version",
      record({ step: "manual" }),
      seen({ latest: { version: "v2", thumbprintSha1: "NEW" } }),
      "add-key",
    ],
    [
      "renewing, new key already on the app (crash after addKey, before the step was saved)",
      record({}),
      seen({ latest: { version: "v2", thumbprintSha1: "NEW" }, registeredThumbprints: ["OLD", "NEW"] }),
      "add-key",
    ],
    [
      "verifying",
      record({ step: "verifying", newVersion: "v2", newThumbprintSha1: "NEW" }),
      seen(),
      "verify",
    ],
    [
      "switched, inside the grace period",
      record({ step: "switched", newVersion: "v2", retireAfter: "2026-11-03T00:00:00.000Z" }),
      seen({ registeredThumbprints: ["OLD", "NEW"] }),
      "wait",
    ],
    [
      "switched, grace period over",
      record({ step: "switched", newVersion: "v2", retireAfter: "2026-11-01T12:00:00.000Z" }),
      seen({ registeredThumbprints: ["OLD", "NEW"] }),
      "remove-key",
    ],
    [
      "switched, old key already gone (crash after removeKey)",
      record({ step: "switched", newVersion: "v2", retireAfter: "2026-11-01T12:00:00.000Z" }),
      seen({ registeredThumbprints: ["NEW"] }),
      "done",
    ],
    [
      "failed while verifying: resumes there",
      record({ step: "failed", resumeStep: "verifying", newVersion: "v2", newThumbprintSha1: "NEW" }),
      seen(),
      "verify",
    ],
    [
      "failed with no resumeStep: resumes at renewing",
      record({ step: "failed", resumeStep: null }),
      seen(),
      "create-version",
    ],
    ["completed", record({ step: "completed" }), seen(), "done"],
    [
      "renewing, a create in progress and its version already completed: the version wins",
      record({}),
      seen({ pendingOperation: true, latest: { version: "v2", thumbprintSha1: "NEW" } }),
      "add-key",
    ],
    [
      "renewing, a create in progress, issuer not renewable: await it (a person started it)",
      record({}),
      seen({ pendingOperation: true, renewable: false }),
      "await-version",
    ],
    [
      "manual, nothing new yet: still manual",
      record({ step: "manual" }),
      seen({ renewable: false }),
      "manual",
    ],
    ["manual, the issuer became renewable: create", record({ step: "manual" }), seen(), "create-version"],
    [
      "verifying without its new version (damaged record): renews as far as the world says",
      record({ step: "verifying" }),
      seen({ latest: { version: "v2", thumbprintSha1: "NEW" } }),
      "add-key",
    ],
    [
      "switched without its new version (damaged record): renews as far as the world says",
      record({ step: "switched", retireAfter: "2026-11-01T12:00:00.000Z" }),
      seen({ latest: { version: "v2", thumbprintSha1: "NEW" }, registeredThumbprints: ["NEW"] }),
      "add-key",
    ],
    [
      "renewing: a new version named by the record does not skip ahead; Key Vault decides",
      record({ newVersion: "v9" }),
      seen({ registeredThumbprints: ["OLD", "NEW"] }),
      "create-version",
    ],
    [
      "switched, no grace period recorded: removes the old key",
      record({ step: "switched", newVersion: "v2" }),
      seen({ registeredThumbprints: ["OLD", "NEW"] }),
      "remove-key",
    ],
  ] as const)("%s → %s", (_name, rec, observation, kind) => {
    expect(nextRotationAction(rec, observation).kind).toBe(kind);
  });

  it("waits until retireAfter while the grace period runs, then removes the old key at that instant", () => {
    const switched = record({ step: "switched", newVersion: "v2", retireAfter: "2026-11-03T00:00:00.000Z" });
    const registered = { registeredThumbprints: ["OLD", "NEW"] };
    expect(
      nextRotationAction(switched, seen({ ...registered, now: new Date("2026-11-02T23:59:59.999Z") })),
    ).toEqual({ kind: "wait", until: "2026-11-03T00:00:00.000Z" });
    expect(
      nextRotationAction(switched, seen({ ...registered, now: new Date("2026-11-03T00:00:00.000Z") })),
    ).toEqual({ kind: "remove-key", version: "v2" });
  });

  it("names the version each step works on", () => {
    const newer = { latest: { version: "v2", thumbprintSha1: "NEW" } };
    expect(nextRotationAction(record({}), seen(newer))).toEqual({ kind: "add-key", version: "v2" });
    expect(nextRotationAction(record({ step: "verifying", newVersion: "v2" }), seen())).toEqual({
      kind: "verify",
      version: "v2",
    });
    expect(
      nextRotationAction(
        record({ step: "failed", resumeStep: "switched", newVersion: "v2" }),
        seen({ registeredThumbprints: ["OLD", "NEW"] }),
      ),
    ).toEqual({ kind: "remove-key", version: "v2" });
  });

  it("consults renewable only to choose between creating a version and asking a person", () => {
    const pending = seen({ pendingOperation: true });
    const newer = seen({ latest: { version: "v2", thumbprintSha1: "NEW" } });
    const bothKeys = seen({ registeredThumbprints: ["OLD", "NEW"] });
    const cases: [RotationRecord, RotationObservation][] = [
      [record({}), pending],
      [record({}), newer],
      [record({ step: "manual" }), pending],
      [record({ step: "verifying", newVersion: "v2" }), bothKeys],
      [record({ step: "switched", newVersion: "v2", retireAfter: "2026-11-03T00:00:00.000Z" }), bothKeys],
      [record({ step: "switched", newVersion: "v2" }), bothKeys],
      [record({ step: "completed" }), seen()],
    ];
    for (const [rec, world] of cases) {
      expect(nextRotationAction(rec, { ...world, renewable: false })).toEqual(
        nextRotationAction(rec, { ...world, renewable: true }),
      );
    }
    expect(nextRotationAction(record({}), seen({ renewable: true }))).toEqual({ kind: "create-version" });
    expect(nextRotationAction(record({}), seen({ renewable: false }))).toEqual({ kind: "manual" });
  });
});
