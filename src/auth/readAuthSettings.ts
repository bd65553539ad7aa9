import { createSettingReader } from "../config/createSettingReader.js";
import type { Env } from "../config/Env.js";
import { ConfigurationError } from "../errors.js";
import { isLoopbackHost } from "../net/isLoopbackHost.js";
import { authSettings } from "./authSettings.js";

/** How the HTTP endpoints decide who gets through. */
export interface AuthSettings {
  readonly roles: { readonly operator: string; readonly reader: string };
  /** App Service Authentication is on (`WEBSITE_AUTH_ENABLED`): only then is `x-ms-client-principal` the platform's. */
  readonly authEnabled: boolean;
  /**
   * Where the app asks its own host what a key opens: `https://<WEBSITE_HOSTNAME>` (plain http only for a loopback
   * host, the local host), or why there is no such place.
   */
  readonly self: { readonly url: string } | { readonly url: null; readonly problem: string };
}

// An app role's value has no spaces (Entra ID refuses them in the manifest's appRoles[].value).
const ROLE = /^\S+$/;

/**
 * Reads the authorization settings: the app roles (M2M_OPERATOR_ROLE, M2M_READER_ROLE; a bad one throws a
 * ConfigurationError naming it) and the platform's own settings, which the app does not choose: WEBSITE_AUTH_ENABLED
 * ("True" while App Service Authentication is enabled) and WEBSITE_HOSTNAME (the app's default host name, with the
 * port under Core Tools and the local host).
 */
export function readAuthSettings(env: Env): AuthSettings {
  const reader = createSettingReader(env);
  const role = (doc: (typeof authSettings)[keyof typeof authSettings], fallback: string) => {
    const value = reader.read(doc);
    if (value === undefined) return fallback;
    if (!ROLE.test(value)) reader.invalid(doc, value);
    return value;
  };
  const roles = {
    operator: role(authSettings.operatorRole, "M2M.Operator"),
    reader: role(authSettings.readerRole, "M2M.Reader"),
  };
  if (reader.problems.length > 0) throw new ConfigurationError(reader.problems);
  return {
    roles,
    authEnabled: env.WEBSITE_AUTH_ENABLED?.trim().toLowerCase() === "true",
    self: selfUrl(env.WEBSITE_HOSTNAME?.trim() ?? ""),
  };
}

function selfUrl(hostname: string): AuthSettings["self"] {
  if (hostname === "") {
    return {
      url: null,
      problem:
        "WEBSITE_HOSTNAME is not set (Azure, Core Tools and the local host set it), so the app cannot ask its host what a key opens",
    };
  }
  const url = URL.parse(`https://${hostname}`);
  if (!url || url.pathname !== "/" || url.search || url.hash || url.username || url.password) {
    return {
      url: null,
      problem: `WEBSITE_HOSTNAME is ${JSON.stringify(hostname)}, not a host name (with an optional port), so the app cannot ask its host what a key opens`,
    };
  }
  return { url: `${isLoopbackHost(url.hostname) ? "http" : "https"}://${url.host}` };
}
