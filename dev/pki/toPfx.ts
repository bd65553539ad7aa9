import forge from "node-forge";

/**
 * Packs a key and certificate chain as base64 PKCS#12, the way Key Vault returns an
 * `application/x-pkcs12` certificate secret (empty password unless given).
 */
export function toPfxBase64(keyPem: string, certPems: string[], password = ""): string {
  const key = forge.pki.privateKeyFromPem(keyPem);
  const certs = certPems.map((pem) => forge.pki.certificateFromPem(pem));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, password, {
    algorithm: "3des",
    friendlyName: "m2m-dev",
  });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary").toString("base64");
}
