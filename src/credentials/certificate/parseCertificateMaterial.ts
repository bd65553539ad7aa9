import { createHash, createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import forge from "node-forge";
import { CredentialError } from "../../errors.js";
import type { CertificateCredential } from "./CertificateCredential.js";

/** Raw certificate material: PEM text (key + certificates in any order) or PKCS#12 bytes. */
export type CertificateMaterial =
  | { kind: "pem"; text: string; password?: string | undefined }
  | { kind: "pkcs12"; der: Buffer; password?: string | undefined };

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/**
 * Reads a key and its certificate chain from PEM or PKCS#12 and normalises them for MSAL: the leaf (the
 * certificate whose public key matches the private key) first, then its issuers; the key as unencrypted
 * PKCS#8 PEM without bag attributes or "\r". Throws CredentialError naming `source` and the fix; never
 * includes key material in a message.
 */
export function parseCertificateMaterial(
  material: CertificateMaterial,
  source: string,
): CertificateCredential {
  const { key, certificates } =
    material.kind === "pem"
      ? readPem(material.text, material.password, source)
      : readPkcs12(material.der, material.password, source);
  if (certificates.length === 0) {
    throw new CredentialError(
      "CERTIFICATE_NO_CERTIFICATE",
      `${source} holds a private key but no certificate. Provide the key together with its certificate (one PEM with both, or a PFX).`,
    );
  }
  if (!key) {
    throw new CredentialError(
      "CERTIFICATE_NO_PRIVATE_KEY",
      `${source} holds no private key, only ${certificates.length} certificate(s). In Key Vault this is a certificate whose key is not exportable: create it with "exportable": true in its policy (key_props), or use a certificate that was created exportable. For a file, include the private key.`,
    );
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new CredentialError(
      "CERTIFICATE_KEY_NOT_RSA",
      `${source} has a ${key.asymmetricKeyType ?? "unknown"} key; Entra ID client assertions take RSA keys only. Create the certificate with an RSA key (2048 bits or more).`,
    );
  }
  const leaf = certificates.find((certificate) => certificate.checkPrivateKey(key));
  if (!leaf) {
    throw new CredentialError(
      "CERTIFICATE_KEY_MISMATCH",
      `${source}: the private key does not belong to any of its ${certificates.length} certificate(s) (subjects: ${certificates.map((c) => c.subject.replace(/\n/g, ", ")).join("; ")}). Export the key and certificate together again.`,
    );
  }
  const chain = orderChain(leaf, certificates);
  return {
    source,
    privateKeyPem: (key.export({ type: "pkcs8", format: "pem" }) as string).replace(/\r/g, ""),
    chainPems: chain.map((certificate) => certificate.toString().replace(/\r/g, "")),
    thumbprintSha1: createHash("sha1").update(leaf.raw).digest("hex").toUpperCase(),
    thumbprintSha256: createHash("sha256").update(leaf.raw).digest("hex").toUpperCase(),
    subject: leaf.subject.replace(/\n/g, ", "),
    issuer: leaf.issuer.replace(/\n/g, ", "),
    serialNumber: leaf.serialNumber,
    notBefore: new Date(leaf.validFrom),
    notAfter: new Date(leaf.validTo),
    keyBits: key.asymmetricKeyDetails?.modulusLength ?? 0,
  };
}

/** Leaf first, then each issuer found in the material; certificates unrelated to the leaf's chain are dropped. */
function orderChain(leaf: X509Certificate, certificates: X509Certificate[]): X509Certificate[] {
  const chain = [leaf];
  let current = leaf;
  for (;;) {
    if (current.subject === current.issuer) break; // self-signed: the root
    const issuer = certificates.find(
      (candidate) => !chain.includes(candidate) && current.checkIssued(candidate),
    );
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}

function readPem(
  text: string,
  password: string | undefined,
  source: string,
): { key: KeyObject | null; certificates: X509Certificate[] } {
  const normalised = text.replace(/\r/g, "");
  const blocks = [...normalised.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1]!, pem: m[0] }));
  if (blocks.length === 0) {
    throw new CredentialError(
      "CERTIFICATE_UNREADABLE",
      `${source} is not PEM: no "-----BEGIN ...-----" block found. Expected a private key and certificate in PEM, or a PFX file.`,
    );
  }
  let key: KeyObject | null = null;
  const certificates: X509Certificate[] = [];
  for (const block of blocks) {
    if (block.label === "CERTIFICATE") {
      try {
        certificates.push(new X509Certificate(block.pem));
      } catch (error) {
        throw unreadable(source, "a CERTIFICATE block does not parse", error);
      }
    } else if (block.label.endsWith("PRIVATE KEY")) {
      if (key) {
        throw new CredentialError(
          "CERTIFICATE_UNREADABLE",
          `${source} holds more than one private key; keep only the certificate's key.`,
        );
      }
      const encrypted = block.label === "ENCRYPTED PRIVATE KEY" || /Proc-Type: 4,ENCRYPTED/.test(block.pem);
      if (encrypted && !password) {
        throw new CredentialError(
          "CERTIFICATE_PASSWORD_INVALID",
          `${source} has an encrypted private key and no password was given. Set M2M_CERTIFICATE_PASSWORD, or export the key unencrypted.`,
        );
      }
      try {
        key = createPrivateKey(encrypted ? { key: block.pem, passphrase: password } : block.pem);
      } catch (error) {
        if (encrypted) {
          throw new CredentialError(
            "CERTIFICATE_PASSWORD_INVALID",
            `${source}: the private key cannot be decrypted with the given password. Check M2M_CERTIFICATE_PASSWORD.`,
            { cause: error },
          );
        }
        throw unreadable(source, `the ${block.label} block does not parse`, error);
      }
    }
  }
  return { key, certificates };
}

function readPkcs12(
  der: Buffer,
  password: string | undefined,
  source: string,
): { key: KeyObject | null; certificates: X509Certificate[] } {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString("binary")));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password ?? "");
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/MAC could not be verified|Invalid password/i.test(message)) {
      throw new CredentialError(
        "CERTIFICATE_PASSWORD_INVALID",
        `${source}: the PKCS#12 password is wrong${password ? "" : " (none was given)"}. Set M2M_CERTIFICATE_PASSWORD to the PFX's password (Key Vault's own PFX secrets have none).`,
        { cause: error },
      );
    }
    if (/Unsupported OID|unsupported|PBES2|cipher/i.test(message)) {
      throw new CredentialError(
        "CERTIFICATE_UNREADABLE",
        `${source}: the PKCS#12 file uses encryption this app cannot read (${message}) — OpenSSL 3 exports AES-256/PBKDF2 by default. Re-export it with 'openssl pkcs12 -export -legacy', or use a PEM file (key + certificate).`,
        { cause: error },
      );
    }
    throw unreadable(source, "it is not a readable PKCS#12 (PFX) file", error);
  }
  const certificates: X509Certificate[] = [];
  let key: KeyObject | null = null;
  try {
    for (const bag of p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? []) {
      if (bag.cert) certificates.push(new X509Certificate(forge.pki.certificateToPem(bag.cert)));
    }
    for (const bagType of [forge.pki.oids.pkcs8ShroudedKeyBag!, forge.pki.oids.keyBag!]) {
      for (const bag of p12.getBags({ bagType })[bagType] ?? []) {
        if (bag.key && !key) key = createPrivateKey(forge.pki.privateKeyToPem(bag.key));
      }
    }
  } catch (error) {
    throw unreadable(source, "its PKCS#12 bags do not parse (only RSA keys are supported)", error);
  }
  return { key, certificates };
}

function unreadable(source: string, what: string, cause: unknown): CredentialError {
  return new CredentialError(
    "CERTIFICATE_UNREADABLE",
    `${source} cannot be read: ${what}. Expected a PEM with the private key and certificate, or a PFX (PKCS#12).`,
    { cause },
  );
}
