import type { CertificateInventoryItem } from "./CertificateInventoryItem.js";
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
  now: Date;
  policy: ExpiryPolicy;
}): { items: CertificateInventoryItem[]; findings: DriftFinding[] } {
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

  const attached = new Set<DriftFinding>();
  const items = scanned.map((certificate): CertificateInventoryItem => {
    const sha1 = certificate.x5tSha1;
    const isInUse = sha1 !== null && sha1 === inUseSha1;
    const own = sha1 === null ? [] : drift.filter((f) => f.thumbprintSha1 === sha1);
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
      registration:
        registered === null || sha1 === null
          ? "unknown"
          : registered.has(sha1)
            ? "registered"
            : "not-registered",
      drift: own,
    };
  });
  return { items, findings: drift.filter((f) => !attached.has(f)) };
}
