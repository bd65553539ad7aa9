import { createPublicKey, webcrypto } from "node:crypto";
import { issueCertificate, type IssuedCertificate } from "../pki/issueCertificate.js";
import { toPem } from "../pki/pem.js";
import { x509 } from "../pki/x509.js";
import { recordSecret } from "../secrets/recordSecret.js";
import type { CertificatePolicy } from "./certificatePolicy.js";

const rsa = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]) };

/** What a create request makes: a new key and its CSR, and when the vault issues it, the certificate as well. */
export interface IssuedFromPolicy {
  /** Unencrypted PKCS#8 PEM of the new key. */
  keyPem: string;
  /** DER of the PKCS#10 request, as the pending operation's `csr` carries it (base64). */
  csrDer: Buffer;
  /** The certificate the operation completes with (issuer Self, or a CA Key Vault works with); null: a merge does. */
  certificate: IssuedCertificate | null;
  /** Issuer certificates after the leaf (the CA's), empty for Self. */
  chainPems: string[];
}

/**
 * Who signs the new certificate: "self" (issuer Self), a CA key (an issuer object whose provider Key Vault works
 * with: the stand-in plays that CA), or null (any other issuer: the operation waits for a person's merge).
 */
export type PolicySigner = "self" | { certPem: string; keyPem: string } | null;

/** Adds calendar months, as Key Vault does for `validity_months`. */
function addMonths(date: Date, months: number): Date {
  const result = new Date(date);
  result.setUTCMonth(result.getUTCMonth() + months);
  return result;
}

/**
 * Makes the key material for a create request. When the vault issues the certificate itself (`signer` not null)
 * it runs from 10 minutes before `now` (as the service backdates `nbf`) for `validity_months` calendar months.
 * `reuse_key` is not honoured: every version gets a new key.
 */
export async function issueFromPolicy(
  policy: CertificatePolicy,
  now: Date,
  signer: PolicySigner,
): Promise<IssuedFromPolicy> {
  const { subject, sans, validity_months: months } = policy.x509_props;
  const keyBits = policy.key_props.key_size;
  let keyPem: string;
  let keys: webcrypto.CryptoKeyPair;
  let certificate: IssuedCertificate | null = null;

  if (signer !== null) {
    certificate = await issueCertificate({
      subject,
      notBefore: new Date(now.getTime() - 10 * 60_000),
      notAfter: addMonths(now, months),
      keyBits,
      hosts: [...(sans.dns_names ?? []), ...(sans.ipAddresses ?? [])],
      ...(signer === "self" ? {} : { issuer: signer }),
    });
    keyPem = certificate.keyPem;
    const pkcs8 = Buffer.from(keyPem.replace(/-----[A-Z ]+-----|\s/g, ""), "base64");
    const spki = createPublicKey(keyPem).export({ type: "spki", format: "der" });
    keys = {
      privateKey: await webcrypto.subtle.importKey("pkcs8", pkcs8, rsa, true, ["sign"]),
      publicKey: await webcrypto.subtle.importKey("spki", spki, rsa, true, ["verify"]),
    };
  } else {
    keys = await webcrypto.subtle.generateKey({ ...rsa, modulusLength: keyBits }, true, ["sign", "verify"]);
    keyPem = toPem("PRIVATE KEY", await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  }
  recordSecret("key-vault-private-key", keyPem);

  const extensions: x509.Extension[] = [
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension(policy.x509_props.ekus),
    new x509.BasicConstraintsExtension(false),
  ];
  const names = [
    ...(sans.dns_names ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(sans.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value })),
    ...(sans.emails ?? []).map((value) => ({ type: "email" as const, value })),
    ...(sans.uris ?? []).map((value) => ({ type: "url" as const, value })),
  ];
  if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subject || undefined,
    keys,
    signingAlgorithm: rsa,
    extensions,
  });
  return {
    keyPem,
    csrDer: Buffer.from(csr.rawData),
    certificate,
    chainPems: signer !== null && signer !== "self" ? [signer.certPem] : [],
  };
}
