import type { Clock } from "../clock/Clock.js";
import { M2mError } from "../errors.js";
import { buildKeyProof } from "../graph/buildKeyProof.js";
import type { GraphKeyCredential } from "../graph/GraphApplications.js";
import type { Logger } from "../logging/Logger.js";
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
   * The version the token path uses, when a new rotation starts: it is the one rotated from. Default: the latest
   * in Key Vault. Given when a newer version already exists (created outside a rotation), which the rotation then
   * adopts — registers, proves and switches to — instead of creating another.
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
 * never both act: the loser of a save stops.
 */
export async function rotateCertificate(
  options: RotationOptions,
  ports: RotationPorts,
  deps: { clock: Clock; logger: Logger },
): Promise<RotationReport> {
  const { certificateName: name } = options;
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
  const step = async (to: RotationStep, changes: Partial<RotationRecord> = {}) =>
    save({ ...record!, ...changes, step: to, resumeStep: null, attempts: 0, lastError: null });

  for (let guard = 0; guard < 10; guard++) {
    const application = await ports.graph.get(options.applicationObjectId);
    const registered = application.keyCredentials.map((k) => hex(k.customKeyIdentifier));
    const latest = await ports.vault.latest(name);
    const action = nextRotationAction(record, {
      now: deps.clock(),
      latest,
      pendingOperation: await ports.vault.hasPendingOperation(name),
      registeredThumbprints: registered,
      renewable: await ports.vault.isRenewable(name),
    });
    actions.push(action.kind);
    deps.logger.info("Rotation step", {
      certificate: name,
      step: record?.step ?? null,
      action: action.kind,
      dryRun: options.dryRun,
    });
    const current: RotationRecord | null = record;
    try {
      switch (action.kind) {
        case "start": {
          const from = options.from ?? latest;
          if (!from) throw new Error(`Key Vault has no completed version of '${name}' to rotate from`);
          const oldKey = application.keyCredentials.find(
            (k) => hex(k.customKeyIdentifier) === from.thumbprintSha1,
          );
          const now = deps.clock().toISOString();
          const started: RotationRecord = {
            certificateName: name,
            step: "renewing",
            resumeStep: null,
            startedAt: now,
            updatedAt: now,
            oldVersion: from.version,
            oldThumbprintSha1: from.thumbprintSha1,
            newVersion: null,
            newThumbprintSha1: null,
            newKeyId: null,
            oldKeyId: oldKey?.keyId ?? null,
            switchedAt: null,
            retireAfter: null,
            completedAt: null,
            attempts: 0,
            lastError: null,
          };
          if (!(await save(started))) return { actions, record, stoppedAt: "conflict" };
          continue;
        }
        case "create-version":
          if (!options.dryRun) await ports.vault.createVersion(name);
          return { actions, record, stoppedAt: "create-version" };
        case "await-version":
        case "manual":
          if (action.kind === "manual" && current!.step !== "manual" && !(await step("manual"))) {
            return { actions, record, stoppedAt: "conflict" };
          }
          return { actions, record, stoppedAt: action.kind };
        case "add-key": {
          const version = latest!.version;
          const added = await ports.vault.load(name, version);
          let keyId =
            application.keyCredentials.find((k) => hex(k.customKeyIdentifier) === added.thumbprintSha1)
              ?.keyId ?? null;
          if (!keyId) {
            // Graph accepts the proof only if a currently valid registered key signed it: the old version's.
            checkCanAddKey(application.keyCredentials, current!, options, deps.clock());
            const signer = await ports.vault.load(name, current!.oldVersion);
            if (!options.dryRun) {
              const der = Buffer.from(
                added.chainPems[0]!.replace(/-----[A-Z ]+-----|\s/g, ""),
                "base64",
              ).toString("base64");
              const proof = buildKeyProof(signer, options.applicationObjectId, deps.clock());
              keyId = (
                await ports.graph.addKey(options.applicationObjectId, der, `${name} ${version}`, proof)
              ).keyId;
            }
          }
          if (
            !(await step("verifying", {
              newVersion: version,
              newThumbprintSha1: added.thumbprintSha1,
              newKeyId: keyId,
            }))
          ) {
            return { actions, record, stoppedAt: "conflict" };
          }
          continue;
        }
        case "verify": {
          if (!options.dryRun) await ports.verify(await ports.vault.load(name, current!.newVersion!));
          const now = deps.clock();
          // Saved before the switch: the token path follows the latest version only once the record says switched.
          if (
            !(await step("switched", {
              switchedAt: now.toISOString(),
              retireAfter: new Date(now.getTime() + options.graceMs).toISOString(),
            }))
          ) {
            return { actions, record, stoppedAt: "conflict" };
          }
          if (!options.dryRun) await ports.switchTo(current!.newVersion!);
          continue;
        }
        case "wait":
          return { actions, record, stoppedAt: "wait" };
        case "remove-key": {
          const oldKeyId =
            current!.oldKeyId ??
            application.keyCredentials.find((k) => hex(k.customKeyIdentifier) === current!.oldThumbprintSha1)
              ?.keyId ??
            null;
          if (options.dryRun) return { actions, record, stoppedAt: "remove-key" };
          if (oldKeyId) {
            const signer = await ports.vault.load(name, current!.newVersion!);
            await ports.graph.removeKey(
              options.applicationObjectId,
              oldKeyId,
              buildKeyProof(signer, options.applicationObjectId, deps.clock()),
            );
          }
          continue; // the next observation sees the old key gone → done
        }
        case "done":
          if (current && current.step !== "completed") {
            if (!(await step("completed", { completedAt: deps.clock().toISOString() }))) {
              return { actions, record, stoppedAt: "conflict" };
            }
          }
          return { actions, record, stoppedAt: "done" };
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      deps.logger.error("Rotation step failed; the next run resumes it", {
        certificate: name,
        action: action.kind,
        error: message,
      });
      if (current) {
        await save({
          ...current,
          step: "failed",
          resumeStep: current.step === "failed" ? current.resumeStep : current.step,
          attempts: current.attempts + 1,
          lastError: message,
        });
      }
      throw error;
    }
  }
  throw new Error(`Rotation of '${name}' did not settle within 10 steps (last: ${record?.step ?? "none"})`);
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
