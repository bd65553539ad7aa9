import { X509Certificate } from "node:crypto";
import { KeyVaultError } from "./KeyVaultError.js";

export type SecretContentType = "application/x-pem-file" | "application/x-pkcs12";
export const SECRET_CONTENT_TYPES: readonly SecretContentType[] = [
  "application/x-pem-file",
  "application/x-pkcs12",
];

/**
 * A certificate's management policy in Key Vault's wire format (snake_case, as `GET .../policy` returns it),
 * without the `id` and `attributes` the serializer adds. One policy per certificate name, not per version.
 */
export interface CertificatePolicy {
  key_props: { exportable: boolean; kty: "RSA"; key_size: number; reuse_key: boolean };
  secret_props: { contentType: SecretContentType };
  x509_props: {
    subject: string;
    sans: {
      dns_names?: string[];
      emails?: string[];
      upns?: string[];
      uris?: string[];
      ipAddresses?: string[];
    };
    ekus: string[];
    key_usage: string[];
    validity_months: number;
    basic_constraints: { ca: boolean };
  };
  lifetime_actions: {
    trigger: { lifetime_percentage?: number; days_before_expiry?: number };
    action: { action_type: string };
  }[];
  issuer: { name: string; cty?: string; cert_transparency?: boolean };
}

const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

/** What the service puts in a policy for an issuer: Self renews itself, others e-mail the contacts. */
function lifetimeActionsFor(issuerName: string): CertificatePolicy["lifetime_actions"] {
  return [
    issuerName.toLowerCase() === "self"
      ? { trigger: { lifetime_percentage: 80 }, action: { action_type: "AutoRenew" } }
      : { trigger: { lifetime_percentage: 80 }, action: { action_type: "EmailContacts" } },
  ];
}

/** The policy Key Vault derives from an imported certificate. */
export function policyFromCertificate(
  certPem: string,
  options: { contentType: SecretContentType; exportable: boolean; issuerName: string; subject?: string },
): CertificatePolicy {
  const cert = new X509Certificate(certPem);
  const months = Math.max(
    1,
    Math.round((cert.validToDate.getTime() - cert.validFromDate.getTime()) / (30.4375 * 86_400_000)),
  );
  const keyBits = cert.publicKey.asymmetricKeyDetails?.modulusLength ?? 2048;
  const dnsNames = (cert.subjectAltName ?? "")
    .split(", ")
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice(4));
  return {
    key_props: { exportable: options.exportable, kty: "RSA", key_size: keyBits, reuse_key: false },
    secret_props: { contentType: options.contentType },
    x509_props: {
      subject: options.subject ?? cert.subject.split("\n").reverse().join(", "),
      sans: dnsNames.length ? { dns_names: dnsNames } : {},
      ekus: [SERVER_AUTH, CLIENT_AUTH],
      key_usage: ["digitalSignature", "keyEncipherment"],
      validity_months: months,
      basic_constraints: { ca: cert.ca },
    },
    lifetime_actions: lifetimeActionsFor(options.issuerName),
    issuer: { name: options.issuerName },
  };
}

const asRecord = (value: unknown): Record<string, unknown> =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const asStrings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((item) => typeof item === "string") ? value : undefined;

/**
 * The policy for a create request: the request's policy over the certificate's current one (or the service
 * defaults for a new name). Throws KeyVaultError 400 for what the service (or the stand-in) does not accept.
 */
export function resolveCreatePolicy(
  requested: unknown,
  current: CertificatePolicy | undefined,
): CertificatePolicy {
  const body = asRecord(requested);
  const key = asRecord(body.key_props);
  const secret = asRecord(body.secret_props);
  const x509 = asRecord(body.x509_props);
  const issuer = asRecord(body.issuer);
  const sans = asRecord(x509.sans);

  const subject = typeof x509.subject === "string" ? x509.subject : (current?.x509_props.subject ?? "");
  const requestedSans: CertificatePolicy["x509_props"]["sans"] = {};
  for (const field of ["dns_names", "emails", "upns", "uris", "ipAddresses"] as const) {
    const values = asStrings(sans[field]);
    if (values?.length) requestedSans[field] = values;
  }
  const resolvedSans = Object.keys(requestedSans).length ? requestedSans : (current?.x509_props.sans ?? {});
  if (!subject && Object.keys(resolvedSans).length === 0) {
    throw KeyVaultError.badParameter("Either subjectName or san must be present");
  }

  const contentType = secret.contentType ?? current?.secret_props.contentType ?? "application/x-pkcs12";
  if (!SECRET_CONTENT_TYPES.includes(contentType as SecretContentType)) {
    throw KeyVaultError.badParameter(
      `Invalid content type ${JSON.stringify(contentType)}. Use application/x-pkcs12 or application/x-pem-file.`,
    );
  }
  const kty = key.kty ?? current?.key_props.kty ?? "RSA";
  if (kty !== "RSA") {
    throw KeyVaultError.badParameter(
      `The Key Vault stand-in creates RSA keys only, not ${JSON.stringify(kty)}.`,
    );
  }
  const keySize = key.key_size ?? current?.key_props.key_size ?? 2048;
  if (keySize !== 2048 && keySize !== 3072 && keySize !== 4096) {
    throw KeyVaultError.badParameter(
      `Invalid key size ${JSON.stringify(keySize)}: RSA keys are 2048, 3072 or 4096 bits.`,
    );
  }
  const months = x509.validity_months ?? current?.x509_props.validity_months ?? 12;
  if (typeof months !== "number" || !Number.isInteger(months) || months < 1 || months > 120) {
    throw KeyVaultError.badParameter(
      `Invalid validity_months ${JSON.stringify(months)}: expected a whole number from 1 to 120.`,
    );
  }
  const issuerName = typeof issuer.name === "string" ? issuer.name : (current?.issuer.name ?? "Unknown");
  const requestedActions = Array.isArray(body.lifetime_actions)
    ? (body.lifetime_actions as CertificatePolicy["lifetime_actions"])
    : undefined;

  return {
    key_props: {
      exportable:
        typeof key.exportable === "boolean" ? key.exportable : (current?.key_props.exportable ?? true),
      kty: "RSA",
      key_size: keySize,
      reuse_key: typeof key.reuse_key === "boolean" ? key.reuse_key : (current?.key_props.reuse_key ?? false),
    },
    secret_props: { contentType: contentType as SecretContentType },
    x509_props: {
      subject,
      sans: resolvedSans,
      ekus: asStrings(x509.ekus) ?? current?.x509_props.ekus ?? [SERVER_AUTH, CLIENT_AUTH],
      key_usage: asStrings(x509.key_usage) ??
        current?.x509_props.key_usage ?? ["digitalSignature", "keyEncipherment"],
      validity_months: months,
      basic_constraints: { ca: false },
    },
    lifetime_actions: requestedActions?.length
      ? requestedActions
      : (current?.lifetime_actions ?? lifetimeActionsFor(issuerName)),
    issuer: {
      name: issuerName,
      ...(typeof issuer.cty === "string" ? { cty: issuer.cty } : {}),
      ...(typeof issuer.cert_transparency === "boolean"
        ? { cert_transparency: issuer.cert_transparency }
        : {}),
    },
  };
}
