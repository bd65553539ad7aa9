import { existsSync } from "node:fs";
import type { Env } from "../config/Env.js";
import { readTenantSettings } from "./tenant/readTenantSettings.js";
import type { TenantSettings } from "./tenant/TenantSettings.js";
import { readSettingsFile } from "./readSettingsFile.js";

/** A command's view of the app settings. */
export interface CommandSettings {
  /** The environment over the settings file's Values, as the Functions host and m2m-diagnose read them. */
  values: Env;
  /** The file they came from (`--settings`, or ./local.settings.json when there is one); null for none. */
  file: string | null;
  /** The tenant, with `--tenant` over M2M_TENANT_ID (throws ConfigurationError when it cannot be read). */
  tenant(): TenantSettings;
}

/** The settings a command reads: `--settings FILE` (or ./local.settings.json), then the environment over it. */
export function commandSettings(options: { settings?: string; tenant?: string }, env: Env): CommandSettings {
  const values = { ...readSettingsFile(options.settings), ...env };
  const file = options.settings ?? (existsSync("local.settings.json") ? "local.settings.json" : null);
  return {
    values,
    file,
    tenant: () => readTenantSettings(options.tenant ? { ...values, M2M_TENANT_ID: options.tenant } : values),
  };
}
