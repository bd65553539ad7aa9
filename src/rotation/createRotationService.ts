import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { sleep } from "../clock/sleep.js";
import type { Clock } from "../clock/Clock.js";
import { createDeadline, type Deadline } from "../clock/Deadline.js";
import { withinDeadline } from "../clock/withinDeadline.js";
import type { Config } from "../config/Config.js";
import type { CredentialProvider } from "../credentials/AppCredential.js";
import { M2mError } from "../errors.js";
import { cachedApplicationReads } from "../graph/cachedApplicationReads.js";
import type { GraphApplications } from "../graph/GraphApplications.js";
import type { Logger } from "../logging/Logger.js";
import { TABLE_STORAGE } from "../state/boundStorage.js";
import { holdLease } from "../state/holdLease.js";
import type { LeaseStore } from "../state/LeaseStore.js";
import type { AppMetrics } from "../telemetry/AppMetrics.js";
import { appMetrics } from "../telemetry/appMeter.js";
import { ATTR } from "../telemetry/attributeNames.js";
import { inSpan, SpanKind } from "../telemetry/tracer.js";
import { acquireWithCertificate } from "../tokens/acquireWithCertificate.js";
import { boundRotationPorts } from "./boundRotationPorts.js";
import type { LatestVersion, RenewableCertificate, RotationPorts, RotationStore } from "./RotationPorts.js";
import { rotateCertificate, type RotationOptions, type RotationReport } from "./rotateCertificate.js";

export class CertificateNotManagedError extends M2mError {
  override name = "CertificateNotManagedError";
}

export class RotationBusyError extends M2mError {
  override name = "RotationBusyError";
}

export interface RenewOptions {
  /**
   * After a completed rotation: "always" starts a new one (renew now); "when-due" only when the latest version in
   * Key Vault expires within M2M_CERT_RENEW_BEFORE_DAYS — decided under the lease, so instances that saw the old
   * certificate do not renew again what another one just renewed. Default: a completed rotation stays done.
   */
  restart?: "always" | "when-due";
  /** See RotationOptions.from. */
  from?: RotationOptions["from"];
  /**
   * The invocation's deadline: every Key Vault, Graph, token and Table Storage call of the run ends by it (TIMED_OUT
   * naming the edge; recorded as the step's failure when a step was under way), and the wait for a new version stops
   * in time to leave the invocation {@link POLL_STOPS_BEFORE_DEADLINE_MS} (the next run carries on).
   */
  deadline?: Deadline;
}

export interface RotationService {
  /**
   * Renews and rotates the certificate as far as it can go in this run: a rotation in progress is continued;
   * with `restart`, a completed one is followed by a new one (renew again), otherwise it stays done. A new version
   * Key Vault is still issuing is awaited for a while (Self-signed takes seconds), so one run usually gets to the
   * switch.
   */
  renew(name: string, logger: Logger, options?: RenewOptions): Promise<RotationReport>;
  /** The latest completed version of the managed certificate in Key Vault (null when none, or nothing is managed). */
  latestVersion(deadline?: Deadline): Promise<LatestVersion | null>;
  /** The certificate this app renews and rotates (its own Key Vault certificate, no pinned version), or null. */
  readonly managed: { vaultUrl: string; name: string } | null;
}

/**
 * Lease time of a rotation. The holder renews it every third of this while it works, so the lease outlives the run
 * however long a step takes; a holder that crashed stops renewing, and the lease is free this long after its last
 * renewal. Between steps the holder checks it still holds the lease (see holdLease).
 */
export const ROTATION_LEASE_MS = 10 * 60_000;
/** Checks for the new version Key Vault is issuing: 0.25 s, 0.5 s, 1 s, then every 2 s, about a minute in all. */
const VERSION_POLL_MS = [250, 500, 1_000, ...Array<number>(29).fill(2_000)];
/**
 * The wait for a new version stops when less than this is left before the deadline: what a run does once the version
 * is there (register it, prove it with a token request, switch) must fit in the time left. The next run carries on.
 */
export const POLL_STOPS_BEFORE_DEADLINE_MS = 15_000;
/**
 * What a run may still spend once its deadline has passed, to leave things tidy: record the failed step, release the
 * rotation lease (else it blocks the next run until it expires). Well inside the RECORD_MARGIN_MS host.json keeps.
 */
export const TIDY_AFTER_DEADLINE_MS = 5_000;

/**
 * Renewal and key rotation of the app's own Key Vault certificate: guarded by a lease (one rotation at a time
 * across instances), with the application's object id looked up once through Graph by the app's client id.
 */
export function createRotationService(deps: {
  config: Config;
  credentials: CredentialProvider;
  leases: LeaseStore;
  store: RotationStore;
  vault: RenewableCertificate | null;
  graph: GraphApplications;
  clock: Clock;
  /** Waits between checks for a new version (rejecting when the signal aborts); a parameter so tests do not wait. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Waits between renewals of the rotation lease (default: a real timer); a parameter so tests decide when. */
  leaseHeartbeat?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Counts rotation steps done and failed. Default: the app's metrics (no-ops when telemetry is off). */
  metrics?: AppMetrics;
}): RotationService {
  const metrics = deps.metrics ?? appMetrics();
  let objectId: Promise<string> | null = null;
  const wait = deps.sleep ?? sleep;
  const tidy = () => createDeadline({ budgetMs: TIDY_AFTER_DEADLINE_MS, clock: deps.clock });
  const source = deps.config.credential;
  return {
    managed:
      source.kind === "keyvault-certificate" && source.certificateVersion === null && deps.vault
        ? { vaultUrl: source.vaultUrl, name: source.certificateName }
        : null,
    async latestVersion(deadline) {
      return source.kind === "keyvault-certificate" && deps.vault
        ? deps.vault.latest(source.certificateName, deadline)
        : null;
    },
    // One `rotation` span per run: the lease, the reads and each step's span (`rotation add-key`, …) are its children.
    renew: (name, logger, renewOptions = {}) =>
      inSpan("rotation", { kind: SpanKind.INTERNAL, attributes: { [ATTR.certificateName]: name } }, () =>
        renew(name, logger, renewOptions),
      ),
  };

  async function renew(name: string, logger: Logger, renewOptions: RenewOptions): Promise<RotationReport> {
    const source = deps.config.credential;
    if (
      source.kind !== "keyvault-certificate" ||
      !deps.vault ||
      source.certificateName.toLowerCase() !== name.toLowerCase()
    ) {
      throw new CertificateNotManagedError(
        "CERTIFICATE_NOT_MANAGED",
        source.kind === "keyvault-certificate"
          ? `The app manages only its own certificate '${source.certificateName}' in ${source.vaultUrl}; '${name}' is not it.`
          : `The app renews only a Key Vault certificate it uses (M2M_CREDENTIAL_SOURCE=keyvault-certificate); it uses ${source.kind}.`,
      );
    }
    if (source.certificateVersion !== null) {
      throw new CertificateNotManagedError(
        "CERTIFICATE_VERSION_PINNED",
        `M2M_KEYVAULT_CERTIFICATE_VERSION pins version ${source.certificateVersion}: a renewed version would not be used. Clear the setting to let the app rotate.`,
      );
    }
    // Unique per call: two renewals in one process (the timer and a POST) must not share the lease.
    const owner = `${process.env.WEBSITE_INSTANCE_ID?.slice(0, 12) ?? `${hostname()}-${process.pid}`}/renew/${randomUUID().slice(0, 8)}`;
    const { deadline } = renewOptions;
    const acquired = await deps.leases.acquire(
      `rotation-${source.certificateName.toLowerCase()}`,
      owner,
      ROTATION_LEASE_MS,
      { deadline },
    );
    if (!acquired.acquired) {
      throw new RotationBusyError(
        "ROTATION_IN_PROGRESS",
        `Another rotation of '${source.certificateName}' is running (${acquired.heldBy}, until ${acquired.expiresAt.toISOString()}).`,
      );
    }
    const lease = holdLease({
      leases: deps.leases,
      lease: acquired.lease,
      ttlMs: ROTATION_LEASE_MS,
      clock: deps.clock,
      logger,
      ...(deps.leaseHeartbeat ? { wait: deps.leaseHeartbeat } : {}),
    });
    try {
      // One read of the application per run, and one more after each key it adds or removes (Graph throttles
      // keyCredentials reads per tenant), however often the run observes it while Key Vault issues the version.
      const bound = boundRotationPorts(
        { vault: deps.vault, graph: deps.graph, store: deps.store },
        deadline,
        tidy,
      );
      const graph = cachedApplicationReads(bound.graph);
      objectId ??= graph.getByAppId(deps.config.clientId).then(
        (application) => application.id,
        (error: unknown) => {
          objectId = null;
          throw error;
        },
      );
      const applicationObjectId = await objectId;
      const ports: RotationPorts = {
        vault: bound.vault,
        graph,
        store: bound.store,
        verify: (signer) => acquireWithCertificate(deps.config, signer, deadline ? { deadline } : {}),
        switchTo: async (version) => {
          await deps.credentials.reload(`rotation switched to version ${version}`, deadline);
        },
        // keep() may read and write the lease row: bounded here, whatever holdLease does inside.
        keepLease: () => withinDeadline(deadline, TABLE_STORAGE, () => lease.keep()),
      };
      const run = (restart: boolean) =>
        rotateCertificate(
          {
            certificateName: source.certificateName,
            applicationObjectId,
            graceMs: deps.config.rotation.graceMs,
            dryRun: deps.config.rotation.dryRun,
            restart,
            ...(renewOptions.from ? { from: renewOptions.from } : {}),
          },
          ports,
          { clock: deps.clock, logger, metrics },
        );
      let restart = renewOptions.restart === "always";
      if (renewOptions.restart === "when-due") {
        const latest = await bound.vault.latest(source.certificateName);
        const renewBeforeMs = deps.config.watch.renewBeforeDays * 86_400_000;
        restart =
          latest?.expiresOn != null && latest.expiresOn.getTime() - deps.clock().getTime() <= renewBeforeMs;
        const validityMs =
          latest?.expiresOn && latest.notBefore
            ? latest.expiresOn.getTime() - latest.notBefore.getTime()
            : null;
        const last = restart ? await bound.store.get(source.certificateName) : null;
        const issuedByRotation =
          last?.record.step === "completed" && last.record.newVersion === latest?.version;
        if (restart && issuedByRotation && validityMs !== null && validityMs <= renewBeforeMs) {
          // The last renewal issued a version already due: renewing again would repeat that on every check.
          throw new M2mError(
            "CERTIFICATE_VALIDITY_TOO_SHORT",
            `Version ${latest.version} of '${source.certificateName}' is valid for ${Math.round(validityMs / 86_400_000)} days, not more than M2M_CERT_RENEW_BEFORE_DAYS (${deps.config.watch.renewBeforeDays}): each renewal would be due again at once, so the app does not renew it again. Lengthen the certificate policy's validity (validity_months) or lower M2M_CERT_RENEW_BEFORE_DAYS.`,
          );
        }
      }
      let report = await run(restart);
      const actions = [...report.actions];
      // Wait for a version Key Vault issues itself (a CSR waiting for a person is not awaited here).
      const issuing =
        report.stoppedAt === "create-version" ||
        (report.stoppedAt === "await-version" && (await bound.vault.isRenewable(source.certificateName)));
      for (const pause of issuing && !deps.config.rotation.dryRun ? VERSION_POLL_MS : []) {
        if (report.stoppedAt !== "create-version" && report.stoppedAt !== "await-version") break;
        if (deadline && deadline.leftMs() < pause + POLL_STOPS_BEFORE_DEADLINE_MS) {
          logger.info(
            "Stopped waiting for the new version: the run's deadline is near; the next run carries on",
            {
              certificate: source.certificateName,
              leftMs: deadline.leftMs(),
            },
          );
          break;
        }
        await wait(pause, deadline?.signal);
        report = await run(false);
        // A poll that finds the version still pending is not news.
        if (report.stoppedAt !== "await-version" || report.actions.length > 1)
          actions.push(...report.actions);
      }
      return { ...report, actions };
    } finally {
      // Never instead of the run's own outcome: a lease that could not be released expires on its own. A run that
      // used its whole deadline still gets a moment for it.
      const releaseWithin = deadline?.signal.aborted ? tidy() : deadline;
      await withinDeadline(releaseWithin, TABLE_STORAGE, () => lease.release()).catch((error: unknown) => {
        logger.warn("Could not release the rotation lease; it expires on its own", {
          certificate: source.certificateName,
          error: error instanceof Error ? error.message : String(error),
        });
      });
    }
  }
}
