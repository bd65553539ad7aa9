import type { Span } from "@opentelemetry/api";
import type { AlertChannel } from "../alerts/Alert.js";
import type { AlertLedger, DeliveryReport } from "../alerts/AlertLedger.js";
import { alertStates, unalerted, type AlertStates } from "../alerts/alertStates.js";
import { decideConditionAlert, parseConditionStep } from "../alerts/decideConditionAlert.js";
import type { Clock } from "../clock/Clock.js";
import { createDeadline, type Deadline } from "../clock/Deadline.js";
import type { Config } from "../config/Config.js";
import type { CredentialProvider } from "../credentials/AppCredential.js";
import { M2mError, TimedOutError } from "../errors.js";
import type { Logger } from "../logging/Logger.js";
import { RotationBusyError, type RotationService } from "../rotation/createRotationService.js";
import type { RotationReport } from "../rotation/rotateCertificate.js";
import type { RotationStore } from "../rotation/RotationPorts.js";
import { TABLE_STORAGE } from "../state/boundStorage.js";
import type { AppMetrics } from "../telemetry/AppMetrics.js";
import { appMetrics } from "../telemetry/appMeter.js";
import { ATTR } from "../telemetry/attributeNames.js";
import { inSpan, markFailed, SpanKind } from "../telemetry/tracer.js";
import { CHECK_PREFIX, checkSubject } from "./checkSubject.js";
import type { CertificateInventory, InventoryService } from "./createInventoryService.js";
import { observeTimeouts } from "./observeTimeouts.js";
import {
  CERTIFICATE_PREFIX,
  CREDENTIAL_PREFIX,
  DRIFT_PREFIX,
  planCertificateAlerts,
  ROTATION_PREFIX,
  type WatchedSubject,
  certificateAlertPrefixes,
} from "./planCertificateAlerts.js";

const DAY_MS = 86_400_000;
/**
 * How long alerting may take after a check that used its whole deadline (it ran out of time): inside the 30 s that
 * host.json keeps after a run's deadline (RECORD_MARGIN_MS), with room left for a renewal's tidying before it.
 */
export const ALERT_AFTER_DEADLINE_MS = 15_000;

/** The alert decisions a check took (CertificateCheckReport.alerts). */
type Told = CertificateCheckReport["alerts"];

export interface CertificateCheckReport {
  /** Null when the check ran out of time before it could take the inventory (see timedOut). */
  inventory: CertificateInventory | null;
  renewal: {
    /** The app's own certificate reached M2M_CERT_RENEW_BEFORE_DAYS (a new rotation may start). */
    due: boolean;
    /** What the rotation did this check; null when it did not run (not due, nothing in progress, not managed). */
    report: RotationReport | null;
    error: string | null;
  };
  /** Alert decisions taken this check: what was raised or resolved, and whether this instance recorded it. */
  alerts: { subject: string; action: "fire" | "resolve"; applied: boolean; title: string }[];
  /** Null when no channel is configured or the ledger failed (see alertError). */
  delivery: DeliveryReport | null;
  alertError: string | null;
  /** The check ran out of time: the edge that did not answer first, and what was said about it; else null. */
  timedOut: { edge: string; message: string } | null;
}

export interface CertificateWatch {
  /**
   * One certificate check (the timer, an Event Grid event), in a `certificate check` span: continue or start the app's
   * own renewal, take the inventory, log a record and record the days-left metrics per certificate (and per
   * certificate credential of the app registration), then alert through the ledger and deliver what is pending for
   * the check's own subjects. Alerting problems are logged, never thrown; an inventory that cannot be taken at all
   * (the app's own credential unreadable) throws.
   *
   * Every call the check makes ends by `deadline` (default: M2M_RUN_DEADLINE_SECONDS from now). A check that runs out
   * of time logs one error naming the edge that did not answer ("Certificate check ran out of time"), raises the
   * `check:` alert (see checkSubject) and tells what it could still see; alerting then gets
   * {@link ALERT_AFTER_DEADLINE_MS}. When Table Storage is the edge that hung, the error line is what is left.
   */
  check(logger: Logger, trigger: string, deadline?: Deadline): Promise<CertificateCheckReport>;
}

/**
 * The certificate watch: renewal when due, then stateful alerts — one per subject and step, escalating, with
 * "renewed", "rotated" and "resolved" messages — through the same ledger and channels as the jobs' alerts.
 */
export function createCertificateWatch(deps: {
  config: Config;
  credentials: CredentialProvider;
  inventory: InventoryService;
  rotation: RotationService;
  rotations: RotationStore;
  ledger: AlertLedger;
  channels: readonly AlertChannel[];
  clock: Clock;
  /** Default: the app's metrics on the registered MeterProvider (no-ops when telemetry is off). */
  metrics?: AppMetrics;
}): CertificateWatch {
  const { config, ledger, channels } = deps;
  const metrics = deps.metrics ?? appMetrics();
  /**
   * The subjects a check speaks for, so it delivers only their alerts: a job's pending alert is its job's to send
   * (and to log, in that job's run), as the check's are the check's.
   */
  const ownPrefixes = [
    CHECK_PREFIX,
    CERTIFICATE_PREFIX,
    ROTATION_PREFIX,
    `${DRIFT_PREFIX}${config.clientId}/`,
    `${CREDENTIAL_PREFIX}${config.clientId}/`,
  ];
  const ownSubject = (subject: string) => ownPrefixes.some((prefix) => subject.startsWith(prefix));

  /** `beforeStarting` runs once, just before a new rotation starts (not when one in progress is continued). */
  async function renew(
    logger: Logger,
    beforeStarting: () => Promise<void>,
    deadline: Deadline,
  ): Promise<CertificateCheckReport["renewal"]> {
    const managed = deps.rotation.managed;
    if (!managed) return { due: false, report: null, error: null };
    try {
      const [stored, loaded, latest] = await Promise.all([
        deps.rotations.get(managed.name, deadline),
        deps.credentials.current(deadline),
        deps.rotation.latestVersion(deadline),
      ]);
      let current = loaded;
      const active = stored !== null && stored.record.step !== "completed";
      // Another instance rotated while this one still holds the old version: catch up now, not at the next refresh.
      if (
        stored?.record.step === "completed" &&
        stored.record.newVersion &&
        current.summary.version === stored.record.oldVersion
      ) {
        current = await deps.credentials.reload(
          `rotation to version ${stored.record.newVersion} completed`,
          deadline,
        );
      }
      const notAfter = current.certificate?.notAfter ?? null;
      const due =
        notAfter !== null &&
        notAfter.getTime() - deps.clock().getTime() <= config.watch.renewBeforeDays * DAY_MS;
      // A version created outside a rotation (Key Vault's AutoRenew, a person) while the token path holds the one
      // the last rotation switched to: adopt it — register, prove, switch — instead of creating another.
      const inUseVersion = typeof current.summary.version === "string" ? current.summary.version : null;
      const adopt =
        !active &&
        stored !== null &&
        latest !== null &&
        inUseVersion !== null &&
        current.certificate !== null &&
        latest.version !== inUseVersion &&
        latest.version !== stored.record.newVersion;
      if (adopt) {
        logger.info("A new version of the app's certificate was created outside a rotation; adopting it", {
          certificate: managed.name,
          inUse: inUseVersion,
          latest: latest.version,
        });
        await beforeStarting();
        const report = await deps.rotation.renew(managed.name, logger, {
          restart: "always",
          from: { version: inUseVersion, thumbprintSha1: current.certificate!.thumbprintSha1 },
          deadline,
        });
        return { due, report, error: null };
      }
      if (!due && !active) return { due, report: null, error: null };
      if (due && !active) {
        logger.info("The app's certificate is due for renewal", {
          certificate: managed.name,
          notAfter: notAfter?.toISOString() ?? null,
          renewBeforeDays: config.watch.renewBeforeDays,
        });
        await beforeStarting();
      }
      const report = await deps.rotation.renew(managed.name, logger, {
        ...(due ? { restart: "when-due" as const } : {}),
        deadline,
      });
      return { due, report, error: null };
    } catch (error) {
      if (error instanceof RotationBusyError) {
        logger.info(`Renewal skipped: ${error.message}`);
        return { due: true, report: null, error: null };
      }
      const message = error instanceof Error ? error.message : String(error);
      // Out of time: the check's own error line says so ("Certificate check ran out of time").
      logger[error instanceof TimedOutError ? "warn" : "error"](
        "Certificate renewal failed; the next check tries again",
        {
          certificate: managed.name,
          // GRAPH_FORBIDDEN and the like: the message says what to grant.
          code: error instanceof M2mError ? error.code : null,
          error: message,
        },
      );
      return { due: true, report: null, error: message };
    }
  }

  async function tell(
    entry: WatchedSubject,
    logger: Logger,
    told: Told,
    states: AlertStates,
    deadline: Deadline,
  ): Promise<void> {
    let state = (await states.read(deadline)).get(entry.subject) ?? unalerted(entry.subject);
    const steps = [entry.condition];
    if (entry.announceThenResolve && entry.condition) {
      const last = parseConditionStep(state.step);
      // Announced and closed already: nothing to say.
      if (state.status === "ok" && last?.episode === entry.condition.episode) return;
      steps.push(null);
    }
    for (const condition of steps) {
      const decision = decideConditionAlert({
        subject: entry.subject,
        state,
        condition,
        resolution: entry.resolution,
        now: deps.clock(),
      });
      if (decision.action === "none") continue;
      const result = await ledger.transition(entry.subject, state, decision.next, decision.alert, channels, {
        deadline,
      });
      told.push({
        subject: entry.subject,
        action: decision.action,
        applied: result.applied,
        title: decision.alert.title,
      });
      const properties = { subject: entry.subject, dedupeKey: decision.alert.dedupeKey };
      // What the ledger holds now, for a later subject of this check that reads it (announce, then decide).
      (await states.read(deadline)).set(entry.subject, result.applied ? result.state : result.current);
      if (!result.applied) {
        logger.info("Alert state already moved by another instance; nothing enqueued", properties);
        return;
      }
      if (decision.action === "fire") logger.warn(`Alert raised: ${decision.alert.title}`, properties);
      else logger.info(`Alert resolved: ${decision.alert.title}`, properties);
      state = result.state;
    }
  }

  /** Records what people must be told about this inventory in the ledger (delivery comes after). */
  async function decide(
    inventory: CertificateInventory,
    renewal: { starting: boolean; error: string | null },
    logger: Logger,
    told: Told,
    states: AlertStates,
    deadline: Deadline,
  ): Promise<void> {
    const plan = planCertificateAlerts({
      inventory,
      appId: config.clientId,
      renewBeforeDays: config.watch.renewBeforeDays,
      appCredentials: config.watch.appCredentials,
      renewalStarting: renewal.starting,
      renewalError: renewal.error,
      now: deps.clock(),
    });
    for (const entry of plan.subjects) await tell(entry, logger, told, states, deadline);
    // The subjects still firing that this inventory no longer shows (a certificate deleted, a finding gone): resolved.
    const seen = new Set(plan.subjects.map((s) => s.subject));
    const firing = [...(await states.read(deadline)).values()]
      .filter((state) => state.status === "firing" && plan.prefixes.some((p) => state.subject.startsWith(p)))
      .map((state) => state.subject)
      .sort();
    for (const subject of firing) {
      const resolution = seen.has(subject) ? null : plan.gone(subject);
      if (resolution) {
        await tell(
          { subject, condition: null, resolution, announceThenResolve: false },
          logger,
          told,
          states,
          deadline,
        );
      }
    }
  }

  async function check(
    logger: Logger,
    trigger: string,
    deadline: Deadline | undefined,
    span: Span,
  ): Promise<CertificateCheckReport> {
    const budget = deadline ?? createDeadline({ budgetMs: config.runDeadlineMs, clock: deps.clock });
    const observed = observeTimeouts(budget);
    const within = observed.deadline;
    const alerts: Told = [];
    // Every alert state this check may read or resolve, in one query when first needed.
    const states = alertStates(ledger, [CHECK_PREFIX, ...certificateAlertPrefixes(config.clientId)]);
    const alerting = channels.length > 0;
    let alertError: string | null = null;
    const failed = (error: unknown) => {
      alertError = error instanceof Error ? error.message : String(error);
      logger.error("Certificate alerting failed; what is pending is retried on the next check", {
        trigger,
        code: error instanceof M2mError ? error.code : null,
        error: alertError,
      });
    };
    // Before a new rotation changes things, people hear where they stand ("expires in 20 days; renewing now").
    const renewal = await renew(
      logger,
      async () => {
        if (!alerting) return;
        const announce = async () => {
          const before = await deps.inventory.inventory(logger, within);
          // Out of time while taking it (Graph did not answer, say): nothing can be told within the deadline. The
          // check's one error line names that edge and its alerting after the deadline says where things stand;
          // asking the ledger now would only add a second error, blaming Table Storage for the deadline.
          if (within.signal.aborted) return;
          await decide(before, { starting: true, error: null }, logger, alerts, states, budget);
        };
        await announce().catch(failed);
      },
      within,
    );
    let inventory: CertificateInventory | null = null;
    let untaken: TimedOutError | null = null;
    try {
      inventory = await deps.inventory.inventory(logger, within);
    } catch (error) {
      // Out of time before the inventory (the app's credential could not be loaded in time): said below.
      if (!(error instanceof TimedOutError)) throw error;
      untaken = error;
    }
    const first = observed.first() ?? untaken;
    const report: CertificateCheckReport = {
      inventory,
      renewal,
      alerts,
      delivery: null,
      alertError,
      timedOut: first && { edge: first.edge, message: first.message },
    };
    if (first) {
      // Not thrown, but the check could not look at everything: its span is failed, with the error's code.
      markFailed(span, first);
      logger.error("Certificate check ran out of time", {
        trigger,
        code: first.code,
        edge: first.edge,
        error: first.message,
        inventory: inventory === null ? "not taken" : "partial",
        renewal: renewal.report?.stoppedAt ?? (renewal.error ? "failed" : "not due"),
      });
    }
    if (inventory) {
      logMetrics(inventory, logger, first !== null);
      recordMetrics(inventory, metrics, config.clientId);
    }
    if (!alerting) {
      logger.info("No alert channel is configured: certificate findings are logged only", { trigger });
      return report;
    }
    if (first?.edge === TABLE_STORAGE) {
      // The ledger lives there: asking it again would only wait once more. The error line above is what is left.
      logger.warn("Certificate alerts not sent: the alert ledger's Table Storage did not answer", {
        trigger,
      });
      return report;
    }
    // Alerting keeps to the check's deadline; a check that used it all gets the time kept after it.
    const alertWithin = budget.signal.aborted
      ? createDeadline({ budgetMs: ALERT_AFTER_DEADLINE_MS, clock: deps.clock })
      : budget;
    try {
      await tell(
        checkSubject(config.clientId, report.timedOut, deps.clock()),
        logger,
        alerts,
        states,
        alertWithin,
      );
      if (inventory) {
        await decide(
          inventory,
          { starting: false, error: renewal.error },
          logger,
          alerts,
          states,
          alertWithin,
        );
      }
      report.delivery = await ledger.deliverPending(channels, {
        deadline: alertWithin,
        subjects: ownSubject,
      });
      for (const sent of report.delivery.sent) logger.info("Alert delivered", { trigger, ...sent });
      for (const failure of report.delivery.failed) {
        logger.error(
          failure.gaveUp
            ? `Alert delivery failed for the last time (${failure.attempts} attempts); it is given up`
            : "Alert delivery failed; it is retried on the next check",
          { trigger, ...failure },
        );
      }
    } catch (error) {
      failed(error);
      report.alertError = alertError;
    }
    return report;
  }

  return {
    check: (logger, trigger, deadline) =>
      inSpan(
        "certificate check",
        { kind: SpanKind.INTERNAL, attributes: { [ATTR.trigger]: trigger } },
        (span) => check(logger, trigger, deadline, span),
      ),
  };
}

/**
 * The days-left gauges after a check: one point per watched certificate whose expiry is known (by vault host, name
 * and state), and one per certificate credential on the app registration (client secrets are not certificates).
 * The same whole days (daysLeft.ts) as the log records and the alerts.
 */
function recordMetrics(inventory: CertificateInventory, metrics: AppMetrics, appId: string): void {
  for (const item of inventory.items) {
    if (item.daysLeft === null) continue;
    metrics.certificateDaysLeft(item.daysLeft, {
      vault: new URL(item.vaultUrl).host.toLowerCase(),
      name: item.name,
      state: item.state,
    });
  }
  for (const credential of inventory.appCredentials) {
    if (credential.kind !== "certificate" || credential.daysLeft === null) continue;
    metrics.appCredentialDaysLeft(credential.daysLeft, { appId, keyId: credential.keyId });
  }
}

/**
 * One log record per certificate and per app registration credential with its days left and state (at the level its
 * state deserves), and one per drift finding: the story behind the days-left metrics, queryable by its attributes.
 */
function logMetrics(inventory: CertificateInventory, logger: Logger, timedOut: boolean): void {
  for (const item of inventory.items) {
    const record = {
      daysLeft: item.daysLeft,
      certificate: item.name,
      vault: item.vaultUrl,
      state: item.state,
      step: item.step,
      notAfter: item.notAfter,
      inUse: item.inUse,
      managed: item.managed,
      registration: item.registration,
    };
    if (item.state === "critical" || item.state === "expired") logger.error("Certificate expiry", record);
    else if (item.state === "warning" || item.state === "disabled" || item.state === "unknown")
      logger.warn("Certificate expiry", record);
    else logger.info("Certificate expiry", record);
  }
  for (const credential of inventory.appCredentials) {
    logger.info("App registration credential expiry", {
      daysLeft: credential.daysLeft,
      keyId: credential.keyId,
      kind: credential.kind,
      state: credential.state,
      endDateTime: credential.endDateTime,
      inKeyVault: credential.inKeyVault,
    });
  }
  for (const finding of [...inventory.findings, ...inventory.items.flatMap((item) => item.drift)]) {
    logger.warn(`Certificate drift: ${finding.message}`, {
      code: finding.code,
      severity: finding.severity,
      keyIds: finding.keyIds,
    });
  }
  // In a check that ran out of time, its own error line says why; the sources it could not read are details.
  for (const source of inventory.sources.filter((s) => !s.ok)) {
    logger[timedOut ? "warn" : "error"](`Certificate source unreadable: ${source.source}`, {
      error: source.error,
    });
  }
  if (inventory.graphError) logger.warn(`Registration status unknown: ${inventory.graphError}`);
}
