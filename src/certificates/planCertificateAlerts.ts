import { reminderUrgency, URGENCY } from "./alertUrgency.js";
import type { AlertCondition, AlertResolution } from "../alerts/decideConditionAlert.js";
import type { RotationRecord } from "../rotation/RotationRecord.js";
import type { AlertWording } from "./AlertWording.js";
import {
  certificateExpiryWording,
  certificateFacts,
  certificateRenewedWording,
  type AddKeyRisk,
  type RenewalStatus,
} from "./certificateAlertWording.js";
import type { AppCredentialItem, CertificateInventoryItem } from "./CertificateInventoryItem.js";
import type { CertificateInventory } from "./createInventoryService.js";
import {
  credentialExpiryWording,
  credentialFacts,
  credentialResolvedWording,
} from "./credentialAlertWording.js";
import type { DriftFinding } from "./DriftFinding.js";
import {
  driftAlertWording,
  driftFacts,
  driftResolvedWording,
  type AlertedDriftCode,
} from "./driftAlertWording.js";
import { goneAlertWording, type GoneSubject } from "./goneAlertWording.js";
import {
  manualRenewalWording,
  renewalFailedWording,
  renewalProgressWording,
  rotationFacts,
  rotationResolvedWording,
  rotationSwitchedWording,
} from "./rotationAlertWording.js";

/** One subject a certificate check speaks about, with what is wrong now (or null) and how a firing one is closed. */
export interface WatchedSubject {
  subject: string;
  condition: AlertCondition | null;
  resolution: AlertResolution;
  /**
   * Tell the condition, then resolve it at once: a rotation that completed within one check (or between two) is
   * announced and closed, not left firing.
   */
  announceThenResolve: boolean;
}

export interface CertificateAlertPlan {
  subjects: WatchedSubject[];
  /** The subject prefixes the plan speaks for: a firing subject under them that it does not list may be gone. */
  prefixes: string[];
  /**
   * How a firing subject the check no longer sees is resolved (a certificate deleted or out of scope, a finding
   * fixed, a secret removed), or null when this check cannot tell (its vault or Graph could not be read, or the
   * subject is not one of its own).
   */
  gone(subject: string): AlertResolution | null;
}

export interface PlanInput {
  inventory: Pick<
    CertificateInventory,
    | "items"
    | "findings"
    | "appCredentials"
    | "registeredCertificatesValidUntil"
    | "graphError"
    | "sources"
    | "rotation"
  >;
  /** The app's client id: names the app registration's subjects. */
  appId: string;
  /** M2M_CERT_RENEW_BEFORE_DAYS: the app renews its certificate this many days before expiry. */
  renewBeforeDays: number;
  /** M2M_CERT_ALERT_APP_CREDENTIALS. */
  appCredentials: boolean;
  /** A new rotation of the app's certificate is about to start (this plan is told before it runs). */
  renewalStarting?: boolean;
  /** The renewal this check attempted threw this, with no failed step recorded (e.g. Graph unreachable); else null. */
  renewalError: string | null;
  now: Date;
}

export const CERTIFICATE_PREFIX = "certificate:";
export const ROTATION_PREFIX = "rotation:";
export const DRIFT_PREFIX = "drift:";
export const CREDENTIAL_PREFIX = "credential:";

const DAY_MS = 86_400_000;

/** The urgency and label of a reminder step reached (fewer days is more urgent), or of expiry (the most urgent). */
function expiryLevel(expired: boolean, step: number): { urgency: number; label: string } {
  return expired
    ? { urgency: URGENCY.expired, label: "expired" }
    : { urgency: reminderUrgency(step), label: `${step} days` };
}

/** `certificate:<vault host>/<name>`: one subject per certificate, whatever its version. */
export function certificateSubject(vaultUrl: string, name: string): string {
  return `${CERTIFICATE_PREFIX}${new URL(vaultUrl).host.toLowerCase()}/${name.toLowerCase()}`;
}

/** `rotation:<vault host>/<name>`: the app's renewal and key rotation of its certificate. */
export function rotationSubject(vaultUrl: string, name: string): string {
  return `${ROTATION_PREFIX}${new URL(vaultUrl).host.toLowerCase()}/${name.toLowerCase()}`;
}

/**
 * Pure: what a certificate check has to tell people, subject by subject (the wording is in the *AlertWording
 * modules; this decides what is told, and how urgently).
 * - `certificate:` each watched certificate that reached a reminder step (or expired), escalating step by step;
 *   resolved as "renewed" when a version with a later expiry replaces it;
 * - `rotation:` the app's own renewal and key rotation: progress, a manual renewal (CSR) a person must do, a failed
 *   step; resolved when the old key is removed;
 * - `drift:` the app's certificate not registered, unknown keys registered, the registration of the key in use ended;
 * - `credential:` (with M2M_CERT_ALERT_APP_CREDENTIALS) client secrets and certificates on the app registration
 *   that Key Vault does not hold, as they near expiry.
 * Critical alerts about a certificate in use or registered say when addKey becomes impossible (every registered
 * certificate expired), or that it has.
 */
export function planCertificateAlerts(input: PlanInput): CertificateAlertPlan {
  const { inventory, appId } = input;
  const subjects: WatchedSubject[] = [];

  const managedItem = inventory.items.find((item) => item.managed) ?? null;
  for (const item of inventory.items) subjects.push(certificateSubjectFor(item, input, managedItem === item));
  if (managedItem) {
    const rotation = rotationSubjectFor(managedItem, inventory.rotation, input.renewalError);
    if (rotation) subjects.push(rotation);
  }

  if (inventory.graphError === null) {
    for (const finding of [...inventory.findings, ...inventory.items.flatMap((item) => item.drift)]) {
      const subject = driftSubjectFor(finding, appId);
      if (subject && !subjects.some((s) => s.subject === subject.subject)) subjects.push(subject);
    }
    if (input.appCredentials) {
      for (const credential of inventory.appCredentials) {
        if (!credential.inKeyVault) subjects.push(credentialSubjectFor(credential, appId));
      }
    }
  }

  return {
    subjects,
    prefixes: certificateAlertPrefixes(appId),
    gone(subject) {
      const gone = goneSubject(subject, input);
      return gone ? goneAlertWording(gone, input.now) : null;
    },
  };
}

/** What became of a firing subject the plan does not list, or null when this check cannot tell. */
function goneSubject(subject: string, input: PlanInput): GoneSubject | null {
  const { inventory, appId } = input;
  if (subject.startsWith(CERTIFICATE_PREFIX)) {
    const { host, name, inScope, read } = coverage(
      inventory.sources,
      subject.slice(CERTIFICATE_PREFIX.length),
    );
    return read ? { kind: "certificate", host, name, inScope } : null;
  }
  if (subject.startsWith(ROTATION_PREFIX)) {
    const certificate = subject.slice(ROTATION_PREFIX.length);
    // A certificate that could not be read (its vault timed out, say) is still managed as far as the check knows.
    return coverage(inventory.sources, certificate).read ? { kind: "rotation", certificate } : null;
  }
  if (inventory.graphError !== null) return null;
  const drift = `${DRIFT_PREFIX}${appId}/`;
  if (subject.startsWith(drift)) {
    return { kind: "drift", finding: subject.slice(drift.length).split("/")[0] ?? "" };
  }
  const credential = `${CREDENTIAL_PREFIX}${appId}/`;
  if (subject.startsWith(credential)) {
    return { kind: "credential", keyId: subject.slice(credential.length), alerting: input.appCredentials };
  }
  return null;
}

/**
 * The sources that would list certificate `<host>/<name>` (its whole vault, or the certificate itself): `inScope`
 * when there are any, `read` when none of them failed. A subject a covering source could not read is not known to be
 * gone.
 */
function coverage(sources: PlanInput["inventory"]["sources"], hostAndName: string) {
  const slash = hostAndName.indexOf("/");
  const host = hostAndName.slice(0, slash);
  const name = hostAndName.slice(slash + 1);
  const covering = sources.filter((source) => {
    const url = URL.parse(source.source);
    if (!url || url.host.toLowerCase() !== host) return false;
    const path = url.pathname.replace(/\/+$/, "");
    return path === "" || path.toLowerCase() === `/certificates/${name}`;
  });
  return { host, name, inScope: covering.length > 0, read: covering.every((source) => source.ok) };
}

/** The certificate states an expiry reminder speaks in; in the others (disabled, not yet valid, unknown) it resolves. */
const REMINDED_STATES: readonly CertificateInventoryItem["state"][] = [
  "valid",
  "warning",
  "critical",
  "expired",
];

/** `managed`: the certificate the app renews (the first managed item), whose alert says how its renewal stands. */
function certificateSubjectFor(
  item: CertificateInventoryItem,
  input: PlanInput,
  managed: boolean,
): WatchedSubject {
  const subject = certificateSubject(item.vaultUrl, item.name);
  const rotationStep = item.managed ? (input.inventory.rotation?.step ?? null) : null;
  const facts = certificateFacts(item, input.renewBeforeDays, rotationStep);
  const resolution: AlertResolution = { ...certificateRenewedWording(item), facts };
  const { step, notAfter } = item;
  if (step === null || notAfter === null || !REMINDED_STATES.includes(item.state)) {
    return { subject, condition: null, resolution, announceThenResolve: false };
  }
  const expired = item.state === "expired";
  const severity =
    expired || item.state === "critical" ? "critical" : item.state === "warning" ? "warning" : "info";
  const wording = certificateExpiryWording({
    item,
    notAfter,
    expired,
    renewal: managed ? renewalStatus(item, input) : null,
    addKey: addKeyRisk(item, input, severity),
    appId: input.appId,
    renewBeforeDays: input.renewBeforeDays,
  });
  return {
    subject,
    condition: { subject, episode: notAfter, ...expiryLevel(expired, step), severity, ...wording, facts },
    resolution,
    announceThenResolve: false,
  };
}

/** How the app's renewal of its own certificate `item` stands: the rotation under way first, then this check's. */
function renewalStatus(item: CertificateInventoryItem, input: PlanInput): RenewalStatus {
  const record = input.inventory.rotation;
  if (record && record.step !== "completed") {
    if (record.step === "manual") return { kind: "manual" };
    if (record.step === "failed") {
      return { kind: "failed", resumeStep: record.resumeStep, lastError: record.lastError };
    }
    return { kind: "rotating", step: record.step };
  }
  if (input.renewalStarting) return { kind: "starting" };
  if (input.renewalError) return { kind: "not-run", error: input.renewalError };
  if (item.daysLeft !== null && item.daysLeft > input.renewBeforeDays && item.notAfter) {
    const due = new Date(Date.parse(item.notAfter) - input.renewBeforeDays * DAY_MS).toISOString();
    return { kind: "scheduled", due };
  }
  return { kind: "overdue" };
}

/**
 * The addKey warning a critical alert about a certificate in use or registered carries, when the last end date of
 * the registered certificates is known: addKey needs a proof signed by one that is still valid.
 */
function addKeyRisk(
  item: CertificateInventoryItem,
  input: PlanInput,
  severity: AlertCondition["severity"],
): AddKeyRisk | null {
  const until = input.inventory.registeredCertificatesValidUntil;
  if (severity !== "critical" || until === null || !(item.inUse || item.registration === "registered"))
    return null;
  return { registeredUntil: until, lost: Date.parse(until) <= input.now.getTime() };
}

/** The rotation alert of the app's certificate `item`, or null while its rotation has nothing to tell. */
function rotationSubjectFor(
  item: CertificateInventoryItem,
  record: RotationRecord | null,
  renewalError: string | null,
): WatchedSubject | null {
  const alert = rotationAlert(item, record, renewalError);
  if (!alert) return null;
  const subject = rotationSubject(item.vaultUrl, item.name);
  const facts = rotationFacts(item, record);
  return {
    subject,
    condition: {
      subject,
      episode: `${record?.startedAt ?? `error-${item.notAfter ?? "unknown"}`}${alert.episodeKind ?? ""}`,
      urgency: alert.urgency,
      label: alert.label,
      severity: alert.severity,
      title: alert.title,
      text: alert.text,
      facts,
    },
    resolution: { ...rotationResolvedWording(item.name, record), facts },
    announceThenResolve: alert.announceThenResolve ?? false,
  };
}

interface RotationAlert extends Pick<AlertCondition, "urgency" | "label" | "severity">, AlertWording {
  /**
   * Appended to the rotation's episode. A different thing to do is a new episode, whatever the urgency: after a
   * failure is fixed, the manual renewal it was hiding (a lower urgency) must still be asked for.
   */
  episodeKind?: string;
  /** See WatchedSubject. */
  announceThenResolve?: boolean;
}

/** What the rotation of `item` has to tell: a failure above all, else its step's news; null when nothing. */
function rotationAlert(
  item: CertificateInventoryItem,
  record: RotationRecord | null,
  renewalError: string | null,
): RotationAlert | null {
  const urgent = item.state === "critical" || item.state === "expired";
  const failure = record?.step === "failed" ? record.lastError : renewalError;
  if (failure) {
    return {
      urgency: URGENCY.renewalFailed,
      label: "failed",
      severity: urgent ? "critical" : "warning",
      ...renewalFailedWording(item.name, failure, record?.step === "failed" ? record : null),
    };
  }
  if (!record) return null;
  switch (record.step) {
    case "manual":
      return {
        urgency: URGENCY.manualRenewal,
        label: "manual renewal",
        severity: urgent ? "critical" : "warning",
        ...manualRenewalWording(item),
        episodeKind: "/manual",
      };
    case "renewing":
    case "verifying":
      return {
        urgency: record.step === "renewing" ? URGENCY.rotationRenewing : URGENCY.rotationVerifying,
        label: record.step,
        severity: "info",
        ...renewalProgressWording(item.name, record),
      };
    case "switched":
    case "completed":
      return {
        urgency: URGENCY.rotationSwitched,
        label: "switched",
        severity: "info",
        ...rotationSwitchedWording(item.name, record),
        announceThenResolve: record.step === "completed",
      };
    case "failed":
      // A failed step with no error recorded has nothing to tell.
      return null;
  }
}

/**
 * Drift worth a message: the certificate in use not registered (NOT_REGISTERED) or its registration ended
 * (REGISTERED_EXPIRED, critical); unknown keys registered (ORPHANED_KEYS).
 */
function isAlertedDrift(finding: DriftFinding): finding is DriftFinding & { code: AlertedDriftCode } {
  if (finding.severity === "info") return false;
  switch (finding.code) {
    case "NOT_REGISTERED":
    case "ORPHANED_KEYS":
      return true;
    case "REGISTERED_EXPIRED":
      // A warning one is a registered key the app does not use, past its end: its expiry is told as a Key Vault
      // certificate's or (M2M_CERT_ALERT_APP_CREDENTIALS) as a credential's.
      return finding.severity === "critical";
    case "SECRET_EXPIRING":
    case "SECRET_EXPIRED":
      // Told as app registration credentials (M2M_CERT_ALERT_APP_CREDENTIALS).
      return false;
  }
}

function driftSubjectFor(finding: DriftFinding, appId: string): WatchedSubject | null {
  if (!isAlertedDrift(finding)) return null;
  const subject =
    finding.code === "ORPHANED_KEYS"
      ? `${DRIFT_PREFIX}${appId}/ORPHANED_KEYS`
      : `${DRIFT_PREFIX}${appId}/${finding.code}/${finding.thumbprintSha1 ?? finding.keyIds.join("+")}`;
  const facts = driftFacts(finding);
  return {
    subject,
    condition: {
      subject,
      episode: finding.code === "ORPHANED_KEYS" ? [...finding.keyIds].sort().join("+") : "found",
      urgency: finding.severity === "critical" ? URGENCY.driftCritical : URGENCY.driftWarning,
      label: finding.code,
      severity: finding.severity,
      ...driftAlertWording(finding),
      facts,
    },
    resolution: { ...driftResolvedWording(finding.code), facts },
    announceThenResolve: false,
  };
}

function credentialSubjectFor(credential: AppCredentialItem, appId: string): WatchedSubject {
  const subject = `${CREDENTIAL_PREFIX}${appId}/${credential.keyId}`;
  const facts = credentialFacts(credential, appId);
  const resolution: AlertResolution = { ...credentialResolvedWording(credential), facts };
  const { step, endDateTime } = credential;
  if (step === null || endDateTime === null || credential.state === "not-yet-valid") {
    return { subject, condition: null, resolution, announceThenResolve: false };
  }
  const expired = credential.state === "expired";
  return {
    subject,
    condition: {
      subject,
      episode: endDateTime,
      ...expiryLevel(expired, step),
      severity: expired
        ? "warning"
        : credential.state === "critical"
          ? "critical"
          : credential.state === "warning"
            ? "warning"
            : "info",
      ...credentialExpiryWording({ credential, endDateTime, expired, appId }),
      facts,
    },
    resolution,
    announceThenResolve: false,
  };
}

/** The subject prefixes the certificate alerts of app `appId` are under (see planCertificateAlerts' `prefixes`). */
export function certificateAlertPrefixes(appId: string): string[] {
  return [CERTIFICATE_PREFIX, ROTATION_PREFIX, `${DRIFT_PREFIX}${appId}/`, `${CREDENTIAL_PREFIX}${appId}/`];
}
