import { X509Certificate } from "node:crypto";
import { GraphError } from "./GraphError.js";

/** A certificate keyCredential a request asks to register, checked and parsed. */
export interface KeyCredentialInput {
  /** PEM of the certificate in `key`, as the directory registers it. */
  certPem: string;
  thumbprintSha1: string;
  /** The certificate's validity, ISO 8601: the key's dates unless the request gives its own. */
  notBefore: string;
  notAfter: string;
  displayName?: string;
  startDateTime?: string;
  endDateTime?: string;
}

/**
 * Checks a keyCredential of an addKey or PATCH body: `type` AsymmetricX509Cert, `usage` Verify and `key` the base64
 * DER of an X.509 certificate. Throws a 400 GraphError naming the problem otherwise. The `usage` and `key` messages
 * are Graph's; the others are stand-in wording.
 */
export function parseKeyCredentialInput(input: unknown, options: { withDates: boolean }): KeyCredentialInput {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw GraphError.badRequest(
      "A keyCredential object is required: { type: 'AsymmetricX509Cert', usage: 'Verify', key: '<base64 DER certificate>' }.",
    );
  }
  const credential = input as Record<string, unknown>;
  if (credential.type !== "AsymmetricX509Cert") {
    throw GraphError.badRequest(
      `The value for the property "type" in one of your credentials is invalid: '${String(credential.type)}'. The stand-in supports AsymmetricX509Cert (X509CertAndPassword, for SAML token signing, is not modelled).`,
    );
  }
  if (credential.usage !== "Verify") {
    throw GraphError.badRequest(
      `The value for the property "usage" in one of your credentials is invalid. Acceptable values are Sign, Verify. (AsymmetricX509Cert needs Verify; got '${String(credential.usage)}'.)`,
    );
  }
  const key = typeof credential.key === "string" ? credential.key.replace(/\s/g, "") : "";
  let cert: X509Certificate | null = null;
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(key)) {
    try {
      cert = new X509Certificate(Buffer.from(key, "base64"));
    } catch {
      cert = null;
    }
  }
  if (!cert) {
    throw GraphError.badRequest(
      "Invalid certificate: Key value is invalid certificate. (The key must be the base64 of the DER-encoded X.509 certificate, the public part only.)",
    );
  }
  const parsed: KeyCredentialInput = {
    certPem: cert.toString(),
    thumbprintSha1: cert.fingerprint.replace(/:/g, "").toUpperCase(),
    notBefore: cert.validFromDate.toISOString(),
    notAfter: cert.validToDate.toISOString(),
  };
  if (typeof credential.displayName === "string" && credential.displayName) {
    parsed.displayName = credential.displayName;
  }
  if (options.withDates) {
    for (const name of ["startDateTime", "endDateTime"] as const) {
      const value = credential[name];
      if (value === undefined || value === null) continue;
      if (typeof value !== "string" || Number.isNaN(Date.parse(value))) {
        throw GraphError.badRequest(
          `The value ${JSON.stringify(value)} of ${name} is not an ISO 8601 date and time.`,
        );
      }
      parsed[name] = value;
    }
  }
  return parsed;
}
