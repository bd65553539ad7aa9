import type { KeyObject, X509Certificate } from "node:crypto";

/** What was found in raw material, before the leaf is chosen and the chain ordered. */
export interface MaterialParts {
  /** e.g. "PEM" or "PKCS#12 (PFX)", for messages. */
  form: string;
  privateKeys: KeyObject[];
  certificates: X509Certificate[];
}
