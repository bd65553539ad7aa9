import { createHash, X509Certificate } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { decodeJwt, verifySignature } from "../../dev/jwt.js";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";
import { parseCertificateMaterial } from "../../src/credentials/certificate/parseCertificateMaterial.js";
import type { GraphApplications, GraphKeyCredential } from "../../src/graph/GraphApplications.js";
import { KEY_PROOF_AUDIENCE } from "../../src/graph/buildKeyProof.js";
import { rotateCertificate, type RotationOptions } from "../../src/rotation/rotateCertificate.js";
import type { RotationPorts, RotationStore } from "../../src/rotation/RotationPorts.js";
import type { RotationRecord } from "../../src/rotation/RotationRecord.js";
import { manualClock } from "../support/manualClock.js";
import { recordingLogger } from "../support/recordingLogger.js";

const OBJECT_ID = "0a1b2c3d-2222-4222-8333-944455556666";
const options: RotationOptions = {
  certificateName: "app",
  applicationObjectId: OBJECT_ID,
  graceMs: 24 * 3_600_000,
  dryRun: false,
};
const sha1 = (pem: string) => createHash("sha1").update(new X509Certificate(pem).raw).digest();

/** A small world: Key Vault versions, the app registration's keys (proofs checked as Graph does), the rotation store. */
function world(first: IssuedCertificate) {
  const versions: { version: string; cert: IssuedCertificate }[] = [{ version: "v1", cert: first }];
  const state = {
    pending: null as IssuedCertificate | null,
    creates: 0,
    verified: [] as string[],
    switchedTo: [] as string[],
  };
  let keys: (GraphKeyCredential & { pem: string })[] = [];
  const register = (cert: IssuedCertificate) => {
    const key = {
      keyId: crypto.randomUUID(),
      customKeyIdentifier: sha1(cert.certPem).toString("base64"),
      displayName: null,
      startDateTime: null,
      endDateTime: null,
      type: "AsymmetricX509Cert",
      usage: "Verify",
      pem: cert.certPem,
    };
    keys.push(key);
    return key;
  };
  register(first);
  const checkProof = (proof: string) => {
    const decoded = decodeJwt(proof);
    expect(decoded.claims).toMatchObject({ aud: KEY_PROOF_AUDIENCE, iss: OBJECT_ID });
    const signer = keys.find((k) => verifySignature(decoded, new X509Certificate(k.pem).publicKey));
    if (!signer) throw new Error("proof not signed by a registered key");
    return signer;
  };
  const graph: GraphApplications = {
    get: () =>
      Promise.resolve({
        id: OBJECT_ID,
        appId: "app",
        displayName: "app",
        keyCredentials: keys.map(({ pem: _pem, ...k }) => k),
        passwordCredentials: [],
      }),
    getByAppId: () => Promise.reject(new Error("not used")),
    addKey: (_id, der, _name, proof) => {
      checkProof(proof);
      const pem = `-----BEGIN CERTIFICATE-----\n${der}\n-----END CERTIFICATE-----\n`;
      const key = {
        keyId: crypto.randomUUID(),
        customKeyIdentifier: sha1(pem).toString("base64"),
        displayName: null,
        startDateTime: null,
        endDateTime: null,
        type: "AsymmetricX509Cert",
        usage: "Verify",
        pem,
      };
      keys.push(key);
      const { pem: _pem, ...result } = key;
      return Promise.resolve(result);
    },
    removeKey: (_id, keyId, proof) => {
      const signer = checkProof(proof);
      expect(signer.keyId).not.toBe(keyId);
      keys = keys.filter((k) => k.keyId !== keyId);
      return Promise.resolve();
    },
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
  const ports: RotationPorts = {
    graph,
    store,
    vault: {
      latest: () => {
        const last = versions.at(-1)!;
        return Promise.resolve({
          version: last.version,
          thumbprintSha1: last.cert.thumbprintSha1,
          expiresOn: null,
        });
      },
      hasPendingOperation: () => Promise.resolve(state.pending !== null),
      isRenewable: () => Promise.resolve(true),
      createVersion: async () => {
        state.creates += 1;
        state.pending = await issueCertificate({ subject: "CN=app v2" });
      },
      load: (_name, version) => {
        const found = versions.find((v) => v.version === version)!;
        return Promise.resolve(
          parseCertificateMaterial(
            { kind: "pem", text: found.cert.keyPem + found.cert.certPem },
            `app ${version}`,
          ),
        );
      },
    },
    verify: (credential) => {
      state.verified.push(credential.thumbprintSha1);
      return Promise.resolve();
    },
    switchTo: (version) => {
      state.switchedTo.push(version);
      return Promise.resolve();
    },
  };
  const completePending = () => {
    versions.push({ version: `v${versions.length + 1}`, cert: state.pending! });
    state.pending = null;
  };
  return {
    ports,
    state,
    completePending,
    keys: () => keys,
    latestPem: () => versions.at(-1)!.cert.certPem,
    record: () => stored?.record ?? null,
  };
}

let first: IssuedCertificate;
beforeEach(async () => {
  first ??= await issueCertificate({ subject: "CN=app v1" });
});

describe("rotateCertificate", () => {
  it("renews, registers, proves, switches, waits out the grace period and retires the old key", async () => {
    const w = world(first);
    const time = manualClock(Date.parse("2026-11-21T10:00:00Z"));
    const deps = { clock: time.clock, logger: recordingLogger().logger };

    expect(await rotateCertificate(options, w.ports, deps)).toMatchObject({
      actions: ["start", "create-version"],
      stoppedAt: "create-version",
    });
    expect(w.state.creates).toBe(1);
    expect(await rotateCertificate(options, w.ports, deps)).toMatchObject({
      actions: ["await-version"],
      stoppedAt: "await-version",
    });
    expect(w.state.creates).toBe(1);

    w.completePending();
    const second = await rotateCertificate(options, w.ports, deps);
    expect(second).toMatchObject({ actions: ["add-key", "verify", "wait"], stoppedAt: "wait" });
    expect(w.keys()).toHaveLength(2);
    expect(w.state.verified).toEqual([w.record()!.newThumbprintSha1]);
    expect(w.state.switchedTo).toEqual(["v2"]);
    expect(w.record()).toMatchObject({
      step: "switched",
      oldVersion: "v1",
      newVersion: "v2",
      retireAfter: "2026-11-22T10:00:00.000Z",
    });

    time.advance(24 * 3_600_000);
    expect(await rotateCertificate(options, w.ports, deps)).toMatchObject({
      actions: ["remove-key", "done"],
      stoppedAt: "done",
    });
    expect(
      w.keys().map((k) => Buffer.from(k.customKeyIdentifier!, "base64").toString("hex").toUpperCase()),
    ).toEqual([w.record()!.newThumbprintSha1]);
    expect(w.record()).toMatchObject({ step: "completed", completedAt: "2026-11-22T10:00:00.000Z" });
    expect(await rotateCertificate(options, w.ports, deps)).toMatchObject({ actions: ["done"] });
  });

  it("records a failed step and resumes it on the next run without adding the key twice", async () => {
    const w = world(first);
    const deps = { clock: manualClock().clock, logger: recordingLogger().logger };
    await rotateCertificate(options, w.ports, deps);
    w.completePending();
    const verify = (credential: Parameters<RotationPorts["verify"]>[0]) => {
      w.state.verified.push(credential.thumbprintSha1);
      return Promise.resolve();
    };
    w.ports.verify = () => Promise.reject(new Error("AADSTS700027: not yet replicated"));
    await expect(rotateCertificate(options, w.ports, deps)).rejects.toThrow("AADSTS700027");
    expect(w.record()).toMatchObject({
      step: "failed",
      resumeStep: "verifying",
      attempts: 1,
      lastError: "AADSTS700027: not yet replicated",
    });

    w.ports.verify = verify;
    expect(await rotateCertificate(options, w.ports, deps)).toMatchObject({ actions: ["verify", "wait"] });
    expect(w.keys()).toHaveLength(2);
  });

  it("changes nothing in a dry run, and says what it would do", async () => {
    const w = world(first);
    const report = await rotateCertificate({ ...options, dryRun: true }, w.ports, {
      clock: manualClock().clock,
      logger: recordingLogger().logger,
    });
    expect(report).toMatchObject({ actions: ["start", "create-version"] });
    expect(w.state.creates).toBe(0);
    expect(w.record()).toBeNull();
  });

  it("starts a new rotation after a completed one only when asked to (restart)", async () => {
    const w = world(first);
    const deps = { clock: manualClock().clock, logger: recordingLogger().logger };
    const noGrace = { ...options, graceMs: 0 };
    await rotateCertificate(noGrace, w.ports, deps);
    w.completePending();
    expect(await rotateCertificate(noGrace, w.ports, deps)).toMatchObject({ stoppedAt: "done" });
    expect(w.record()).toMatchObject({ step: "completed", newVersion: "v2" });

    expect(await rotateCertificate(noGrace, w.ports, deps)).toMatchObject({ actions: ["done"] });
    expect(w.state.creates).toBe(1);

    expect(await rotateCertificate({ ...noGrace, restart: true }, w.ports, deps)).toMatchObject({
      actions: ["start", "create-version"],
    });
    expect(w.record()).toMatchObject({ step: "renewing", oldVersion: "v2" });
    expect(w.state.creates).toBe(2);
  });

  it("stops with ADD_KEY_IMPOSSIBLE, and how to fix it, when every registered key has expired", async () => {
    const w = world(first);
    const deps = { clock: manualClock().clock, logger: recordingLogger().logger };
    await rotateCertificate(options, w.ports, deps);
    w.completePending();
    for (const key of w.keys()) key.endDateTime = "2020-01-01T00:00:00Z";

    const failure = rotateCertificate(options, w.ports, deps);
    await expect(failure).rejects.toMatchObject({
      code: "ADD_KEY_IMPOSSIBLE",
      message: expect.stringMatching(
        /Every certificate registered on the app registration has expired \(the last on 2020-01-01T00:00:00Z\).*Upload certificate.*az ad app credential reset/s,
      ) as unknown,
    });
    expect(w.keys()).toHaveLength(1);
    expect(w.record()).toMatchObject({
      step: "failed",
      resumeStep: "renewing",
      lastError: expect.stringContaining("addKey") as unknown,
    });

    // A person uploads the new certificate: the next run finds it registered and carries on.
    w.keys().push({
      ...w.keys()[0]!,
      keyId: "uploaded-by-hand",
      customKeyIdentifier: sha1(w.latestPem()).toString("base64"),
      endDateTime: "2099-01-01T00:00:00Z",
      pem: w.latestPem(),
    });
    expect(await rotateCertificate(options, w.ports, deps)).toMatchObject({
      actions: ["add-key", "verify", "wait"],
    });
    expect(w.record()).toMatchObject({ step: "switched", newKeyId: "uploaded-by-hand" });
    expect(w.keys()).toHaveLength(2);
  });

  it("resumes at the right step after a crash after any save, doing nothing twice", async () => {
    // The process dies right after the n-th record save (the step is stored, the next never began).
    for (let crashAfter = 1; crashAfter <= 5; crashAfter++) {
      const w = world(first);
      const time = manualClock();
      const deps = { clock: time.clock, logger: recordingLogger().logger };
      const addKey = w.ports.graph.addKey.bind(w.ports.graph);
      let addKeys = 0;
      w.ports.graph.addKey = (...args) => {
        addKeys += 1;
        return addKey(...args);
      };
      const save = w.ports.store.save.bind(w.ports.store);
      let saves = 0;
      w.ports.store.save = async (record, etag) => {
        const result = await save(record, etag);
        if (++saves === crashAfter) throw new Error(`crash after save ${crashAfter}`);
        return result;
      };

      const runUntilSettled = async () => {
        for (let run = 0; run < 6; run++) {
          if (w.state.pending) w.completePending();
          time.advance(25 * 3_600_000);
          const report = await rotateCertificate(options, w.ports, deps).catch(() => null);
          if (report?.stoppedAt === "done") return report;
        }
        throw new Error(`rotation did not settle (crash after save ${crashAfter})`);
      };
      await runUntilSettled();

      expect({ crashAfter, creates: w.state.creates, addKeys, keys: w.keys().length }).toEqual({
        crashAfter,
        creates: 1,
        addKeys: 1,
        keys: 1,
      });
      expect(w.record()).toMatchObject({ step: "completed", newVersion: "v2" });
      expect(w.state.switchedTo.every((v) => v === "v2")).toBe(true);
    }
  });
});
