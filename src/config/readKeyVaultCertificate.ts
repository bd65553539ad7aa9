import type { CredentialConfig } from "./Config.js";
import type { SettingReader } from "./createSettingReader.js";
import { CERTIFICATE_NAME } from "./settingPatterns.js";
import { settings } from "./settings.js";

const CERTIFICATE_VERSION = /^[0-9a-f]{32}$/i;

/**
 * The Key Vault certificate source: the vault and certificate (required; `context` says which source needs them), a
 * pinned version, how often to look for a new one, and how the app authenticates to the vault.
 */
export function readKeyVaultCertificate(
  reader: SettingReader,
  context: string,
): Extract<CredentialConfig, { kind: "keyvault-certificate" }> {
  const vaultUrl = reader.required(settings.keyVaultUrl, isVaultUrl, context);
  const certificateName = reader.required(settings.certificateName, (v) => CERTIFICATE_NAME.test(v), context);
  const certificateVersion = reader.read(settings.certificateVersion) ?? null;
  if (certificateVersion !== null && !CERTIFICATE_VERSION.test(certificateVersion)) {
    reader.invalid(settings.certificateVersion, certificateVersion);
  }
  const refresh = reader.read(settings.certificateRefreshMinutes);
  let refreshMinutes = 10;
  if (refresh !== undefined) {
    if (/^\d{1,5}$/.test(refresh)) refreshMinutes = Number(refresh);
    else reader.invalid(settings.certificateRefreshMinutes, refresh);
  }
  const vaultAuth = reader.oneOf(
    settings.keyVaultAuth,
    ["managed-identity", "default-azure-credential"] as const,
    "managed-identity",
  );
  const signing = reader.oneOf(settings.keyVaultSigning, ["auto", "vault", "local"] as const, "auto");
  return {
    kind: "keyvault-certificate",
    vaultUrl: vaultUrl.replace(/\/$/, ""),
    certificateName,
    certificateVersion: certificateVersion?.toLowerCase() ?? null,
    refreshMinutes,
    vaultAuth,
    signing,
  };
}

/** A vault's root: https, no path (an https URL's path is at least "/"), no query. */
function isVaultUrl(value: string): boolean {
  const url = URL.parse(value);
  return url !== null && url.protocol === "https:" && url.pathname === "/" && !url.search;
}
