import type { Config } from "./Config.js";
import type { SettingReader } from "./createSettingReader.js";
import { GUID } from "./settingPatterns.js";
import { settings } from "./settings.js";

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Sovereign clouds by the names @azure/identity's AzureAuthorityHosts uses. */
const CLOUDS: Readonly<Record<string, string>> = {
  azurepubliccloud: "https://login.microsoftonline.com",
  azureusgovernment: "https://login.microsoftonline.us",
  azurechinacloud: "https://login.chinacloudapi.cn",
};

/**
 * Who the app is and where it gets tokens: M2M_TENANT_ID, M2M_CLIENT_ID, M2M_SCOPE and M2M_AUTHORITY_HOST (a cloud's
 * name or an https origin; default the public cloud).
 */
export function readApplication(
  reader: SettingReader,
): Pick<Config, "tenantId" | "clientId" | "scope" | "authorityHost"> {
  const tenantId = reader.required(settings.tenantId, (v) => GUID.test(v) || DOMAIN.test(v));
  const clientId = reader.required(settings.clientId, (v) => GUID.test(v));
  const scope = reader.required(settings.scope, (v) => /^\S+\/\.default$/.test(v));
  return { tenantId, clientId, scope, authorityHost: readAuthorityHost(reader) };
}

function readAuthorityHost(reader: SettingReader): string {
  const publicCloud = CLOUDS.azurepubliccloud!;
  const value = reader.read(settings.authorityHost);
  if (value === undefined) return publicCloud;
  const cloud = CLOUDS[value.toLowerCase()];
  const url = cloud ? new URL(cloud) : URL.parse(value);
  // An https URL's path is at least "/".
  if (!url || url.protocol !== "https:" || url.pathname !== "/" || url.search) {
    reader.invalid(settings.authorityHost, value, "MSAL requires https and a host without a path");
    return publicCloud;
  }
  return url.origin;
}
