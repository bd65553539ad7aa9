import forge from "node-forge";
import { toPfxBase64 } from "../pki/toPfx.js";
import { recordSecret } from "../secrets/recordSecret.js";
import type { SecretContentType } from "./certificatePolicy.js";

/** The parts of a certificate version its secret is made of. */
export interface SecretMaterial {
  /** PKCS#8 PEM, or null when the key is not exportable (or was never given). */
  keyPem: string | null;
  /** Leaf first. */
  certPems: string[];
}

const normalise = (pem: string) => `${pem.replace(/\r/g, "").trim()}\n`;

/**
 * The value of a certificate's secret as Key Vault returns it: for `application/x-pem-file` the PKCS#8 key
 * PEM followed by the certificate chain (leaf first); for `application/x-pkcs12` a base64 PFX with an empty
 * password. Without a key (non-exportable) the value holds the certificates only.
 */
export function secretValue(material: SecretMaterial, contentType: SecretContentType): string {
  if (contentType === "application/x-pem-file") {
    return [...(material.keyPem ? [material.keyPem] : []), ...material.certPems].map(normalise).join("");
  }
  if (material.keyPem) {
    const pfx = toPfxBase64(material.keyPem, material.certPems);
    recordSecret("key-vault-pfx", pfx);
    return pfx;
  }
  const certs = material.certPems.map((pem) => forge.pki.certificateFromPem(pem));
  const asn1 = forge.pkcs12.toPkcs12Asn1(null, certs, "", { algorithm: "3des" });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary").toString("base64");
}
