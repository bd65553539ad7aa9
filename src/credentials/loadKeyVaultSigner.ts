import { X509Certificate } from "node:crypto";
import type { Clock } from "../clock/Clock.js";
import type { Deadline } from "../clock/Deadline.js";
import type { KeyVaultSigning } from "../config/Config.js";
import { assembleCertificateCredential } from "./certificate/assembleCertificateCredential.js";
import { assemblePublicCertificate } from "./certificate/assemblePublicCertificate.js";
import { certificateError } from "./certificate/certificateError.js";
import { checkCertificateCredential } from "./certificate/checkCertificateCredential.js";
import { checkPublicCertificate } from "./certificate/checkPublicCertificate.js";
import { keyVaultSecretMaterial } from "./certificate/parseKeyVaultSecret.js";
import { readMaterialParts } from "./certificate/readMaterialParts.js";
import type { CertificateStore } from "./CertificateStore.js";
import type { CertificateSigner } from "./signing/CertificateSigner.js";
import { localSigner } from "./signing/localSigner.js";
import { vaultSigner } from "./signing/vaultSigner.js";
import type { VaultKeys } from "./signing/VaultKeys.js";

/** Where a Key Vault certificate is read from and how it signs. */
export interface KeyVaultSignerSource {
  store: Pick<CertificateStore, "getSecret" | "getCertificate">;
  keys: VaultKeys;
  vaultUrl: string;
  signing: KeyVaultSigning;
  clock: Clock;
}

/** A version read from Key Vault: the signer and the version it is. */
export type LoadedSigner = { signer: CertificateSigner; version: string };

/**
 * Reads a version of a Key Vault certificate (the latest when `version` is null) and checks it, ready to sign with,
 * as `signing` says:
 *
 * - "vault": the certificate only (`certificates/get`: its DER and key id); Key Vault signs. The secret is never read,
 *   so the identity needs Key Vault Certificate User and Key Vault Crypto User, and the key may be non-exportable.
 * - "local": the secret, which must hold the key (CERTIFICATE_NO_PRIVATE_KEY otherwise, saying how to sign in Key
 *   Vault instead).
 * - "auto": the secret (one request, as "local"); when it holds the key, the key signs here; when it holds only the
 *   chain (a non-exportable key, which Key Vault never puts in the secret), Key Vault signs with the key it names.
 */
export async function loadKeyVaultSigner(
  source: KeyVaultSignerSource,
  name: string,
  version: string | null,
  deadline?: Deadline,
): Promise<LoadedSigner> {
  const where = (v: string) => `Key Vault certificate '${name}' version ${v} in ${source.vaultUrl}`;
  const now = source.clock();
  if (source.signing === "vault") {
    const found = await source.store.getCertificate(name, version, deadline);
    const leaf = new X509Certificate(found.cer);
    const certificate = assemblePublicCertificate(
      { form: "DER", privateKeys: [], certificates: [leaf] },
      where(found.version),
      leaf,
    );
    checkPublicCertificate(certificate, now);
    return { signer: vaultSigner(certificate, found.keyId, source.keys), version: found.version };
  }
  const secret = await source.store.getSecret(name, version, deadline);
  const origin = where(secret.version);
  const parts = await readMaterialParts(keyVaultSecretMaterial(secret, origin), origin);
  if (parts.privateKeys.length > 0 || source.signing === "local" || !secret.keyId) {
    const credential = withSigningHint(() => assembleCertificateCredential(parts, origin), source.signing);
    checkCertificateCredential(credential, now);
    return { signer: localSigner(credential), version: secret.version };
  }
  const certificate = assemblePublicCertificate(parts, origin);
  checkPublicCertificate(certificate, now);
  return { signer: vaultSigner(certificate, secret.keyId, source.keys), version: secret.version };
}

/** A secret without its key, under "local": says how to let Key Vault sign instead of exporting the key. */
function withSigningHint<T>(read: () => T, signing: KeyVaultSigning): T {
  try {
    return read();
  } catch (error) {
    if (signing !== "local" || (error as { code?: unknown }).code !== "CERTIFICATE_NO_PRIVATE_KEY")
      throw error;
    throw certificateError(
      "CERTIFICATE_NO_PRIVATE_KEY",
      `${(error as Error).message} Or keep the key in Key Vault: M2M_KEYVAULT_SIGNING is 'local'; set it to 'auto' ` +
        `(the default) or 'vault' so Key Vault signs with the key (the identity then needs the 'Key Vault Crypto User' role).`,
      error,
    );
  }
}
