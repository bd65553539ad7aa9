import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock/Clock.js";
import { createDeadline, type Deadline } from "../../src/clock/Deadline.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import type { CredentialProvider } from "../../src/credentials/AppCredential.js";
import { TimedOutError } from "../../src/errors.js";
import type { GraphApplication, GraphApplications } from "../../src/graph/GraphApplications.js";
import {
  createRotationService,
  POLL_STOPS_BEFORE_DEADLINE_MS,
} from "../../src/rotation/createRotationService.js";
import type { RenewableCertificate, RotationStore } from "../../src/rotation/RotationPorts.js";
import type { RotationRecord } from "../../src/rotation/RotationRecord.js";
import type { Lease, LeaseStore } from "../../src/state/LeaseStore.js";
import { appSettings } from "../functions/appSettings.js";
import { manualClock } from "../support/manualClock.js";
import { recordingLogger } from "../support/recordingLogger.js";

const OLD = "AAAABBBBCCCCDDDDEEEEFFFF0000111122223333";
const never = () => new Promise<never>(() => undefined);

const application: GraphApplication = {
  id: "0a1b2c3d-2222-4222-8333-944455556666",
  appId: "3d4e5f60-1111-4222-8333-944455556666",
  displayName: "app",
  keyCredentials: [
    {
      keyId: "k-old",
      customKeyIdentifier: Buffer.from(OLD, "hex").toString("base64"),
      displayName: null,
      startDateTime: null,
      endDateTime: null,
      type: "AsymmetricX509Cert",
      usage: "Verify",
    },
  ],
  passwordCredentials: [],
};

/**
 * A rotation service over fakes: a vault whose create stays pending (or, with `createHangs`, never answers — until
 * the deadline given to it), a rotation store that notes the deadline of each save, and an in-memory lease store that
 * notes its releases.
 */
function world(options: { createHangs?: boolean; clock?: () => Date } = {}) {
  const state = {
    pending: false,
    saves: [] as { step: string; deadline: Deadline | undefined; aborted: boolean }[],
  };
  const released: Lease[] = [];
  const vault: RenewableCertificate = {
    versions: () => Promise.resolve([{ version: "v1", thumbprintSha1: OLD, expiresOn: null }]),
    latest: () => Promise.resolve({ version: "v1", thumbprintSha1: OLD, expiresOn: null }),
    hasPendingOperation: () => Promise.resolve(state.pending),
    isRenewable: () => Promise.resolve(true),
    createVersion: (_name, deadline) => {
      if (options.createHangs) return deadline!.bound("Key Vault", never);
      state.pending = true;
      return Promise.resolve("started");
    },
    load: () => Promise.reject(new Error("not used: the new version never completes here")),
  };
  const graph: GraphApplications = {
    get: () => Promise.resolve(application),
    getByAppId: () => Promise.resolve(application),
    addKey: () => Promise.reject(new Error("not used")),
    removeKey: () => Promise.reject(new Error("not used")),
  };
  let stored: { record: RotationRecord; etag: string } | null = null;
  const store: RotationStore = {
    get: () => Promise.resolve(stored),
    save: (record, etag, deadline) => {
      state.saves.push({ step: record.step, deadline, aborted: deadline?.signal.aborted ?? false });
      if ((stored?.etag ?? null) !== etag) return Promise.resolve({ saved: false as const });
      stored = { record, etag: crypto.randomUUID() };
      return Promise.resolve({ saved: true as const, etag: stored.etag });
    },
  };
  const clock = options.clock ?? systemClock;
  const leases: LeaseStore = {
    acquire: (key, owner, ttlMs) => {
      const now = clock();
      const lease: Lease = {
        key,
        owner,
        acquiredAt: now,
        expiresAt: new Date(now.getTime() + ttlMs),
        etag: "1",
      };
      return Promise.resolve({ acquired: true, lease });
    },
    renew: (lease) => Promise.resolve(lease),
    release: (lease) => {
      released.push(lease);
      return Promise.resolve();
    },
  };
  const credentials: CredentialProvider = {
    current: () => Promise.reject(new Error("not used")),
    reload: () => Promise.reject(new Error("not used")),
  };
  const waits: number[] = [];
  return { state, released, waits, record: () => stored?.record, vault, graph, store, leases, credentials };
}

describe("a rotation within the invocation's deadline", () => {
  it(`stops waiting for the new version while ${POLL_STOPS_BEFORE_DEADLINE_MS / 1000} s are left, for the next run to carry on`, async () => {
    const time = manualClock();
    const w = world({ clock: time.clock });
    const log = recordingLogger();
    const service = createRotationService({
      config: loadConfig(appSettings([])),
      credentials: w.credentials,
      leases: w.leases,
      store: w.store,
      vault: w.vault,
      graph: w.graph,
      clock: time.clock,
      sleep: (ms) => {
        w.waits.push(ms);
        time.advance(ms);
        return Promise.resolve();
      },
    });
    const deadline = createDeadline({ budgetMs: 20_000, clock: time.clock });

    const report = await service.renew("app", log.logger, { restart: "always", deadline });

    expect(report.stoppedAt).toBe("await-version");
    // 20 s: waits of 0.25, 0.5, 1 and 2 s leave 16.25 s; another 2 s would leave less than 15 s.
    expect(w.waits).toEqual([250, 500, 1_000, 2_000]);
    expect(log.entries).toContainEqual({
      level: "info",
      message: "Stopped waiting for the new version: the run's deadline is near; the next run carries on",
      properties: { certificate: "app", leftMs: 16_250 },
    });
    expect(deadline.signal.aborted).toBe(false);
  });

  it("records a step that ran out of time, and releases the lease, in the time kept after the deadline", async () => {
    const w = world({ createHangs: true });
    const service = createRotationService({
      config: loadConfig(appSettings([])),
      credentials: w.credentials,
      leases: w.leases,
      store: w.store,
      vault: w.vault,
      graph: w.graph,
      clock: systemClock,
      sleep: () => Promise.resolve(),
    });
    const deadline = createDeadline({ budgetMs: 300, clock: systemClock });

    const error = await service
      .renew("app", recordingLogger().logger, { restart: "always", deadline })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TimedOutError);
    expect(error).toMatchObject({ edge: "Key Vault" });
    expect(w.record()).toMatchObject({ step: "failed", resumeStep: "renewing", attempts: 1 });
    expect(w.record()?.lastError).toMatch(/^Key Vault did not answer within 0\.3 s: /);
    // The start was saved within the run's deadline; the failure after it, within the time kept for tidying.
    expect(w.state.saves.map((s) => [s.step, s.deadline === deadline, s.aborted])).toEqual([
      ["renewing", true, false],
      ["failed", false, false],
    ]);
    // Released though the deadline had passed: the next run is not refused as busy for the lease's 10 minutes.
    expect(w.released).toHaveLength(1);
  });
});
