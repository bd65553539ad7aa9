import type { AppCredentialItem, CertificateInventoryItem } from "./CertificateInventoryItem.js";
import { classifyCertificate } from "./classifyCertificate.js";
import { detectDrift, type RegisteredSecret } from "./detectDrift.js";
import type { DriftFinding } from "./DriftFinding.js";
import type { ExpiryPolicy } from "./ExpiryPolicy.js";
import { normalizeThumbprint } from "./normalizeThumbprint.js";
import { registeredKeyThumbprint, type RegisteredKey } from "./registeredKeyThumbprint.js";
import type { ScannedCertificate } from "./ScannedCertificate.js";

/** The certificate the app has loaded and signs with: it knows more about it than a listing does. */
export interface AppCertificate {
  name: string;
  thumbprintSha1: string;
  thumbprintSha256: string | null;
  issuer: string | null;
  notAfter: Date | null;
}

/**
 * Pure: the inventory `GET /api/certificates` shows — every scanned certificate classified, its registration on
 * the app registration, and the drift findings. Findings about a certificate go on its item; the others (orphaned
 * keys, client secrets, the app's certificate when no scanned vault holds it) are returned as `findings`.
 * `application` null (Graph could not be read) gives registration "unknown" and no findings.
 */
export function buildCertificateInventory(input: {
  scanned: readonly ScannedCertificate[];
  inUse: AppCertificate | null;
  application: {
    appId: string;
    keyCredentials: readonly RegisteredKey[];
    passwordCredentials: readonly RegisteredSecret[];
  } | null;
  /** SHA-1 thumbprints of other versions that may rightly be registered (a rotation's previous or next one). */
  otherKnownThumbprints?: readonly string[];
  /** The certificate the app renews and rotates itself (its own Key Vault certificate), or null. */
  managed?: { vaultUrl: string; name: string } | null;
  now: Date;
  policy: ExpiryPolicy;
}): {
  items: CertificateInventoryItem[];
  findings: DriftFinding[];
  appCredentials: AppCredentialItem[];
  /**
   * The latest end date of the certificates registered on the app registration (ISO 8601), or null when none is
   * registered or Graph was not read: after it, Graph's addKey is impossible (its proof must be signed by a
   * currently valid registered key), so a person must upload the next certificate.
   */
  registeredCertificatesValidUntil: string | null;
} {
  const { scanned, inUse, application, now, policy } = input;
  const inUseSha1 = inUse ? normalizeThumbprint(inUse.thumbprintSha1) : null;
  const registered = application
    ? new Set(application.keyCredentials.map(registeredKeyThumbprint).filter((t) => t !== null))
    : null;
  const drift = application
    ? detectDrift({
        appId: application.appId,
        inUse,
        known: [
          ...scanned.flatMap((c) =>
            c.x5tSha1 ? [{ name: c.name, thumbprintSha1: c.x5tSha1, notAfter: c.expiresOn }] : [],
          ),
          ...(input.otherKnownThumbprints ?? []).map((t) => ({ name: t, thumbprintSha1: t, notAfter: null })),
        ],
        keyCredentials: application.keyCredentials,
        passwordCredentials: application.passwordCredentials,
        now,
        policy,
      })
    : [];

  const managed = input.managed ?? null;
  // The findings about each thumbprint, found once: each certificate looks its own up.
  const driftBySha1 = new Map<string, DriftFinding[]>();
  for (const finding of drift) {
    if (finding.thumbprintSha1 === null) continue;
    const list = driftBySha1.get(finding.thumbprintSha1);
    if (list) list.push(finding);
    else driftBySha1.set(finding.thumbprintSha1, [finding]);
  }
  const attached = new Set<DriftFinding>();
  const items = scanned.map((certificate): CertificateInventoryItem => {
    const sha1 = certificate.x5tSha1;
    const isInUse = sha1 !== null && sha1 === inUseSha1;
    const own = sha1 === null ? [] : [...(driftBySha1.get(sha1) ?? [])];
    own.forEach((f) => attached.add(f));
    return {
      name: certificate.name,
      vaultUrl: certificate.vaultUrl,
      version: certificate.version,
      enabled: certificate.enabled,
      ...classifyCertificate({
        notBefore: certificate.notBefore,
        notAfter: certificate.expiresOn,
        enabled: certificate.enabled,
        now,
        policy,
      }),
      notBefore: certificate.notBefore?.toISOString() ?? null,
      notAfter: certificate.expiresOn?.toISOString() ?? null,
      issuer: isInUse ? (inUse?.issuer ?? null) : null,
      thumbprints: { sha1, sha256: isInUse ? (inUse?.thumbprintSha256 ?? null) : null },
      tags: certificate.tags,
      inUse: isInUse,
      managed:
        managed !== null &&
        sameVault(managed.vaultUrl, certificate.vaultUrl) &&
        managed.name.toLowerCase() === certificate.name.toLowerCase(),
      policyIssuer: certificate.policyIssuer ?? null,
      registration:
        registered === null || sha1 === null
          ? "unknown"
          : registered.has(sha1)
            ? "registered"
            : "not-registered",
      drift: own,
    };
  });
  const known = new Set(
    [
      ...scanned.map((c) => c.x5tSha1),
      inUseSha1,
      ...(input.otherKnownThumbprints ?? []).map((t) => normalizeThumbprint(t)),
    ].filter((t): t is string => !!t),
  );
  const classify = (start: string | null, end: string | null) =>
    classifyCertificate({
      notBefore: parseDate(start),
      notAfter: parseDate(end),
      enabled: true,
      now,
      policy,
    });
  const appCredentials: AppCredentialItem[] = application
    ? [
        ...application.keyCredentials.map((key): AppCredentialItem => {
          const thumbprintSha1 = registeredKeyThumbprint(key);
          return {
            keyId: key.keyId,
            kind: "certificate",
            displayName: key.displayName,
            thumbprintSha1,
            inKeyVault: thumbprintSha1 !== null && known.has(thumbprintSha1),
            startDateTime: key.startDateTime ?? null,
            endDateTime: key.endDateTime,
            ...classify(key.startDateTime ?? null, key.endDateTime),
          };
        }),
        ...application.passwordCredentials.map((secret): AppCredentialItem => ({
          keyId: secret.keyId,
          kind: "secret",
          displayName: secret.displayName,
          thumbprintSha1: null,
          inKeyVault: false,
          startDateTime: secret.startDateTime,
          endDateTime: secret.endDateTime,
          ...classify(secret.startDateTime, secret.endDateTime),
        })),
      ]
    : [];
  const ends = (application?.keyCredentials ?? [])
    .map((key) => parseDate(key.endDateTime)?.getTime())
    .filter((t): t is number => t !== undefined);
  return {
    items,
    findings: drift.filter((f) => !attached.has(f)),
    appCredentials,
    registeredCertificatesValidUntil: ends.length > 0 ? new Date(Math.max(...ends)).toISOString() : null,
  };
}

function parseDate(value: string | null): Date | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

function sameVault(a: string, b: string): boolean {
  return a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();
}
