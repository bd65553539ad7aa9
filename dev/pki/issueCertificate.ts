import { createHash, webcrypto } from "node:crypto";
import { x509 } from "./x509.js";
import { toPem } from "./pem.js";

const DAY_MS = 86_400_000;

/** A certificate and its key as the dev PKI hands them out. Never committed: tests make their own. */
export interface IssuedCertificate {
  certPem: string;
  /** Unencrypted PKCS#8 PEM. */
  keyPem: string;
  /** Base64 of the DER certificate, as Graph's keyCredential `key` and JWKS `x5c` carry it. */
  derBase64: string;
  /** Hex, upper case, as the Azure portal shows thumbprints. */
  thumbprintSha1: string;
  thumbprintSha256: string;
  notBefore: Date;
  notAfter: Date;
}

export interface IssueOptions {
  subject?: string;
  /** Signs with this CA; self-signed when absent. */
  issuer?: { certPem: string; keyPem: string };
  notBefore?: Date;
  notAfter?: Date;
  /** Shorthand for notAfter = notBefore + validDays. */
  validDays?: number;
  keyBits?: number;
  isCa?: boolean;
  /** DNS names and IP addresses for a TLS server certificate. */
  hosts?: string[];
}

const rsa = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]) };

/** Issues an RSA certificate: a CA, a TLS server certificate or an app registration's client certificate. */
export async function issueCertificate(options: IssueOptions = {}): Promise<IssuedCertificate> {
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + (options.validDays ?? 365) * DAY_MS);
  const keys = await webcrypto.subtle.generateKey({ ...rsa, modulusLength: options.keyBits ?? 2048 }, true, [
    "sign",
    "verify",
  ]);
  const subject = options.subject ?? "CN=m2m-functions dev";
  const extensions: x509.Extension[] = [];
  if (options.isCa) {
    extensions.push(new x509.BasicConstraintsExtension(true, 0, true));
    extensions.push(
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    );
  } else {
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
    extensions.push(
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
    );
  }
  if (options.hosts?.length) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        options.hosts.map((host) =>
          /^[\d.]+$|:/.test(host) ? { type: "ip", value: host } : { type: "dns", value: host },
        ),
      ),
    );
    extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]));
  }
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  const serialNumber = Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString("hex")
    .replace(/^[89a-f]/, "1");
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber,
    subject,
    issuer: options.issuer ? new x509.X509Certificate(options.issuer.certPem).subject : subject,
    notBefore,
    notAfter,
    signingAlgorithm: rsa,
    publicKey: keys.publicKey,
    signingKey: options.issuer ? await importSigningKey(options.issuer.keyPem) : keys.privateKey,
    extensions,
  });
  const der = Buffer.from(cert.rawData);
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return {
    certPem: toPem("CERTIFICATE", der),
    keyPem: toPem("PRIVATE KEY", pkcs8),
    derBase64: der.toString("base64"),
    thumbprintSha1: createHash("sha1").update(der).digest("hex").toUpperCase(),
    thumbprintSha256: createHash("sha256").update(der).digest("hex").toUpperCase(),
    notBefore,
    notAfter,
  };
}

async function importSigningKey(keyPem: string): Promise<webcrypto.CryptoKey> {
  const der = Buffer.from(keyPem.replace(/-----[A-Z ]+-----|\s/g, ""), "base64");
  return webcrypto.subtle.importKey("pkcs8", der, rsa, false, ["sign"]);
}
