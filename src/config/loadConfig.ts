import { ConfigurationError } from "../errors.js";
import type { Config, CredentialConfig } from "./Config.js";
import { settings, type SettingDoc } from "./settings.js";

export type Env = Readonly<Record<string, string | undefined>>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const CERTIFICATE_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const CERTIFICATE_VERSION = /^[0-9a-f]{32}$/i;

/** Sovereign clouds by the names @azure/identity's AzureAuthorityHosts uses. */
const CLOUDS: Record<string, string> = {
  azurepubliccloud: "https://login.microsoftonline.com",
  azureusgovernment: "https://login.microsoftonline.us",
  azurechinacloud: "https://login.chinacloudapi.cn",
};

/**
 * Reads the app settings once, checks all of them and returns a frozen Config — or throws one
 * ConfigurationError listing every missing or invalid setting with the expected form and the value given
 * (secrets as <redacted>).
 */
export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const read = (doc: SettingDoc): string | undefined => {
    const raw = env[doc.name]?.trim();
    return raw === undefined || raw === "" ? undefined : raw;
  };
  const shown = (doc: SettingDoc, value: string) => (doc.secret ? "<redacted>" : JSON.stringify(value));
  const invalid = (doc: SettingDoc, value: string, why = "") =>
    problems.push(`${doc.name}: expected ${doc.form}${why ? ` (${why})` : ""}; got ${shown(doc, value)}`);
  const missing = (doc: SettingDoc, context = "") =>
    problems.push(`${doc.name} is missing${context}: set it to ${doc.form}`);

  const required = (doc: SettingDoc, test: (v: string) => boolean, context = ""): string => {
    const value = read(doc);
    if (value === undefined) missing(doc, context);
    else if (!test(value)) invalid(doc, value);
    return value ?? "";
  };
  const oneOf = <T extends string>(doc: SettingDoc, allowed: readonly T[], fallback: T): T => {
    const value = read(doc);
    if (value === undefined) return fallback;
    const match = allowed.find((a) => a === value.toLowerCase());
    if (match === undefined) invalid(doc, value);
    return match ?? fallback;
  };

  const tenantId = required(settings.tenantId, (v) => GUID.test(v) || DOMAIN.test(v));
  const clientId = required(settings.clientId, (v) => GUID.test(v));
  const scope = required(settings.scope, (v) => /^\S+\/\.default$/.test(v));

  let authorityHost = CLOUDS.azurepubliccloud!;
  const hostValue = read(settings.authorityHost);
  if (hostValue !== undefined) {
    const cloud = CLOUDS[hostValue.toLowerCase()];
    const url = cloud ? new URL(cloud) : URL.parse(hostValue);
    if (!url || url.protocol !== "https:" || (url.pathname !== "/" && url.pathname !== "") || url.search) {
      invalid(settings.authorityHost, hostValue, "MSAL requires https and a host without a path");
    } else {
      authorityHost = url.origin;
    }
  }

  const managedIdentityClientId = read(settings.managedIdentityClientId) ?? null;
  if (managedIdentityClientId !== null && !GUID.test(managedIdentityClientId)) {
    invalid(settings.managedIdentityClientId, managedIdentityClientId);
  }

  const source = oneOf(
    settings.credentialSource,
    ["keyvault-certificate", "certificate-file", "client-secret", "managed-identity-federation"] as const,
    "keyvault-certificate",
  );
  const forSource = ` (needed by ${settings.credentialSource.name}=${source})`;
  let credential: CredentialConfig;
  switch (source) {
    case "keyvault-certificate": {
      const vaultUrl = required(settings.keyVaultUrl, isVaultUrl, forSource);
      const certificateName = required(settings.certificateName, (v) => CERTIFICATE_NAME.test(v), forSource);
      const certificateVersion = read(settings.certificateVersion) ?? null;
      if (certificateVersion !== null && !CERTIFICATE_VERSION.test(certificateVersion)) {
        invalid(settings.certificateVersion, certificateVersion);
      }
      const refresh = read(settings.certificateRefreshMinutes);
      let refreshMinutes = 10;
      if (refresh !== undefined) {
        if (/^\d{1,5}$/.test(refresh)) refreshMinutes = Number(refresh);
        else invalid(settings.certificateRefreshMinutes, refresh);
      }
      const vaultAuth = oneOf(
        settings.keyVaultAuth,
        ["managed-identity", "default-azure-credential"] as const,
        "managed-identity",
      );
      credential = {
        kind: source,
        vaultUrl: vaultUrl.replace(/\/+$/, ""),
        certificateName,
        certificateVersion: certificateVersion?.toLowerCase() ?? null,
        refreshMinutes,
        vaultAuth,
      };
      break;
    }
    case "certificate-file":
      credential = {
        kind: source,
        path: required(settings.certificatePath, () => true, forSource),
        password: read(settings.certificatePassword) ?? null,
      };
      break;
    case "client-secret": {
      const secret = required(settings.clientSecret, () => true, forSource);
      if (GUID.test(secret)) {
        problems.push(
          `${settings.clientSecret.name}: got <redacted>, which has the form of a GUID — that is the secret's ID; ` +
            "set the secret's Value (shown once, when the secret is created)",
        );
      }
      credential = { kind: source, secret };
      break;
    }
    case "managed-identity-federation":
      credential = {
        kind: source,
        audience: read(settings.federationAudience) ?? "api://AzureADTokenExchange",
      };
      break;
  }

  const thumbprintAlgorithm = oneOf(settings.thumbprintAlgorithm, ["sha256", "sha1"] as const, "sha256");
  const sendX5c = oneOf(settings.sendX5c, ["true", "false"] as const, "false") === "true";

  if (problems.length > 0) throw new ConfigurationError(problems);
  return deepFreeze({
    tenantId,
    clientId,
    authorityHost,
    authority: `${authorityHost}/${tenantId}`,
    scope,
    credential,
    managedIdentityClientId,
    thumbprintAlgorithm,
    sendX5c,
  });
}

function isVaultUrl(value: string): boolean {
  const url = URL.parse(value);
  return url !== null && url.protocol === "https:" && (url.pathname === "/" || url.pathname === "") && !url.search;
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child && typeof child === "object") deepFreeze(child as object);
  }
  return Object.freeze(value);
}
