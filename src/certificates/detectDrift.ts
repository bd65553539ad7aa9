import type { GraphPasswordCredential } from "../graph/GraphApplications.js";
import { classifyCertificate } from "./classifyCertificate.js";
import type { DriftFinding } from "./DriftFinding.js";
import type { ExpiryPolicy } from "./ExpiryPolicy.js";
import { normalizeThumbprint } from "./normalizeThumbprint.js";
import { registeredKeyThumbprint, type RegisteredKey } from "./registeredKeyThumbprint.js";

/** A certificate the app knows of, from Key Vault or its own credential. */
export interface KnownCertificate {
  /** SHA-1 thumbprint in any form {@link normalizeThumbprint} reads. */
  thumbprintSha1: string;
  /** For messages: the Key Vault certificate's name (and version), e.g. "app-cert". */
  name: string;
  /** The certificate's own end; for the certificate in use it tells an ended registration from an expired certificate. */
  notAfter: Date | null;
}

export type RegisteredSecret = Pick<
  GraphPasswordCredential,
  "keyId" | "displayName" | "hint" | "startDateTime" | "endDateTime"
>;

export interface DriftInput {
  /** The application (client) id, named in messages. */
  appId: string;
  /** The certificate the app signs its assertions with; null when it uses no certificate (secret, federation). */
  inUse: KnownCertificate | null;
  /**
   * Other certificates that may rightly be registered: the rest of the vault scan, the previous version during a
   * rotation's overlap, the next one before the switch. Registered keys matching none of these (or `inUse`) are
   * orphaned.
   */
  known: readonly KnownCertificate[];
  keyCredentials: readonly RegisteredKey[];
  passwordCredentials: readonly RegisteredSecret[];
  now: Date;
  policy: ExpiryPolicy;
}

/**
 * Pure: what differs between the certificates the app knows and its app registration's credentials.
 *
 * A registered key is identified by its `customKeyIdentifier` (base64 of the SHA-1 thumbprint in Graph; hex is
 * accepted too) or, when Graph returned it, by the SHA-1 of its `key`. Rules:
 * - NOT_REGISTERED (critical) when `inUse` matches no registered key;
 * - REGISTERED_EXPIRED for each registered key whose endDateTime ≤ now: critical when it is the key of `inUse`,
 *   warning otherwise (an expired key is not also reported as orphaned);
 * - ORPHANED_KEYS (warning), one finding for all unexpired keys that match no known certificate;
 * - SECRET_EXPIRING (warning or critical, as classified by the policy) and SECRET_EXPIRED (warning) per client
 *   secret. A secret without an end date is not reported: Graph always sets one.
 */
export function detectDrift(input: DriftInput): DriftFinding[] {
  const { appId, inUse, now } = input;
  const findings: DriftFinding[] = [];
  const inUseThumbprint = inUse ? normalizeThumbprint(inUse.thumbprintSha1) : null;
  // Holds null for a certificate whose thumbprint cannot be read; a key without a readable thumbprint is orphaned
  // before the set is asked.
  const knownThumbprints = new Set([
    inUseThumbprint,
    ...input.known.map((c) => normalizeThumbprint(c.thumbprintSha1)),
  ]);
  const keys = input.keyCredentials.map((key) => ({ key, thumbprint: registeredKeyThumbprint(key) }));
  const where = `app registration ${appId}`;

  if (inUse && !keys.some((k) => k.thumbprint !== null && k.thumbprint === inUseThumbprint)) {
    findings.push({
      code: "NOT_REGISTERED",
      severity: "critical",
      thumbprintSha1: inUseThumbprint,
      keyIds: [],
      message: `Certificate '${inUse.name}' (SHA-1 ${inUseThumbprint ?? inUse.thumbprintSha1}) is not registered on ${where}: Entra ID will refuse its assertions with AADSTS700027. Upload its public key to the app registration (Certificates & secrets > Upload certificate), or let the rotation register it with addKey while another registered certificate is still valid.`,
    });
  }

  const orphans: typeof keys = [];
  for (const entry of keys) {
    const end = parseDate(entry.key.endDateTime);
    if (end !== null && now.getTime() >= end.getTime()) {
      // `&& inUse` only narrows the type: a readable thumbprint equal to inUseThumbprint implies inUse.
      const ownMessage =
        entry.thumbprint !== null && entry.thumbprint === inUseThumbprint && inUse
          ? ownExpiredMessage(inUse, entry.thumbprint, where, end, now)
          : null;
      findings.push({
        code: "REGISTERED_EXPIRED",
        severity: ownMessage ? "critical" : "warning",
        thumbprintSha1: entry.thumbprint,
        keyIds: [entry.key.keyId],
        message:
          ownMessage ??
          `The registered ${describeKey(entry.key, entry.thumbprint)} on ${where} expired at ${end.toISOString()} and can no longer be used. Remove it from the app registration (removeKey, or Certificates & secrets > Delete) to keep the list honest.`,
      });
    } else if (entry.thumbprint === null || !knownThumbprints.has(entry.thumbprint)) {
      orphans.push(entry);
    }
  }
  if (orphans.length > 0) {
    const listed = orphans.map((o) => describeKey(o.key, o.thumbprint)).join("; ");
    findings.push({
      code: "ORPHANED_KEYS",
      severity: "warning",
      thumbprintSha1: null,
      keyIds: orphans.map((o) => o.key.keyId),
      message: `${orphans.length} certificate${orphans.length === 1 ? "" : "s"} registered on ${where} match${orphans.length === 1 ? "es" : ""} no certificate the app knows of: ${listed}. Whoever holds ${orphans.length === 1 ? "its private key" : "their private keys"} can get tokens as the app. If nothing else signs with ${orphans.length === 1 ? "it" : "them"}, remove ${orphans.length === 1 ? "it" : "them"} from the app registration.`,
    });
  }

  for (const secret of input.passwordCredentials) {
    const notAfter = parseDate(secret.endDateTime);
    // Stryker disable next-line ConditionalExpression: without the guard a null end is classified "unknown", which reports nothing either; the guard narrows notAfter for the messages.
    if (notAfter === null) continue;
    const { state, daysLeft } = classifyCertificate({
      notBefore: parseDate(secret.startDateTime),
      notAfter,
      enabled: true,
      now,
      policy: input.policy,
    });
    const what = `Client secret ${describeSecret(secret)} on ${where}`;
    if (state === "expired") {
      findings.push({
        code: "SECRET_EXPIRED",
        severity: "warning",
        thumbprintSha1: null,
        keyIds: [secret.keyId],
        message: `${what} expired at ${notAfter.toISOString()}. Remove it; whatever still uses it gets AADSTS7000222 and needs a new credential — preferably a certificate in Key Vault, which this app renews and rotates.`,
      });
    } else if (state === "warning" || state === "critical") {
      findings.push({
        code: "SECRET_EXPIRING",
        severity: state,
        thumbprintSha1: null,
        keyIds: [secret.keyId],
        message: `${what} expires at ${notAfter.toISOString()} (${daysLeft} day${daysLeft === 1 ? "" : "s"} left). Create a new secret, move whatever uses this one to it (or to a certificate), then remove this one.`,
      });
    }
  }
  return findings;
}

/** The registration of the certificate in use has ended: renew, or re-register a certificate that is still valid. */
function ownExpiredMessage(
  inUse: KnownCertificate,
  thumbprint: string,
  where: string,
  end: Date,
  now: Date,
): string {
  const what = `The registration of certificate '${inUse.name}' (SHA-1 ${thumbprint}) on ${where} ended at ${end.toISOString()}`;
  const refused = "Entra ID refuses assertions signed with it (AADSTS700027, key expired)";
  if (inUse.notAfter !== null && inUse.notAfter.getTime() > now.getTime()) {
    return `${what}, before the certificate itself (valid until ${inUse.notAfter.toISOString()}): ${refused}. Register it again with its own end date (Certificates & secrets > Upload certificate, or addKey with a proof signed by another registered certificate that is still valid).`;
  }
  return `${what}: ${refused}. Renew the certificate in Key Vault and register the new one; addKey needs a proof signed by a certificate that is still valid, so if none is left, upload the new certificate in the portal.`;
}

function parseDate(value: string | null): Date | null {
  // NaN, not new Date(null), which is 1970.
  const date = new Date(value ?? NaN);
  return Number.isNaN(date.getTime()) ? null : date;
}

function describeKey(key: RegisteredKey, thumbprint: string | null): string {
  const name = key.displayName ? `'${key.displayName}' ` : "";
  const id = thumbprint ? `SHA-1 ${thumbprint}` : `identifier ${JSON.stringify(key.customKeyIdentifier)}`;
  return `certificate ${name}(keyId ${key.keyId}, ${id})`;
}

function describeSecret(secret: RegisteredSecret): string {
  const name = secret.displayName ? `'${secret.displayName}' ` : "";
  return `${name}(keyId ${secret.keyId}${secret.hint ? `, hint ${secret.hint}` : ""})`;
}
