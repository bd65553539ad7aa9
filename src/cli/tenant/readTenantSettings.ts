import type { Env } from "../../config/Env.js";
import { createSettingReader } from "../../config/createSettingReader.js";
import { readRotation } from "../../config/readRotation.js";
import { GUID } from "../../config/settingPatterns.js";
import { settings } from "../../config/settings.js";
import { ConfigurationError } from "../../errors.js";
import type { TenantSettings } from "./TenantSettings.js";

const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** The clouds by the names M2M_AUTHORITY_HOST accepts (as readApplication reads it for the app). */
const CLOUDS: Readonly<Record<string, string>> = {
  azurepubliccloud: "https://login.microsoftonline.com",
  azureusgovernment: "https://login.microsoftonline.us",
  azurechinacloud: "https://login.chinacloudapi.cn",
};

/**
 * The tenant the CLI works in, from the same settings the app reads — M2M_TENANT_ID (required), M2M_AUTHORITY_HOST
 * (a cloud's name or an https origin; default the public cloud) and M2M_GRAPH_URL (default
 * https://graph.microsoft.com) — so `m2m` works against a national cloud or the local stand-ins exactly as the app
 * does. Throws one ConfigurationError naming every problem.
 */
export function readTenantSettings(env: Env): TenantSettings {
  const reader = createSettingReader(env);
  const tenantId = reader.required(
    settings.tenantId,
    (v) => GUID.test(v) || DOMAIN.test(v),
    " (or pass --tenant)",
  );
  let authorityHost = CLOUDS.azurepubliccloud!;
  const authority = reader.read(settings.authorityHost);
  if (authority !== undefined) {
    const cloud = CLOUDS[authority.toLowerCase()];
    const url = cloud ? new URL(cloud) : URL.parse(authority);
    if (url && url.protocol === "https:" && url.pathname === "/" && !url.search) authorityHost = url.origin;
    else reader.invalid(settings.authorityHost, authority, "https and a host without a path");
  }
  const { graphUrl } = readRotation(reader);
  if (reader.problems.length > 0) throw new ConfigurationError(reader.problems);
  return { tenantId, authorityHost, graphUrl };
}
