import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import type forge from "node-forge";
import { certificateError } from "./certificateError.js";
import { loadForge } from "./loadForge.js";
import type { MaterialParts } from "./MaterialParts.js";
import { pkcs12AlgorithmName } from "./pkcs12AlgorithmName.js";

type Forge = typeof forge;

const FORM = "PKCS#12 (PFX)";
const CONVERT =
  'Convert it to a form this app reads: "openssl pkcs12 -in old.pfx -nodes -out cert.pem", then either use ' +
  'cert.pem (PEM) or re-export it with "openssl pkcs12 -export -legacy -in cert.pem -out new.pfx" ' +
  "(3DES/SHA-1, as Key Vault uses) or with OpenSSL 3's defaults (AES-256-CBC, PBKDF2, SHA-256 MAC).";
const KEY_VAULT_PASSWORD =
  "(Key Vault's own PFX secrets have no password: import the PFX as a Key Vault certificate rather than a secret.)";

/**
 * Reads the private keys and certificates in PKCS#12 bytes with node-forge (node:crypto cannot read
 * PKCS#12). Reads the legacy 3DES/RC2 + SHA-1 MAC form Key Vault and Windows write and OpenSSL 3's
 * AES-256-CBC/PBKDF2/SHA-256 MAC form. `password` undefined means empty. node-forge is loaded on the first call.
 *
 * Password quirks handled: an empty password is tried both as an empty BMPString (OpenSSL, forge) and as
 * no password at all (some Windows/.NET exports); a non-ASCII password is used as BMPString for the MAC
 * and as UTF-8 for PBES2 encryption, as OpenSSL does (node-forge alone uses one encoding for both).
 */
export async function readPkcs12Material(
  der: Buffer,
  password: string | undefined,
  source: string,
): Promise<MaterialParts> {
  const forge = await loadForge();
  const oids = forge.pki.oids;
  let pfx: forge.asn1.Asn1;
  try {
    pfx = forge.asn1.fromDer(der.toString("binary"));
  } catch (error) {
    throw notPkcs12(source, error);
  }
  const p12 = decode(forge, pfx, password ?? "", source);
  const parts: MaterialParts = { form: FORM, privateKeys: [], certificates: [] };
  for (const safeContents of p12.safeContents) {
    for (const bag of safeContents.safeBags) {
      if (bag.type === oids.keyBag || bag.type === oids.pkcs8ShroudedKeyBag) {
        parts.privateKeys.push(keyFromBag(forge, bag, source));
      } else if (bag.type === oids.certBag) {
        parts.certificates.push(certificateFromBag(forge, bag, source));
      }
    }
  }
  return parts;
}

type Failure = "mac" | "unsupported" | "decrypt" | "other";

function decode(
  forge: Forge,
  pfx: forge.asn1.Asn1,
  password: string,
  source: string,
): forge.pkcs12.Pkcs12Pfx {
  let failure = attempt(forge, pfx, password);
  // An empty password has two encodings in the wild: try "no password" when the MAC rejects "".
  if (failure.kind === "mac" && password === "") failure = attempt(forge, pfx, undefined);
  // The MAC passed (or there is none) but reading the contents failed: PBES2 wants the password as UTF-8 bytes.
  // Decrypting with the other encoding gives noise, and about 1 in 256 noise blocks ends in valid padding (a last byte
  // of 01). That noise then fails as DER of any kind — "Unparsed DER bytes remain", or "Only 8, 16, 24, or 32 bits
  // supported", which reads like an unsupported algorithm — so every failure but the MAC's is tried again with UTF-8.
  // A structure that is truly unsupported fails the same way again.
  if (failure.kind !== "ok" && failure.kind !== "mac" && /[^\x20-\x7e]/.test(password)) {
    failure = attempt(forge, withoutMac(forge, pfx), forge.util.encodeUtf8(password));
  }
  if (failure.kind === "ok") return failure.p12;
  const { error } = failure;
  switch (failure.kind) {
    case "mac":
      throw certificateError(
        "CERTIFICATE_PASSWORD_INVALID",
        password === ""
          ? `${source}: the ${FORM} is protected by a password and none was given (its integrity check fails ` +
              `with an empty one). Set M2M_CERTIFICATE_PASSWORD to the PFX's password. ${KEY_VAULT_PASSWORD}`
          : `${source}: the PKCS#12 password is wrong. Set M2M_CERTIFICATE_PASSWORD to the password the PFX ` +
              `was exported with. ${KEY_VAULT_PASSWORD}`,
        error,
      );
    case "unsupported":
      throw certificateError(
        "CERTIFICATE_UNREADABLE",
        `${source}: the ${FORM} uses ${unsupportedWhat(error, forge.pki.oids)}, which this app's PKCS#12 reader (node-forge) ` +
          `cannot read. ${CONVERT}`,
        error,
      );
    case "decrypt":
      throw pfxHasMac(pfx)
        ? certificateError(
            "CERTIFICATE_UNREADABLE",
            `${source}: the ${FORM} integrity check passed but its contents could not be decrypted ` +
              `(${error.message}). ${CONVERT}`,
            error,
          )
        : certificateError(
            "CERTIFICATE_PASSWORD_INVALID",
            `${source}: the ${FORM} has no integrity check (MAC) and could not be decrypted, so the password is ` +
              `most likely wrong. Set M2M_CERTIFICATE_PASSWORD to the password the PFX was exported with.`,
            error,
          );
    default:
      throw notPkcs12(source, error);
  }
}

function notPkcs12(source: string, error: unknown) {
  return certificateError(
    "CERTIFICATE_UNREADABLE",
    `${source} is not a readable ${FORM} file (${(error as Error).message}). Expected the bytes of a .pfx/.p12 ` +
      `file (base64-decoded when it comes from a Key Vault secret), or a PEM file with the key and certificate.`,
    error,
  );
}

function attempt(
  forge: Forge,
  pfx: forge.asn1.Asn1,
  password: string | undefined,
): { kind: "ok"; p12: forge.pkcs12.Pkcs12Pfx } | { kind: Failure; error: Error } {
  try {
    return { kind: "ok", p12: forge.pkcs12.pkcs12FromAsn1(pfx, false, password) };
  } catch (caught) {
    const error = caught instanceof Error ? caught : new Error(String(caught));
    return { kind: classify(error), error };
  }
}

function classify(error: Error): Failure {
  const message = error.message;
  if (/MAC could not be verified/.test(message)) return "mac";
  if (/unsupported|not supported|only .* supported|unknown hash algorithm/i.test(message))
    return "unsupported";
  if (/decrypt/i.test(message)) return "decrypt";
  return "other";
}

function unsupportedWhat(error: Error, forgeNames: forge.pki.oids): string {
  const fields = error as Error & { oid?: unknown; contentType?: unknown; algorithm?: unknown };
  const oid = [fields.oid, fields.contentType, /(\d+(?:\.\d+){3,})/.exec(error.message)?.[1]].find(
    (value): value is string => typeof value === "string" && /^\d+(\.\d+)+$/.test(value),
  );
  const detail = oid
    ? pkcs12AlgorithmName(oid, forgeNames)
    : typeof fields.algorithm === "string"
      ? fields.algorithm
      : null;
  const what = /MAC/.test(error.message)
    ? "MAC algorithm"
    : /bag/i.test(error.message)
      ? "bag type"
      : "algorithm";
  return detail ? `the ${what} ${detail}` : `a structure node-forge rejected ("${error.message}")`;
}

function pfxHasMac(pfx: forge.asn1.Asn1): boolean {
  return Array.isArray(pfx.value) && pfx.value.length > 2;
}

/** The PFX without its MacData, for the second pass after the MAC was verified with the BMPString form. */
function withoutMac(forge: Forge, pfx: forge.asn1.Asn1): forge.asn1.Asn1 {
  const value = Array.isArray(pfx.value) ? pfx.value.slice(0, 2) : pfx.value;
  return forge.asn1.create(pfx.tagClass, pfx.type, pfx.constructed, value);
}

function keyFromBag(forge: Forge, bag: forge.pkcs12.Bag, source: string): KeyObject {
  // forge turns RSA keys into its own objects and leaves other key types (EC, ...) as PrivateKeyInfo ASN.1.
  const info = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
  try {
    return createPrivateKey({ key: derBytes(forge, info), format: "der", type: "pkcs8" });
  } catch (error) {
    throw certificateError(
      "CERTIFICATE_UNREADABLE",
      `${source}: a private key in the ${FORM} does not parse (${(error as Error).message}). Export the PFX again.`,
      error,
    );
  }
}

function certificateFromBag(forge: Forge, bag: forge.pkcs12.Bag, source: string): X509Certificate {
  // forge keeps non-RSA certificates as ASN.1; RSA ones are rebuilt from their original TBSCertificate.
  const asn1 = bag.cert ? originalCertificateAsn1(forge, bag.cert) : bag.asn1;
  try {
    return new X509Certificate(derBytes(forge, asn1));
  } catch (error) {
    throw certificateError(
      "CERTIFICATE_UNREADABLE",
      `${source}: a certificate in the ${FORM} does not parse (${(error as Error).message}). Export the PFX again.`,
      error,
    );
  }
}

/**
 * forge.pki.certificateToAsn1 re-creates the outer signature AlgorithmIdentifier from the OID (NULL
 * parameters), which changes the bytes — and so the thumbprint — of certificates encoded without them
 * (ECDSA-signed, RSA-PSS). RFC 5280 requires the outer AlgorithmIdentifier to equal the `signature` field
 * inside TBSCertificate, and forge keeps that TBSCertificate as parsed, so copy it from there.
 */
function originalCertificateAsn1(forge: Forge, cert: forge.pki.Certificate): forge.asn1.Asn1 {
  const tbs = cert.tbsCertificate;
  const signature = cert.signature as string;
  const fields = Array.isArray(tbs.value) ? tbs.value : [];
  const first = fields[0];
  const hasVersion = first !== undefined && first.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC;
  const signatureAlgorithm = fields[hasVersion ? 2 : 1];
  if (signatureAlgorithm === undefined) return forge.pki.certificateToAsn1(cert);
  return forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SEQUENCE, true, [
    tbs,
    signatureAlgorithm,
    forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.BITSTRING, false, `\x00${signature}`),
  ]);
}

function derBytes(forge: Forge, asn1: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary");
}
