import type { Config, CredentialConfig } from "./Config.js";
import type { SettingReader } from "./createSettingReader.js";
import { readKeyVaultCertificate } from "./readKeyVaultCertificate.js";
import { GUID } from "./settingPatterns.js";
import { settings } from "./settings.js";

const SOURCES = [
  "keyvault-certificate",
  "certificate-file",
  "client-secret",
  "managed-identity-federation",
] as const;

/**
 * How the app proves who it is: the managed identity it runs as, the credential source (M2M_CREDENTIAL_SOURCE, default
 * keyvault-certificate) with the settings that source needs, and how a certificate's assertion is built.
 */
export function readCredential(
  reader: SettingReader,
): Pick<Config, "credential" | "managedIdentityClientId" | "thumbprintAlgorithm" | "sendX5c"> {
  const managedIdentityClientId = reader.read(settings.managedIdentityClientId) ?? null;
  if (managedIdentityClientId !== null && !GUID.test(managedIdentityClientId)) {
    reader.invalid(settings.managedIdentityClientId, managedIdentityClientId);
  }
  const source = reader.oneOf(settings.credentialSource, SOURCES, "keyvault-certificate");
  const credential = readSource(reader, source);
  const thumbprintAlgorithm = reader.oneOf(
    settings.thumbprintAlgorithm,
    ["sha256", "sha1"] as const,
    "sha256",
  );
  const sendX5c = reader.flag(settings.sendX5c, false);
  return { credential, managedIdentityClientId, thumbprintAlgorithm, sendX5c };
}

function readSource(reader: SettingReader, source: (typeof SOURCES)[number]): CredentialConfig {
  const forSource = ` (needed by ${settings.credentialSource.name}=${source})`;
  switch (source) {
    case "keyvault-certificate":
      return readKeyVaultCertificate(reader, forSource);
    case "certificate-file":
      return {
        kind: source,
        path: reader.required(settings.certificatePath, () => true, forSource),
        password: reader.read(settings.certificatePassword) ?? null,
      };
    case "client-secret": {
      const secret = reader.required(settings.clientSecret, () => true, forSource);
      if (GUID.test(secret)) {
        reader.problem(
          `${settings.clientSecret.name}: got <redacted>, which has the form of a GUID — that is the secret's ID; ` +
            "set the secret's Value (shown once, when the secret is created)",
        );
      }
      return { kind: source, secret };
    }
    case "managed-identity-federation":
      return {
        kind: source,
        audience: reader.read(settings.federationAudience) ?? "api://AzureADTokenExchange",
      };
  }
}
