import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type Azurite } from "../../dev/azurite/startAzurite.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import type { CredentialProvider } from "../../src/credentials/AppCredential.js";
import type { GraphApplications } from "../../src/graph/GraphApplications.js";
import { createRotationService, ROTATION_LEASE_MS } from "../../src/rotation/createRotationService.js";
import type { RenewableCertificate, RotationStore } from "../../src/rotation/RotationPorts.js";
import type { RotationRecord } from "../../src/rotation/RotationRecord.js";
import { tableClientFor } from "../../src/state/tableClientFor.js";
import { tableLeaseStore } from "../../src/state/tableLeaseStore.js";
import { appSettings } from "../functions/appSettings.js";
import { freshTableName } from "../state/freshTableName.js";
import { manualClock } from "../support/manualClock.js";
import { recordingLogger } from "../support/recordingLogger.js";

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

const OLD = "AAAABBBBCCCCDDDDEEEEFFFF0000111122223333";
const MINUTE = 60_000;

/** A promise the test settles. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Two app instances (A and B) sharing one lease table in Azurite, one rotation store and one Key Vault whose create
 * takes as long as the test says; time is the test's, and so are A's lease heartbeats.
 */
function world() {
  const time = manualClock(Date.UTC(2030, 0, 1, 10, 0));
  const leaseTable = freshTableName();
  const state = { creates: 0, pending: false };
  const createAccepted = deferred();
  const createAnswered = deferred();
  const vault: RenewableCertificate = {
    versions: () => Promise.resolve([{ version: "v1", thumbprintSha1: OLD, expiresOn: null }]),
    latest: () => Promise.resolve({ version: "v1", thumbprintSha1: OLD, expiresOn: null }),
    hasPendingOperation: () => Promise.resolve(state.pending),
    isRenewable: () => Promise.resolve(true),
    createVersion: async () => {
      // Key Vault has the create; its answer is slow to come back.
      state.creates += 1;
      state.pending = true;
      createAccepted.resolve();
      await createAnswered.promise;
      return "started";
    },
    load: () => Promise.reject(new Error("not used: the new version never completes here")),
  };
  const application = {
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
  const graph: GraphApplications = {
    get: () => Promise.resolve(application),
    getByAppId: () => Promise.resolve(application),
    addKey: () => Promise.reject(new Error("not used")),
    removeKey: () => Promise.reject(new Error("not used")),
  };
  let stored: { record: RotationRecord; etag: string } | null = null;
  const store: RotationStore = {
    get: () => Promise.resolve(stored),
    save: (record, etag) => {
      if ((stored?.etag ?? null) !== etag) return Promise.resolve({ saved: false as const });
      stored = { record, etag: crypto.randomUUID() };
      return Promise.resolve({ saved: true as const, etag: stored.etag });
    },
  };
  const credentials: CredentialProvider = {
    current: () => Promise.reject(new Error("not used")),
    reload: () => Promise.reject(new Error("not used")),
  };

  /** A's heartbeat waits until the test calls `beat()`, which resolves once A has renewed and waits again. */
  const beats: (() => void)[] = [];
  let waiting = deferred();
  const heartbeat = {
    wait: (_ms: number, signal: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        beats.push(resolve);
        waiting.resolve();
        signal.addEventListener("abort", () => reject(new Error("released")), { once: true });
      }),
    async beat() {
      waiting = deferred();
      beats.shift()!();
      await waiting.promise;
    },
  };

  const instance = (withHeartbeat: boolean) =>
    createRotationService({
      config: loadConfig(appSettings([])),
      credentials,
      leases: tableLeaseStore(
        tableClientFor({ kind: "connection-string", connectionString: azurite.connectionString }, leaseTable),
        { clock: time.clock },
      ),
      store,
      vault,
      graph,
      clock: time.clock,
      sleep: () => Promise.resolve(),
      // Without one, the heartbeat never beats: a holder whose process is frozen.
      leaseHeartbeat: withHeartbeat
        ? heartbeat.wait
        : (_ms, signal) =>
            new Promise<void>((_resolve, reject) =>
              signal.addEventListener("abort", () => reject(new Error("released")), { once: true }),
            ),
    });
  return { time, state, createAccepted, createAnswered, heartbeat, instance, record: () => stored?.record };
}

describe("the rotation lease outlives the work it guards", () => {
  it("is renewed while its holder works, so a second instance does not start the same step", async () => {
    const w = world();
    const a = w.instance(true);
    const b = w.instance(true);
    const running = a.renew("app", recordingLogger().logger);
    await w.createAccepted.promise;

    // A's create takes longer than the lease: its heartbeat renews the lease meanwhile.
    w.time.advance(ROTATION_LEASE_MS * 0.6);
    await w.heartbeat.beat();
    w.time.advance(ROTATION_LEASE_MS * 0.6);

    const second = b.renew("app", recordingLogger().logger);
    await expect(second).rejects.toMatchObject({
      code: "ROTATION_IN_PROGRESS",
      message: expect.stringMatching(
        /^Another rotation of 'app' is running \(.+\/renew\/[0-9a-f]{8}, until 2030-01-01T10:16:00\.000Z\)\.$/,
      ) as unknown,
    });

    w.createAnswered.resolve();
    expect(await running).toMatchObject({ stoppedAt: "await-version" });
    expect(w.state.creates).toBe(1);
  });

  it("makes a holder that lost it stop before its next step", async () => {
    const w = world();
    const a = w.instance(false);
    const b = w.instance(true);
    const running = a.renew("app", recordingLogger().logger);
    await w.createAccepted.promise;

    // A is frozen past the lease's expiry: B takes the lease over and sees A's create in progress.
    w.time.advance(ROTATION_LEASE_MS + MINUTE);
    expect(await b.renew("app", recordingLogger().logger)).toMatchObject({ stoppedAt: "await-version" });

    // A wakes up: before its next step it finds the lease gone, and stops.
    w.createAnswered.resolve();
    await expect(running).rejects.toMatchObject({ code: "LEASE_LOST" });
    expect(w.state.creates).toBe(1);
    expect(w.record()).toMatchObject({ step: "renewing" });
  });
});
