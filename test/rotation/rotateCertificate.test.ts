import { createHash, X509Certificate } from "node:crypto";
import { SpanStatusCode } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeJwt, verifySignature } from "../../dev/jwt.js";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";
import { parseCertificateMaterial } from "../../src/credentials/certificate/parseCertificateMaterial.js";
import type { GraphApplications, GraphKeyCredential } from "../../src/graph/GraphApplications.js";
import { KEY_PROOF_AUDIENCE } from "../../src/graph/buildKeyProof.js";
import { rotateCertificate, type RotationOptions } from "../../src/rotation/rotateCertificate.js";
import type { RotationPorts, RotationStore } from "../../src/rotation/RotationPorts.js";
import type { RotationRecord } from "../../src/rotation/RotationRecord.js";
import { manualClock } from "../support/manualClock.js";
import { localSigner } from "../../src/credentials/signing/localSigner.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { captureTelemetry, type TelemetryCapture } from "../support/telemetryCapture.js";

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
    /**
     * When Key Vault completes a pending create: only when the test says (null), right after the versions were read
     * ("after-versions-list"), or when the pending operation is read ("on-pending-read").
     */
    completes: null as "after-versions-list" | "on-pending-read" | null,
    reads: [] as string[],
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
      versions: () => {
        state.reads.push("versions");
        const listed = versions
          .map((v) => ({ version: v.version, thumbprintSha1: v.cert.thumbprintSha1, expiresOn: null }))
          .reverse();
        if (state.completes === "after-versions-list" && state.pending) completePending();
        return Promise.resolve(listed);
      },
      latest: async () => (await ports.vault.versions("app"))[0] ?? null,
      hasPendingOperation: () => {
        state.reads.push("pending");
        if (state.completes === "on-pending-read" && state.pending) completePending();
        return Promise.resolve(state.pending !== null);
      },
      isRenewable: () => Promise.resolve(true),
      createVersion: async () => {
        state.creates += 1;
        state.pending = await issueCertificate({ subject: "CN=app v2" });
        return "started" as const;
      },
      load: async (_name, version) => {
        const found = versions.find((v) => v.version === version)!;
        return localSigner(
          await parseCertificateMaterial(
            { kind: "pem", text: found.cert.keyPem + found.cert.certPem },
            `app ${version}`,
          ),
        );
      },
    },
    verify: (signer) => {
      state.verified.push(signer.certificate.thumbprintSha1);
      return Promise.resolve();
    },
    switchTo: (version) => {
      state.switchedTo.push(version);
      return Promise.resolve();
    },
    keepLease: () => Promise.resolve(),
  };
  function completePending() {
    versions.push({ version: `v${versions.length + 1}`, cert: state.pending! });
    state.pending = null;
  }
  return {
    ports,
    state,
    completePending,
    versions: () => versions.map((v) => v.version),
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
    const verify = (signer: Parameters<RotationPorts["verify"]>[0]) => {
      w.state.verified.push(signer.certificate.thumbprintSha1);
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

describe("rotateCertificate: one consistent observation of Key Vault", () => {
  it.each(["after-versions-list", "on-pending-read"] as const)(
    "creates exactly one new version when the pending create completes %s",
    async (completes) => {
      const w = world(first);
      const deps = { clock: manualClock().clock, logger: recordingLogger().logger };
      expect(await rotateCertificate(options, w.ports, deps)).toMatchObject({ stoppedAt: "create-version" });
      w.state.completes = completes;

      // Run until the rotation settles; a second create would show as a third version.
      const reports = [];
      for (let run = 0; run < 3 && reports.at(-1)?.stoppedAt !== "wait"; run++) {
        reports.push(await rotateCertificate(options, w.ports, deps));
      }
      expect(reports.at(-1)).toMatchObject({ stoppedAt: "wait" });
      expect(w.state.creates).toBe(1);
      expect(w.versions()).toEqual(["v1", "v2"]);
      expect(w.record()).toMatchObject({ step: "switched", newVersion: "v2" });
      // The pending operation is read before the versions in every observation.
      expect(w.state.reads.slice(0, 2)).toEqual(["pending", "versions"]);
    },
  );

  it("starts from the newest registered version: a create that completes as the rotation starts is its new version", async () => {
    const w = world(first);
    const deps = { clock: manualClock().clock, logger: recordingLogger().logger };
    // Key Vault's AutoRenew began a create; it completes when the rotation first reads the pending operation.
    w.state.pending = await issueCertificate({ subject: "CN=app autorenewed" });
    w.state.completes = "on-pending-read";

    expect(await rotateCertificate(options, w.ports, deps)).toMatchObject({
      actions: ["start", "add-key", "verify", "wait"],
    });
    expect(w.state.creates).toBe(0);
    expect(w.record()).toMatchObject({ oldVersion: "v1", newVersion: "v2", step: "switched" });
  });

  it("awaits a create that began since the observation instead of failing on Key Vault's conflict", async () => {
    const w = world(first);
    const deps = { clock: manualClock().clock, logger: recordingLogger().logger };
    w.ports.vault.createVersion = () => Promise.resolve("in-progress" as const);
    expect(await rotateCertificate(options, w.ports, deps)).toMatchObject({
      actions: ["start", "create-version"],
      stoppedAt: "await-version",
    });
    expect(w.record()).toMatchObject({ step: "renewing" });
  });

  it("reads the issuer only when the next step would create a version, and then asks a person if it must", async () => {
    const w = world(first);
    const deps = { clock: manualClock().clock, logger: recordingLogger().logger };
    let issuerReads = 0;
    w.ports.vault.isRenewable = () => {
      issuerReads += 1;
      return Promise.resolve(false);
    };
    expect(await rotateCertificate(options, w.ports, deps)).toMatchObject({
      actions: ["start", "manual"],
      stoppedAt: "manual",
    });
    expect(issuerReads).toBe(1);
    expect(w.state.creates).toBe(0);
    expect(w.record()).toMatchObject({ step: "manual" });

    // A person merged the new version: the rotation carries on without asking about the issuer again.
    w.state.pending = await issueCertificate({ subject: "CN=app merged" });
    w.completePending();
    expect(await rotateCertificate(options, w.ports, deps)).toMatchObject({
      actions: ["add-key", "verify", "wait"],
    });
    expect(issuerReads).toBe(1);
  });

  it("does not take a step once the rotation lease is lost", async () => {
    const w = world(first);
    const deps = { clock: manualClock().clock, logger: recordingLogger().logger };
    const lost = Object.assign(new Error("Lease 'rotation-app' is no longer held"), { code: "LEASE_LOST" });
    w.ports.keepLease = () => Promise.reject(lost);
    await expect(rotateCertificate(options, w.ports, deps)).rejects.toBe(lost);
    expect(w.record()).toBeNull();
    expect(w.state.creates).toBe(0);
  });

  it("throws the step's own error when recording the failure fails too, and logs both", async () => {
    const w = world(first);
    const log = recordingLogger();
    const deps = { clock: manualClock().clock, logger: log.logger };
    await rotateCertificate(options, w.ports, deps);
    w.completePending();
    w.ports.verify = () => Promise.reject(new Error("AADSTS700027: not yet replicated"));
    const save = w.ports.store.save.bind(w.ports.store);
    w.ports.store.save = (record, etag) =>
      record.step === "failed" ? Promise.reject(new Error("Table Storage timed out")) : save(record, etag);

    await expect(rotateCertificate(options, w.ports, deps)).rejects.toThrow(
      "AADSTS700027: not yet replicated",
    );
    expect(w.record()).toMatchObject({ step: "verifying" });
    expect(log.entries.filter((e) => e.level === "error")).toEqual([
      expect.objectContaining({
        message: "Rotation step failed; the next run resumes it",
        properties: expect.objectContaining({ error: "AADSTS700027: not yet replicated" }) as unknown,
      }),
      expect.objectContaining({
        message: "The failed rotation step could not be recorded; the next run finds the step as it was",
        properties: expect.objectContaining({
          error: "AADSTS700027: not yet replicated",
          saveError: "Table Storage timed out",
        }) as unknown,
      }),
    ]);
  });
});

describe("rotateCertificate's telemetry", () => {
  let telemetry: TelemetryCapture;
  beforeEach(() => {
    telemetry = captureTelemetry();
  });
  afterEach(async () => {
    await telemetry.stop();
  });

  const steps = async () =>
    (await telemetry.points())
      .filter((p) => p.name === "m2m.rotation.steps")
      .map(
        (p) =>
          `${String(p.attributes["m2m.rotation.step"])} ${String(p.attributes["m2m.outcome"])} ${p.value}`,
      );
  const spanNames = () => telemetry.spans().map((span) => span.name);

  it("counts each step that changed something once, and gives each its own span; waiting is neither", async () => {
    const w = world(first);
    const time = manualClock(Date.parse("2026-11-21T10:00:00Z"));
    const deps = { clock: time.clock, logger: recordingLogger().logger };

    await rotateCertificate(options, w.ports, deps);
    await rotateCertificate(options, w.ports, deps); // the version is still being issued
    expect(spanNames()).toEqual(["rotation start", "rotation create-version"]);
    w.completePending();
    await rotateCertificate(options, w.ports, deps);
    time.advance(24 * 3_600_000);
    await rotateCertificate(options, w.ports, deps);
    await rotateCertificate(options, w.ports, deps); // completed already: nothing more is done

    expect(await steps()).toEqual([
      "start done 1",
      "create-version done 1",
      "add-key done 1",
      "verify done 1",
      "remove-key done 1",
      "done done 1",
    ]);
    expect(telemetry.spans().find((span) => span.name === "rotation add-key")?.attributes).toEqual({
      "m2m.certificate.name": "app",
      "m2m.rotation.step": "add-key",
    });
  });

  it("counts a failed step, and fails its span with the error", async () => {
    const w = world(first);
    const deps = { clock: manualClock().clock, logger: recordingLogger().logger };
    await rotateCertificate(options, w.ports, deps);
    w.completePending();
    w.ports.verify = () => Promise.reject(new Error("AADSTS700027: not yet replicated"));

    await expect(rotateCertificate(options, w.ports, deps)).rejects.toThrow("AADSTS700027");

    expect(await steps()).toEqual([
      "start done 1",
      "create-version done 1",
      "add-key done 1",
      "verify failed 1",
    ]);
    const verify = telemetry.spans().find((span) => span.name === "rotation verify");
    expect(verify?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: "AADSTS700027: not yet replicated",
    });
  });

  it("names the step a person must take after reading the issuer: 'rotation manual'", async () => {
    const w = world(first);
    w.ports.vault.isRenewable = () => Promise.resolve(false);

    await rotateCertificate(options, w.ports, {
      clock: manualClock().clock,
      logger: recordingLogger().logger,
    });

    expect(spanNames()).toEqual(["rotation start", "rotation manual"]);
    expect(telemetry.spans()[1]?.attributes["m2m.rotation.step"]).toBe("manual");
    expect(await steps()).toEqual(["start done 1", "manual done 1"]);
  });

  it("counts nothing in a dry run: nothing is changed", async () => {
    const w = world(first);

    await rotateCertificate({ ...options, dryRun: true }, w.ports, {
      clock: manualClock().clock,
      logger: recordingLogger().logger,
    });

    expect(await steps()).toEqual([]);
  });
});
