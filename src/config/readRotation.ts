import type { RotationConfig } from "./Config.js";
import type { SettingReader } from "./createSettingReader.js";
import { settings } from "./settings.js";

/**
 * Renewal and key rotation: Microsoft Graph's root (M2M_GRAPH_URL, https, kept without a trailing slash or /v1.0),
 * how long the old key stays registered (M2M_ROTATION_GRACE_HOURS) and whether to change nothing (M2M_ROTATION_DRY_RUN).
 */
export function readRotation(reader: SettingReader): RotationConfig {
  let graphUrl = "https://graph.microsoft.com";
  const graphValue = reader.read(settings.graphUrl);
  if (graphValue !== undefined) {
    const url = URL.parse(graphValue);
    if (url && url.protocol === "https:")
      graphUrl = `${url.origin}${url.pathname.replace(/\/+$/, "").replace(/\/v1\.0$/, "")}`;
    else reader.invalid(settings.graphUrl, graphValue);
  }
  return {
    graphUrl,
    graceMs: reader.wholeNumber(settings.rotationGraceHours, 24, 0, 24 * 90) * 3_600_000,
    dryRun: reader.flag(settings.rotationDryRun, false),
  };
}
