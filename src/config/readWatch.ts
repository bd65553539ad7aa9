import type { CertificateWatchConfig, CredentialConfig } from "./Config.js";
import type { SettingReader } from "./createSettingReader.js";
import { CERTIFICATE_NAME } from "./settingPatterns.js";
import { settings } from "./settings.js";

const TAG = /^[^=,]{1,512}(=[^,]{0,256})?$/;

/**
 * Which certificates the scheduled check watches — M2M_CERT_SCOPE's whole vaults and single certificates (deduplicated
 * case-insensitively; a bare name is in the app's own vault, so it needs the Key Vault credential source) and the
 * M2M_CERT_SCOPE_TAG filter — and when the app renews its own certificate and alerts on its registration's credentials.
 */
export function readWatch(reader: SettingReader, credential: CredentialConfig): CertificateWatchConfig {
  const vaults = new Map<string, string>();
  const certificates = new Map<string, { vaultUrl: string; name: string }>();
  const watchCertificate = (vaultUrl: string, name: string) =>
    // Key Vault names are case-insensitive, and so are host names.
    // Stryker disable next-line MethodExpression: one case for every key is all deduplication needs; upper would do as well
    certificates.set(`${vaultUrl}/${name}`.toLowerCase(), { vaultUrl, name });
  const entries = (reader.read(settings.certificateScope) ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "");
  for (const entry of entries) {
    if (CERTIFICATE_NAME.test(entry)) {
      if (credential.kind === "keyvault-certificate") watchCertificate(credential.vaultUrl, entry);
      else
        reader.invalid(
          settings.certificateScope,
          entry,
          "a bare name needs M2M_KEYVAULT_URL; give the full https://<vault>.vault.azure.net/certificates/<name>",
        );
      continue;
    }
    const url = URL.parse(entry);
    if (!url || url.protocol !== "https:" || url.search || url.hash) {
      reader.invalid(settings.certificateScope, entry);
      continue;
    }
    // URL has lower-cased the host already: the origin is the vault's key.
    const path = url.pathname.replace(/\/+$/, "");
    const named = /^\/certificates\/([^/]+)$/.exec(path)?.[1];
    if (path === "") vaults.set(url.origin, url.origin);
    else if (named !== undefined && CERTIFICATE_NAME.test(named)) watchCertificate(url.origin, named);
    else reader.invalid(settings.certificateScope, entry, "the path must be empty or /certificates/<name>");
  }
  return {
    vaults: [...vaults.values()],
    certificates: [...certificates.values()],
    tag: readTag(reader),
    renewBeforeDays: reader.wholeNumber(settings.renewBeforeDays, 30, 1, 3650),
    appCredentials: reader.flag(settings.alertAppCredentials, true),
  };
}

function readTag(reader: SettingReader): string | null {
  const tag = reader.read(settings.certificateScopeTag);
  if (tag === undefined) return null;
  if (TAG.test(tag)) return tag;
  reader.invalid(settings.certificateScopeTag, tag);
  return null;
}
