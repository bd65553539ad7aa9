import { reminderUrgency, URGENCY } from "./alertUrgency.js";
import type { AlertCondition, AlertResolution } from "../alerts/decideConditionAlert.js";
import type { RotationRecord } from "../rotation/RotationRecord.js";
import type { AppCredentialItem, CertificateInventoryItem } from "./CertificateInventoryItem.js";
import type { CertificateInventory } from "./createInventoryService.js";
import type { DriftFinding } from "./DriftFinding.js";

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
   * fixed, a secret removed), or null when this check cannot tell (its vault or Graph could not be read).
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

export function rotationSubject(vaultUrl: string, name: string): string {
  return `${ROTATION_PREFIX}${new URL(vaultUrl).host.toLowerCase()}/${name.toLowerCase()}`;
}

/**
 * Pure: what a certificate check has to tell people, subject by subject.
 * - `certificate:` each watched certificate that reached a reminder step (or expired), escalating step by step;
 *   resolved as "renewed" when a version with a later expiry replaces it;
 * - `rotation:` the app's own renewal and key rotation: progress, a manual renewal (CSR) a person must do, a failed
 *   step; resolved when the old key is removed;
 * - `drift:` the app's certificate not registered, unknown keys registered, the registration of the key in use ended;
 * - `credential:` (with M2M_CERT_ALERT_APP_CREDENTIALS) client secrets and certificates on the app registration
 *   that Key Vault does not hold, as they near expiry.
 * Critical certificate alerts say when addKey becomes impossible (every registered certificate expired).
 */
export function planCertificateAlerts(input: PlanInput): CertificateAlertPlan {
  const { inventory, appId, now } = input;
  const subjects: WatchedSubject[] = [];

  const managedItem = inventory.items.find((item) => item.managed) ?? null;
  for (const item of inventory.items) subjects.push(certificateSubjectFor(item, input, managedItem === item));
  if (managedItem) {
    const rotation = rotationSubjectFor(managedItem, inventory.rotation, input);
    if (rotation) subjects.push(rotation);
  }

  const graphRead = inventory.graphError === null;
  if (graphRead) {
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

  const prefixes = certificateAlertPrefixes(appId);
  const facts = [{ name: "Checked", value: now.toISOString() }];
  return {
    subjects,
    prefixes,
    gone(subject) {
      /** The sources that would list `<host>/<name>`; a subject none of them could read is not known to be gone. */
      const coveringOf = (rest: string) => {
        const slash = rest.indexOf("/");
        const host = rest.slice(0, slash);
        const name = rest.slice(slash + 1);
        const covering = inventory.sources.filter((source) => {
          const url = URL.parse(source.source);
          if (!url || url.host.toLowerCase() !== host) return false;
          const path = url.pathname.replace(/\/+$/, "");
          return path === "" || path.toLowerCase() === `/certificates/${name}`;
        });
        return { host, name, covering, read: !covering.some((source) => !source.ok) };
      };
      if (subject.startsWith(CERTIFICATE_PREFIX)) {
        const { host, name, covering, read } = coveringOf(subject.slice(CERTIFICATE_PREFIX.length));
        if (!read) return null;
        return {
          title: `Certificate '${name}' is no longer watched`,
          text:
            covering.length > 0
              ? `'${name}' is no longer in ${host} (deleted, or filtered out by M2M_CERT_SCOPE_TAG): nothing more is alerted about it.`
              : `'${name}' in ${host} is outside M2M_CERT_SCOPE now: nothing more is alerted about it.`,
          facts,
        };
      }
      if (subject.startsWith(ROTATION_PREFIX)) {
        // A certificate that could not be read (its vault timed out, say) is still managed as far as the check knows.
        if (!coveringOf(subject.slice(ROTATION_PREFIX.length)).read) return null;
        return {
          title: "Certificate renewal is no longer managed here",
          text: `The app no longer renews this certificate (its credential settings changed): nothing more is alerted about ${subject.slice(ROTATION_PREFIX.length)}.`,
          facts,
        };
      }
      if (!graphRead) return null;
      if (subject.startsWith(`${DRIFT_PREFIX}${appId}/`)) {
        return {
          title: "App registration drift resolved",
          text: `The certificate check no longer finds ${subject.slice(DRIFT_PREFIX.length + appId.length + 1).split("/")[0]} on the app registration.`,
          facts,
        };
      }
      if (subject.startsWith(`${CREDENTIAL_PREFIX}${appId}/`)) {
        return {
          title: "App registration credential no longer watched",
          text: input.appCredentials
            ? `The credential ${subject.slice(CREDENTIAL_PREFIX.length + appId.length + 1)} was removed from the app registration (or replaced).`
            : `M2M_CERT_ALERT_APP_CREDENTIALS is off: the app registration's own credentials are no longer alerted on.`,
          facts,
        };
      }
      return null;
    },
  };
}

function certificateSubjectFor(
  item: CertificateInventoryItem,
  input: PlanInput,
  managed: boolean,
): WatchedSubject {
  const subject = certificateSubject(item.vaultUrl, item.name);
  const facts = certificateFacts(item, input);
  const resolution: AlertResolution = {
    title: `Certificate '${item.name}' renewed`,
    text:
      item.notAfter === null
        ? `'${item.name}' in ${item.vaultUrl} no longer needs attention (state: ${item.state}).`
        : `'${item.name}' in ${item.vaultUrl} now expires on ${item.notAfter} (${item.daysLeft} days left).` +
          (item.state === "disabled" ? " Its latest version is disabled." : ""),
    facts,
  };
  const expired = item.state === "expired";
  if (
    item.step === null ||
    item.notAfter === null ||
    !["valid", "warning", "critical", "expired"].includes(item.state)
  ) {
    return { subject, condition: null, resolution, announceThenResolve: false };
  }
  const days = item.daysLeft ?? 0;
  const title = expired
    ? days === 0
      ? `Certificate '${item.name}' has expired`
      : `Certificate '${item.name}' expired ${-days} day${days === -1 ? "" : "s"} ago`
    : `Certificate '${item.name}' expires in ${days} day${days === 1 ? "" : "s"}`;
  const severity =
    expired || item.state === "critical" ? "critical" : item.state === "warning" ? "warning" : "info";
  const lines = [
    `'${item.name}' in ${item.vaultUrl} ${expired ? "expired" : "expires"} on ${item.notAfter}.` +
      (item.inUse ? " The app signs its token requests with it." : ""),
    managed ? managedAdvice(item, input) : unmanagedAdvice(item),
  ];
  const addKey = addKeyWarning(item, input, severity);
  if (addKey) lines.push(addKey);
  return {
    subject,
    condition: {
      subject,
      episode: item.notAfter,
      ...expiryLevel(expired, item.step),
      severity,
      title,
      text: lines.join(" "),
      facts,
    },
    resolution,
    announceThenResolve: false,
  };
}

function managedAdvice(item: CertificateInventoryItem, input: PlanInput): string {
  const record = input.inventory.rotation;
  const active = record && record.step !== "completed";
  if (active && record.step === "manual") {
    return "Key Vault cannot renew its issuer itself: a person must merge a signed CSR (the renewal alert says how).";
  }
  if (active && record.step === "failed") {
    return `The app's renewal failed at step '${record.resumeStep ?? "renewing"}' (${record.lastError ?? "no detail"}); it tries again on every check.`;
  }
  if (active)
    return `The app is renewing it (step '${record.step}'); the renewal alerts follow its progress.`;
  if (input.renewalStarting) {
    return `It is due for renewal (M2M_CERT_RENEW_BEFORE_DAYS=${input.renewBeforeDays}): the app is renewing it and rotating the app registration's key now; the renewal alerts follow.`;
  }
  if (input.renewalError)
    return `The app's renewal could not run: ${input.renewalError}. It tries again on every check.`;
  if (item.daysLeft !== null && item.daysLeft > input.renewBeforeDays && item.notAfter) {
    const due = new Date(Date.parse(item.notAfter) - input.renewBeforeDays * DAY_MS).toISOString();
    return `The app renews it and rotates the app registration's key ${input.renewBeforeDays} days before expiry (from ${due}, M2M_CERT_RENEW_BEFORE_DAYS); nothing to do unless that fails.`;
  }
  return `It is due for renewal (M2M_CERT_RENEW_BEFORE_DAYS=${input.renewBeforeDays}) but no renewal is under way: check M2M_ROTATION_DRY_RUN and the app's logs, or renew now with POST /api/certificates/${item.name}/renew.`;
}

function unmanagedAdvice(item: CertificateInventoryItem): string {
  const vault = new URL(item.vaultUrl).hostname.split(".")[0];
  const policyCommand = `az keyvault certificate show --vault-name ${vault} --name ${item.name} --query policy`;
  return (
    `Renew it: create a new version with its policy (az keyvault certificate create --vault-name ${vault} --name ${item.name} --policy "$(${policyCommand})"), ` +
    `or for a CA Key Vault is not integrated with, merge the CA-signed CSR (az keyvault certificate pending merge). ` +
    (item.registration === "registered"
      ? "It is registered on the app registration: register the new version there too. "
      : "") +
    "This alert resolves when a version with a later expiry exists."
  );
}

/** The warning critical alerts carry: addKey needs a valid registered certificate to sign its proof. */
function addKeyWarning(
  item: CertificateInventoryItem,
  input: PlanInput,
  severity: AlertCondition["severity"],
): string | null {
  const until = input.inventory.registeredCertificatesValidUntil;
  if (severity !== "critical" || until === null || !(item.inUse || item.registration === "registered"))
    return null;
  if (Date.parse(until) <= input.now.getTime()) {
    return (
      `Every certificate registered on the app registration has expired (the last on ${until}): the app can no longer add a key itself, because Graph's addKey needs a proof signed by a currently valid registered certificate. ` +
      `Upload the new certificate by hand (Azure portal > App registrations > Certificates & secrets > Upload certificate, or az ad app credential reset --id ${input.appId} --cert @<file>.pem --append).`
    );
  }
  return (
    `Renew before ${until}: once the last certificate registered on the app registration expires, the app cannot add a key itself (Graph's addKey needs a proof signed by a currently valid registered certificate) ` +
    "and a person must upload the next certificate in the Azure portal."
  );
}

function certificateFacts(item: CertificateInventoryItem, input: PlanInput): AlertCondition["facts"] {
  const record = item.managed ? input.inventory.rotation : null;
  const all: [string, string | null][] = [
    ["Certificate", item.name],
    ["Vault", item.vaultUrl],
    ["Version", item.version],
    ["Expires", item.notAfter],
    ["Days left", item.daysLeft === null ? null : String(item.daysLeft)],
    ["State", item.state],
    ["SHA-1 thumbprint", item.thumbprints.sha1],
    ["In use by the app", item.inUse ? "yes" : "no"],
    ["App registration", item.registration],
    [
      "Renewal",
      item.managed ? `automatic, ${input.renewBeforeDays} days before expiry` : "not managed by this app",
    ],
    ["Rotation step", record ? record.step : null],
  ];
  return all.flatMap(([name, value]) => (value === null ? [] : [{ name, value }]));
}

function rotationSubjectFor(
  item: CertificateInventoryItem,
  record: RotationRecord | null,
  input: PlanInput,
): WatchedSubject | null {
  const subject = rotationSubject(item.vaultUrl, item.name);
  const name = item.name;
  const urgent = item.state === "critical" || item.state === "expired";
  const facts = (r: RotationRecord | null): AlertCondition["facts"] => {
    const all: [string, string | null][] = [
      ["Certificate", name],
      ["Vault", item.vaultUrl],
      ["Step", r?.step ?? null],
      ["Started", r?.startedAt ?? null],
      ["Old version", r?.oldVersion ?? null],
      ["Old SHA-1", r?.oldThumbprintSha1 ?? null],
      ["New version", r?.newVersion ?? null],
      ["New SHA-1", r?.newThumbprintSha1 ?? null],
      ["Old key removed after", r?.retireAfter ?? null],
      ["Attempts", r && r.attempts > 0 ? String(r.attempts) : null],
    ];
    return all.flatMap(([n, value]) => (value === null ? [] : [{ name: n, value }]));
  };
  const completed: AlertResolution = {
    title: `Certificate '${name}' rotated`,
    text:
      record?.step === "completed"
        ? `The app uses version ${record.newVersion ?? "?"} (SHA-1 ${record.newThumbprintSha1 ?? "?"}) and the old key (SHA-1 ${record.oldThumbprintSha1}) was removed from the app registration at ${record.completedAt ?? "?"}. Nothing is left to do.`
        : `The renewal of '${name}' no longer needs attention.`,
    facts: facts(record),
  };
  const vault = new URL(item.vaultUrl).hostname.split(".")[0];
  const condition = (
    urgency: number,
    label: string,
    severity: AlertCondition["severity"],
    title: string,
    text: string,
    // A different thing to do is a new episode, whatever the urgency: after a failure is fixed, the manual renewal it
    // was hiding (a lower urgency) must still be asked for.
    kind = "",
  ): AlertCondition => ({
    subject,
    episode: `${record?.startedAt ?? `error-${item.notAfter ?? "unknown"}`}${kind}`,
    urgency,
    label,
    severity,
    title,
    text,
    facts: facts(record),
  });

  const failure = record?.step === "failed" ? record.lastError : input.renewalError;
  if (failure) {
    return {
      subject,
      condition: condition(
        URGENCY.renewalFailed,
        "failed",
        urgent ? "critical" : "warning",
        `Renewal of certificate '${name}' failed`,
        `${failure}${record?.step === "failed" ? ` (step '${record.resumeStep ?? "renewing"}', attempt ${record.attempts})` : ""}. ` +
          `The app tries again on every check (M2M_CERT_CHECK_SCHEDULE) and on POST /api/certificates/${name}/renew; the token path keeps the current certificate meanwhile.`,
      ),
      resolution: completed,
      announceThenResolve: false,
    };
  }
  if (!record) return null;
  switch (record.step) {
    case "manual":
      return {
        subject,
        condition: condition(
          URGENCY.manualRenewal,
          "manual renewal",
          urgent ? "critical" : "warning",
          `Certificate '${name}' needs a manual renewal`,
          `Key Vault cannot renew '${name}' itself: its policy's issuer is neither Self nor an issuer object whose provider Key Vault works with (DigiCert, GlobalSign). ` +
            `Create the new version from a CSR: (1) az keyvault certificate create --vault-name ${vault} --name ${name} --policy "$(az keyvault certificate show --vault-name ${vault} --name ${name} --query policy)" ` +
            `starts a pending version; (2) az keyvault certificate pending show --vault-name ${vault} --name ${name} --query csr -o tsv gives the CSR for your CA to sign; ` +
            `(3) az keyvault certificate pending merge --vault-name ${vault} --name ${name} --file <signed>.cer completes it. ` +
            `The app then registers the new key, proves it, switches to it and retires the old key on its own.`,
          "/manual",
        ),
        resolution: completed,
        announceThenResolve: false,
      };
    case "renewing":
    case "verifying":
      return {
        subject,
        condition: condition(
          record.step === "renewing" ? URGENCY.rotationRenewing : URGENCY.rotationVerifying,
          record.step,
          "info",
          `Renewing certificate '${name}'`,
          `Renewal started at ${record.startedAt} (step '${record.step}'). The app creates the new version in Key Vault, registers its key on the app registration, proves it gets a token with it and switches to it on its own.`,
        ),
        resolution: completed,
        announceThenResolve: false,
      };
    case "switched":
    case "completed": {
      const switched = condition(
        URGENCY.rotationSwitched,
        "switched",
        "info",
        `Certificate '${name}' renewed; the app uses the new version`,
        `Version ${record.newVersion ?? "?"} (SHA-1 ${record.newThumbprintSha1 ?? "?"}) is registered on the app registration, got a token, and signs the app's token requests since ${record.switchedAt ?? "?"}. ` +
          `The old key (SHA-1 ${record.oldThumbprintSha1}) ${record.step === "completed" ? `was removed at ${record.completedAt ?? "?"}` : `is removed after ${record.retireAfter ?? "the grace period"} (M2M_ROTATION_GRACE_HOURS)`}.`,
      );
      return {
        subject,
        condition: switched,
        resolution: completed,
        announceThenResolve: record.step === "completed",
      };
    }
    case "failed":
      return null;
  }
}

const DRIFT_TITLES: Partial<Record<DriftFinding["code"], string>> = {
  NOT_REGISTERED: "The app's certificate is not registered on its app registration",
  ORPHANED_KEYS: "Unknown certificates are registered on the app registration",
  REGISTERED_EXPIRED: "The registration of the app's certificate has ended",
};

/** Drift worth a message: the certificate in use not registered or its registration ended; unknown keys registered. */
function driftSubjectFor(finding: DriftFinding, appId: string): WatchedSubject | null {
  const title = DRIFT_TITLES[finding.code];
  if (!title || finding.severity === "info") return null;
  if (finding.code === "REGISTERED_EXPIRED" && finding.severity !== "critical") return null; // alerted as a credential
  const subject =
    finding.code === "ORPHANED_KEYS"
      ? `${DRIFT_PREFIX}${appId}/ORPHANED_KEYS`
      : `${DRIFT_PREFIX}${appId}/${finding.code}/${finding.thumbprintSha1 ?? finding.keyIds.join("+")}`;
  const facts = [
    { name: "Finding", value: finding.code },
    ...(finding.thumbprintSha1 ? [{ name: "SHA-1 thumbprint", value: finding.thumbprintSha1 }] : []),
    ...(finding.keyIds.length > 0 ? [{ name: "Key ids", value: finding.keyIds.join(", ") }] : []),
  ];
  return {
    subject,
    condition: {
      subject,
      episode: finding.code === "ORPHANED_KEYS" ? [...finding.keyIds].sort().join("+") : "found",
      urgency: finding.severity === "critical" ? URGENCY.driftCritical : URGENCY.driftWarning,
      label: finding.code,
      severity: finding.severity,
      title,
      text: finding.message,
      facts,
    },
    resolution: { title: `${title}: resolved`, text: "The certificate check no longer finds it.", facts },
    announceThenResolve: false,
  };
}

function credentialSubjectFor(credential: AppCredentialItem, appId: string): WatchedSubject {
  const subject = `${CREDENTIAL_PREFIX}${appId}/${credential.keyId}`;
  const what =
    credential.kind === "secret"
      ? `Client secret ${credential.displayName ? `'${credential.displayName}' ` : ""}(keyId ${credential.keyId})`
      : `Certificate ${credential.displayName ? `'${credential.displayName}' ` : ""}(keyId ${credential.keyId}${credential.thumbprintSha1 ? `, SHA-1 ${credential.thumbprintSha1}` : ""})`;
  const facts = [
    { name: "App registration", value: appId },
    {
      name: "Credential",
      value: credential.kind === "secret" ? "client secret" : "certificate (not in Key Vault)",
    },
    { name: "Key id", value: credential.keyId },
    ...(credential.endDateTime ? [{ name: "Ends", value: credential.endDateTime }] : []),
    ...(credential.daysLeft !== null ? [{ name: "Days left", value: String(credential.daysLeft) }] : []),
  ];
  const resolution = {
    title: `${what} no longer expiring`,
    text: `${what} ends on ${credential.endDateTime ?? "an unknown date"} now.`,
    facts,
  };
  if (credential.step === null || credential.endDateTime === null || credential.state === "not-yet-valid") {
    return { subject, condition: null, resolution, announceThenResolve: false };
  }
  const expired = credential.state === "expired";
  const days = credential.daysLeft ?? 0;
  const advice =
    credential.kind === "secret"
      ? "Create a new secret, move whatever uses this one to it (better: to a certificate in Key Vault, which this app renews and rotates), then remove this one."
      : "It was uploaded outside Key Vault, so nothing renews it: upload its successor (or move the app that uses it to a Key Vault certificate), then remove this one.";
  return {
    subject,
    condition: {
      subject,
      episode: credential.endDateTime,
      ...expiryLevel(expired, credential.step),
      severity: expired
        ? "warning"
        : credential.state === "critical"
          ? "critical"
          : credential.state === "warning"
            ? "warning"
            : "info",
      title: expired
        ? `${what} on the app registration has expired`
        : `${what} on the app registration expires in ${days} day${days === 1 ? "" : "s"}`,
      text: `${what} on app registration ${appId} ${expired ? "expired" : "expires"} on ${credential.endDateTime}. ${expired ? "Whatever still uses it gets AADSTS7000222 (secret) or AADSTS700027 (certificate). " : ""}${advice}`,
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
