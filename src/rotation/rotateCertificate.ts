import type { Span } from "@opentelemetry/api";
import type { Clock } from "../clock/Clock.js";
import { M2mError } from "../errors.js";
import { buildKeyProof } from "../graph/buildKeyProof.js";
import type { GraphKeyCredential } from "../graph/GraphApplications.js";
import type { Logger } from "../logging/Logger.js";
import type { AppMetrics } from "../telemetry/AppMetrics.js";
import { appMetrics } from "../telemetry/appMeter.js";
import { ATTR } from "../telemetry/attributeNames.js";
import { inSpan, SpanKind } from "../telemetry/tracer.js";
import { nextRotationAction, type RotationAction } from "./nextRotationAction.js";
import type { RotationPorts } from "./RotationPorts.js";
import type { RotationRecord, RotationStep } from "./RotationRecord.js";

export interface RotationOptions {
  certificateName: string;
  /** The application's object id (Graph's `iss` for proofs; not the client id). */
  applicationObjectId: string;
  /** How long the old key stays registered after the switch. */
  graceMs: number;
  /** Report what would be done; change nothing. */
  dryRun: boolean;
  /** Start a new rotation when the last one has completed (renew again); otherwise a completed rotation is done. */
  restart?: boolean;
  /**
   * The version the token path uses, when a new rotation starts: it is the one rotated from. Default: the newest
   * version in Key Vault registered on the app registration (else the latest). Given when a newer version already
   * exists (created outside a rotation), which the rotation then adopts — registers, proves and switches to —
   * instead of creating another.
   */
  from?: { version: string; thumbprintSha1: string };
}

/** Graph's addKey cannot be called: no registered certificate the app holds is valid to sign its proof. */
export class AddKeyImpossibleError extends M2mError {
  override name = "AddKeyImpossibleError";
}

export interface RotationReport {
  /** Actions taken (or, in a dry run, that would be taken) in order. */
  actions: RotationAction["kind"][];
  record: RotationRecord | null;
  /** Why the run stopped: waiting for Key Vault, for the grace period, for a person, done, or lost a race. */
  stoppedAt: RotationAction["kind"] | "conflict";
}

const hex = (base64: string | null) =>
  base64 ? Buffer.from(base64, "base64").toString("hex").toUpperCase() : "";

/**
 * Runs the rotation of one certificate as far as it can go now: renew in Key Vault, register the new key on the
 * app registration (addKey, proof signed by the current certificate), prove the new certificate works, switch the
 * token path to it, and after the grace period remove the old key (removeKey, proof signed by the new one).
 * Every step is saved (ETag-guarded) before the next starts, so a crash resumes at the right step and two instances
 * never both act: the loser of a save stops, and so does a holder that lost the rotation lease.
 *
 * Each step taken is a span (`rotation add-key`, …) around the calls it makes, and is counted when it changed
 * something or failed (`m2m.rotation.steps`, outcome done or failed; a dry run counts only failures).
 */
export async function rotateCertificate(
  options: RotationOptions,
  ports: RotationPorts,
  deps: {
    clock: Clock;
    logger: Logger;
    /** Counts each step done or failed. Default: the app's metrics (no-ops when telemetry is off). */
    metrics?: AppMetrics;
  },
): Promise<RotationReport> {
  const { certificateName: name } = options;
  const metrics = deps.metrics ?? appMetrics();
  const actions: RotationAction["kind"][] = [];
  const stored = await ports.store.get(name);
  // A completed rotation's record is replaced (on its ETag) by the new one's.
  let record = stored?.record.step === "completed" && options.restart ? null : (stored?.record ?? null);
  let etag = stored?.etag ?? null;

  const save = async (next: RotationRecord): Promise<boolean> => {
    if (options.dryRun) {
      record = next;
      return true;
    }
    const result = await ports.store.save({ ...next, updatedAt: deps.clock().toISOString() }, etag);
    if (!result.saved) return false;
    record = next;
    etag = result.etag;
    return true;
  };
  const stepTo = (from: RotationRecord, to: RotationStep, changes: Partial<RotationRecord> = {}) =>
    save({ ...from, ...changes, step: to, resumeStep: null, attempts: 0, lastError: null });

  /**
   * One consistent observation. The reads of Graph and of Key Vault are independent and run together; within Key
   * Vault the pending operation is read first, then the versions: a create that completes between the two reads then
   * shows its version in the list. Read the other way round, it could look like "no new version" followed by "no
   * operation" — and a second version would be created.
   */
  const observe = async () => {
    const [application, vault] = await Promise.all([
      ports.graph.get(options.applicationObjectId),
      (async () => {
        const pendingOperation = await ports.vault.hasPendingOperation(name);
        return { pendingOperation, versions: await ports.vault.versions(name) };
      })(),
    ]);
    return { application, ...vault };
  };

  for (let guard = 0; guard < 10; guard++) {
    // Before every step: this run must still hold the rotation lease (another instance may otherwise act too).
    await ports.keepLease();
    const { application, versions, pendingOperation } = await observe();
    const latest = versions[0] ?? null;
    const registered = application.keyCredentials.map((k) => hex(k.customKeyIdentifier));
    const seen = { now: deps.clock(), latest, pendingOperation, registeredThumbprints: registered };
    const action = nextRotationAction(record, { ...seen, renewable: true });
    const current: RotationRecord | null = record;
    const announce = (kind: RotationAction["kind"]) => {
      actions.push(kind);
      deps.logger.info("Rotation step", {
        certificate: name,
        step: current?.step ?? null,
        action: kind,
        dryRun: options.dryRun,
      });
    };

    if (action.kind === "start" || current === null) {
      const stopped = await inStepSpan("start", async () => {
        announce("start");
        // Rotate from the newest version registered on the app registration (it signs addKey's proof); a newer one
        // — a create that completed just now, say — is the rotation's new version, not the one it starts from.
        const from = options.from ?? versions.find((v) => registered.includes(v.thumbprintSha1)) ?? latest;
        try {
          if (!from) throw new Error(`Key Vault has no completed version of '${name}' to rotate from`);
          const oldKey = application.keyCredentials.find(
            (k) => hex(k.customKeyIdentifier) === from.thumbprintSha1,
          );
          if (!(await save(newRotation(name, from, oldKey?.keyId ?? null, deps.clock())))) return conflict();
        } catch (error) {
          // No record to resume from yet: the failure is counted here and told by the caller.
          metrics.rotationStep({ step: "start", outcome: "failed" });
          throw error;
        }
        return done("start");
      });
      if (stopped) return stopped;
      continue;
    }

    const stopped = await inStepSpan(action.kind, async (span) => {
      let taking: RotationAction = action;
      try {
        // The issuer decides only between creating a version and asking a person, so it is read only then (reading
        // an issuer object needs its own permission; Self needs no read). A failed read fails the step: it is no answer.
        if (taking.kind === "create-version" && !(await ports.vault.isRenewable(name))) {
          taking = nextRotationAction(current, { ...seen, renewable: false });
          span?.updateName(`rotation ${taking.kind}`);
          span?.setAttribute(ATTR.rotationStep, taking.kind);
        }
        announce(taking.kind);
        return await take(taking, current, application.keyCredentials);
      } catch (error) {
        await recordFailure(error, current, taking.kind);
        throw error;
      }
    });
    if (stopped) return stopped;
  }
  throw new Error(`Rotation of '${name}' did not settle within 10 steps (last: ${record?.step ?? "none"})`);

  /** The run stops here: it lost a race (another instance saved first). */
  function conflict(): RotationReport {
    return { actions, record, stoppedAt: "conflict" };
  }

  /** A step that changed something is counted (a dry run changes nothing); null: the run goes on to the next step. */
  function done(step: RotationAction["kind"]): null {
    if (!options.dryRun) metrics.rotationStep({ step, outcome: "done" });
    return null;
  }

  /**
   * A step in its own span, `rotation <step>`, so the Key Vault, Graph and token calls it makes are its children.
   * Waiting (for a version Key Vault is issuing, for the grace period) does nothing worth a span: `work` gets none.
   */
  function inStepSpan(
    kind: RotationAction["kind"],
    work: (span: Span | null) => Promise<RotationReport | null>,
  ): Promise<RotationReport | null> {
    if (kind === "await-version" || kind === "wait") return work(null);
    const attributes = { [ATTR.certificateName]: name, [ATTR.rotationStep]: kind };
    return inSpan(`rotation ${kind}`, { kind: SpanKind.INTERNAL, attributes }, work);
  }

  /** Takes one step of a rotation under way; null when the run goes on to observe and take the next. */
  async function take(
    action: RotationAction,
    current: RotationRecord,
    keyCredentials: readonly GraphKeyCredential[],
  ): Promise<RotationReport | null> {
    switch (action.kind) {
      case "start":
        throw new Error("a rotation under way does not start again");
      case "create-version": {
        if (options.dryRun) return { actions, record, stoppedAt: "create-version" };
        const created = await ports.vault.createVersion(name);
        // Refused because a create began since the observation: that one is the rotation's new version.
        if (created !== "started") return { actions, record, stoppedAt: "await-version" };
        done("create-version");
        return { actions, record, stoppedAt: "create-version" };
      }
      case "await-version":
        return { actions, record, stoppedAt: "await-version" };
      case "manual":
        if (current.step !== "manual") {
          if (!(await stepTo(current, "manual"))) return conflict();
          done("manual");
        }
        return { actions, record, stoppedAt: "manual" };
      case "add-key": {
        const { version } = action;
        const added = await ports.vault.load(name, version);
        let keyId =
          keyCredentials.find((k) => hex(k.customKeyIdentifier) === added.certificate.thumbprintSha1)
            ?.keyId ?? null;
        if (!keyId) {
          // Graph accepts the proof only if a currently valid registered key signed it: the old version's.
          checkCanAddKey(keyCredentials, current, options, deps.clock());
          const signer = await ports.vault.load(name, current.oldVersion);
          const leaf = added.certificate.chainPems[0];
          if (!leaf) throw new Error(`Key Vault certificate '${name}' version ${version} has no certificate`);
          if (!options.dryRun) {
            const der = Buffer.from(leaf.replace(/-----[A-Z ]+-----|\s/g, ""), "base64").toString("base64");
            const proof = await buildKeyProof(signer, options.applicationObjectId, deps.clock());
            keyId = (await ports.graph.addKey(options.applicationObjectId, der, `${name} ${version}`, proof))
              .keyId;
          }
        }
        const changes = {
          newVersion: version,
          newThumbprintSha1: added.certificate.thumbprintSha1,
          newKeyId: keyId,
        };
        if (!(await stepTo(current, "verifying", changes))) return conflict();
        return done("add-key");
      }
      case "verify": {
        if (!options.dryRun) await ports.verify(await ports.vault.load(name, action.version));
        const now = deps.clock();
        // Saved before the switch: the token path follows the latest version only once the record says switched.
        const switched = {
          switchedAt: now.toISOString(),
          retireAfter: new Date(now.getTime() + options.graceMs).toISOString(),
        };
        if (!(await stepTo(current, "switched", switched))) return conflict();
        if (!options.dryRun) await ports.switchTo(action.version);
        return done("verify");
      }
      case "wait":
        return { actions, record, stoppedAt: "wait" };
      case "remove-key": {
        const oldKeyId =
          current.oldKeyId ??
          keyCredentials.find((k) => hex(k.customKeyIdentifier) === current.oldThumbprintSha1)?.keyId ??
          null;
        if (options.dryRun) return { actions, record, stoppedAt: "remove-key" };
        if (oldKeyId) {
          const signer = await ports.vault.load(name, action.version);
          await ports.graph.removeKey(
            options.applicationObjectId,
            oldKeyId,
            await buildKeyProof(signer, options.applicationObjectId, deps.clock()),
          );
        }
        return done("remove-key"); // the next observation sees the old key gone → done
      }
      case "done":
        if (current.step !== "completed") {
          if (!(await stepTo(current, "completed", { completedAt: deps.clock().toISOString() }))) {
            return conflict();
          }
          done("done");
        }
        return { actions, record, stoppedAt: "done" };
    }
  }

  /**
   * Saves the failed step (the next run resumes it; alerts carry the error). The step's own error is what the caller
   * gets: a save that fails too is logged next to it, never thrown instead of it.
   */
  async function recordFailure(error: unknown, current: RotationRecord, kind: RotationAction["kind"]) {
    const message = error instanceof Error ? error.message : String(error);
    metrics.rotationStep({ step: kind, outcome: "failed" });
    deps.logger.error("Rotation step failed; the next run resumes it", {
      certificate: name,
      action: kind,
      error: message,
    });
    try {
      await save({
        ...current,
        step: "failed",
        resumeStep: current.step === "failed" ? current.resumeStep : current.step,
        attempts: current.attempts + 1,
        lastError: message,
      });
    } catch (saveError) {
      deps.logger.error(
        "The failed rotation step could not be recorded; the next run finds the step as it was",
        {
          certificate: name,
          action: kind,
          error: message,
          saveError: saveError instanceof Error ? saveError.message : String(saveError),
        },
      );
    }
  }
}

/** The record of a rotation that starts now from `from`: step renewing, nothing new yet. */
function newRotation(
  name: string,
  from: { version: string; thumbprintSha1: string },
  oldKeyId: string | null,
  now: Date,
): RotationRecord {
  const at = now.toISOString();
  return {
    certificateName: name,
    step: "renewing",
    resumeStep: null,
    startedAt: at,
    updatedAt: at,
    oldVersion: from.version,
    oldThumbprintSha1: from.thumbprintSha1,
    newVersion: null,
    newThumbprintSha1: null,
    newKeyId: null,
    oldKeyId,
    switchedAt: null,
    retireAfter: null,
    completedAt: null,
    attempts: 0,
    lastError: null,
  };
}

/**
 * Throws AddKeyImpossibleError unless the rotation's old certificate is registered and valid now, so that its
 * signature on the proof is accepted. Says what a person must do instead: register the new certificate by hand
 * (the rotation then finds it registered and carries on).
 */
function checkCanAddKey(
  keys: readonly GraphKeyCredential[],
  record: RotationRecord,
  options: RotationOptions,
  now: Date,
): void {
  const valid = keys.filter(
    (k) =>
      // Graph always dates keys; one without an end is left for Graph to judge.
      (k.endDateTime === null || Date.parse(k.endDateTime) > now.getTime()) &&
      (k.startDateTime === null || Date.parse(k.startDateTime) <= now.getTime()),
  );
  if (valid.some((k) => hex(k.customKeyIdentifier) === record.oldThumbprintSha1)) return;
  const name = record.certificateName;
  const fix =
    `Register the new certificate by hand: download it (az keyvault certificate download --vault-name <vault> ` +
    `--name ${name} --file ${name}.pem) and upload it to the app registration (Azure portal > App registrations > ` +
    `Certificates & secrets > Upload certificate, or az ad app credential reset --id ${options.applicationObjectId} ` +
    `--cert @${name}.pem --append). The next run finds it registered and continues the rotation.`;
  const ends = keys
    .map((k) => k.endDateTime)
    .filter((e): e is string => e !== null)
    .sort();
  if (valid.length === 0) {
    throw new AddKeyImpossibleError(
      "ADD_KEY_IMPOSSIBLE",
      `Every certificate registered on the app registration has expired${ends.length > 0 ? ` (the last on ${ends.at(-1)})` : " (none is registered)"}, so the app cannot add a key itself: Graph's addKey needs a proof signed by a currently valid registered certificate. ${fix}`,
    );
  }
  throw new AddKeyImpossibleError(
    "ADD_KEY_IMPOSSIBLE",
    `The certificate the rotation would sign Graph's proof with ('${name}' version ${record.oldVersion}, SHA-1 ${record.oldThumbprintSha1}) is not a valid registered certificate on the app registration, so addKey would be refused. ${fix}`,
  );
}
