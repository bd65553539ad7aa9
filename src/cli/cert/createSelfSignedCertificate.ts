import { generateKeyPair, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import forge from "node-forge";
import type { SubjectAttribute } from "./parseSubject.js";

/** A new certificate and its key. `keyPem` is a secret: write it only to a file only its owner can read. */
export interface SelfSignedCertificate {
  /** Unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY"), the form the app and MSAL read. */
  keyPem: string;
  certPem: string;
  /** The certificate's DER bytes: the `.cer` file, Graph's keyCredential `key` (base64). */
  der: Buffer;
}

const generateRsa = promisify(generateKeyPair);

/** forge reads `valueTagClass` as the value's ASN.1 type; @types/node-forge declares it as an asn1.Class. */
const tagOf = (type: forge.asn1.Type): forge.asn1.Class => type as number;

/**
 * What the tutorial does with `openssl req -x509 -newkey rsa:2048 -nodes`, without openssl: an RSA key made by
 * node:crypto (native, so a 4096-bit key takes a moment, not minutes) and a self-signed X.509 v3 certificate signed
 * with SHA-256 by node-forge (already the app's PKCS#12 reader, so nothing is added to the deployed bundle).
 * Extensions as Key Vault writes them for a self-signed client certificate: not a CA (critical), digitalSignature and
 * keyEncipherment (critical), extended key usage clientAuth, and a subject key identifier. The serial number is 16
 * random bytes, positive (RFC 5280 4.1.2.2).
 */
export async function createSelfSignedCertificate(options: {
  subject: readonly SubjectAttribute[];
  notBefore: Date;
  notAfter: Date;
  keyBits: number;
}): Promise<SelfSignedCertificate> {
  const { publicKey, privateKey } = await generateRsa("rsa", {
    modulusLength: options.keyBits,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // The top bit cleared keeps the DER INTEGER positive without a leading zero byte.
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  cert.serialNumber = serial.toString("hex");
  cert.validity.notBefore = options.notBefore;
  cert.validity.notAfter = options.notAfter;
  const name = options.subject.map((attribute) => ({
    shortName: attribute.shortName,
    value: attribute.value,
    // X.520: a country is a PrintableString; everything else UTF8String, so any name survives.
    valueTagClass: tagOf(
      attribute.shortName === "C" ? forge.asn1.Type.PRINTABLESTRING : forge.asn1.Type.UTF8,
    ),
  }));
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", clientAuth: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary");
  return { keyPem: privateKey, certPem: forge.pki.certificateToPem(cert).replace(/\r\n/g, "\n"), der };
}
