import type { VaultKeys } from "../../src/credentials/signing/VaultKeys.js";

/** Keys for a test whose certificates sign locally: a Key Vault signature would be a bug, so it fails loudly. */
export const noVaultKeys: VaultKeys = {
  sign: (keyId) =>
    Promise.reject(new Error(`the test signs locally; Key Vault was asked to sign with ${keyId}`)),
};

/** A store's getCertificate for a test that reads secrets only. */
export const noCertificateRead = (name: string) =>
  Promise.reject(new Error(`the test reads secrets; the certificate '${name}' was read`));
