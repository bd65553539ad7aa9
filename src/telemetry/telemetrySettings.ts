import { createSettingReader } from "../config/createSettingReader.js";
import type { Env } from "../config/Env.js";
import type { SettingDoc } from "../config/settings.js";
import { isLoopbackHost } from "../net/isLoopbackHost.js";

/**
 * The settings that turn telemetry on: the standard names Azure Functions, Application Insights and OpenTelemetry
 * use, so the host (host.json "telemetryMode": "OpenTelemetry") and the app export to the same places.
 */
export const telemetrySettingDocs = {
  appInsightsConnectionString: {
    name: "APPLICATIONINSIGHTS_CONNECTION_STRING",
    form: "Application Insights connection string (InstrumentationKey=<GUID>;IngestionEndpoint=https://…)",
    required: "no",
    secret: false,
  },
  appInsightsAuthentication: {
    name: "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
    form: "Authorization=AAD (system-assigned identity) or Authorization=AAD;ClientId=<user-assigned identity client id>",
    required: "no",
    secret: false,
  },
  otlpEndpoint: {
    name: "OTEL_EXPORTER_OTLP_ENDPOINT",
    form: "OTLP/HTTP base URL (https, or http to this machine), e.g. https://otel.example.com:4318",
    required: "no",
    secret: false,
  },
  otlpHeaders: {
    name: "OTEL_EXPORTER_OTLP_HEADERS",
    form: "headers for the OTLP endpoint, key=value pairs separated by commas (an API key, say)",
    required: "no",
    secret: true,
  },
  otlpProtocol: {
    name: "OTEL_EXPORTER_OTLP_PROTOCOL",
    form: "http/json (the only protocol the app's OTLP exporters speak; default http/json)",
    required: "no",
    secret: false,
  },
  sdkDisabled: {
    name: "OTEL_SDK_DISABLED",
    form: "true or false (default false): true exports nothing, whatever else is set",
    required: "no",
    secret: false,
  },
  serviceName: {
    name: "OTEL_SERVICE_NAME",
    form: "the service name on every span, metric and log record (default: the function app's name)",
    required: "no",
    secret: false,
  },
  metricExportIntervalMs: {
    name: "OTEL_METRIC_EXPORT_INTERVAL",
    form: "milliseconds between metric exports, 1000 to 3600000 (default 60000)",
    required: "no",
    secret: false,
  },
} as const satisfies Record<string, SettingDoc>;

/** Where telemetry goes. Null destinations are off; both null means nothing is exported and no SDK is loaded. */
export interface TelemetrySettings {
  readonly azureMonitor: {
    readonly connectionString: string;
    /** Entra authentication: null without it; "" for the system-assigned identity; else the user-assigned client id. */
    readonly entraClientId: string | null;
  } | null;
  /** OTLP/HTTP JSON to the endpoints the standard OTEL_EXPORTER_OTLP_* variables name (the exporters read them). */
  readonly otlp: boolean;
  readonly serviceName: string;
  readonly serviceInstanceId: string;
  readonly metricExportIntervalMs: number;
}

/** The per-signal endpoints, which the OTLP exporters read before OTEL_EXPORTER_OTLP_ENDPOINT. */
function otlpSignalEndpoints(): SettingDoc[] {
  return ["TRACES", "METRICS", "LOGS"].map((signal) => ({
    name: `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`,
    form: `OTLP/HTTP URL for ${signal.toLowerCase()} (https, or http to this machine)`,
    required: "no",
    secret: false,
  }));
}

const isGuid = (text: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);

/**
 * Reads the telemetry settings. Never throws: telemetry must not stop the app (or its jobs) from starting, so each
 * problem is returned for startTelemetry to name, and the destination it concerns stays off.
 */
export function readTelemetrySettings(env: Env): {
  settings: TelemetrySettings;
  problems: readonly string[];
} {
  const reader = createSettingReader(env);
  const docs = telemetrySettingDocs;
  const disabled = reader.flag(docs.sdkDisabled, false);
  const azureMonitor = readAzureMonitor(reader);
  let otlp = false;
  let otlpRefused = false;
  for (const doc of [docs.otlpEndpoint, ...otlpSignalEndpoints()]) {
    const value = reader.read(doc);
    if (value === undefined) continue;
    otlp = true;
    const why = exportUrlProblem(value);
    if (why === null) continue;
    reader.invalid(doc, value, why);
    otlpRefused = true;
  }
  const protocol = reader.read(docs.otlpProtocol);
  if (protocol !== undefined && protocol.toLowerCase() !== "http/json") {
    reader.invalid(
      docs.otlpProtocol,
      protocol,
      "remove it, or set http/json: a collector's OTLP/HTTP port accepts JSON",
    );
    otlpRefused = true;
  }
  const metricExportIntervalMs = reader.wholeNumber(docs.metricExportIntervalMs, 60_000, 1_000, 3_600_000);
  return {
    settings: {
      azureMonitor: disabled ? null : azureMonitor,
      otlp: !disabled && otlp && !otlpRefused,
      serviceName: reader.read(docs.serviceName) ?? env.WEBSITE_SITE_NAME?.trim() ?? "m2m-functions",
      serviceInstanceId:
        env.WEBSITE_INSTANCE_ID?.trim() || env.CONTAINER_NAME?.trim() || `pid-${process.pid}`,
      metricExportIntervalMs,
    },
    problems: reader.problems,
  };
}

function readAzureMonitor(reader: ReturnType<typeof createSettingReader>): TelemetrySettings["azureMonitor"] {
  const docs = telemetrySettingDocs;
  const connectionString = reader.read(docs.appInsightsConnectionString);
  const authentication = reader.read(docs.appInsightsAuthentication);
  if (connectionString === undefined) {
    if (authentication !== undefined) {
      reader.problem(
        `${docs.appInsightsAuthentication.name} is set without ${docs.appInsightsConnectionString.name}: set the ` +
          "connection string of the Application Insights resource too (it names where to send), or remove both",
      );
    }
    return null;
  }
  const fields = parsePairs(connectionString);
  const key = fields.get("instrumentationkey");
  const ingestion = fields.get("ingestionendpoint");
  // Stryker disable next-line StringLiteral: a missing key and any text that is not a GUID are refused alike.
  if (!isGuid(key ?? "")) {
    reader.invalid(
      docs.appInsightsConnectionString,
      "<connection string>",
      "InstrumentationKey=<GUID> is missing",
    );
    return null;
  }
  const ingestionProblem = ingestion === undefined ? null : exportUrlProblem(ingestion);
  if (ingestionProblem !== null) {
    reader.invalid(
      docs.appInsightsConnectionString,
      "<connection string>",
      `IngestionEndpoint: ${ingestionProblem}`,
    );
    return null;
  }
  if (authentication === undefined) return { connectionString, entraClientId: null };
  const auth = parsePairs(authentication);
  const clientId = auth.get("clientid");
  if (auth.get("authorization")?.toUpperCase() !== "AAD" || (clientId !== undefined && !isGuid(clientId))) {
    reader.invalid(docs.appInsightsAuthentication, authentication);
    return null;
  }
  return { connectionString, entraClientId: clientId ?? "" };
}

/** `A=1;B=2` as a map with lower-case keys (Application Insights reads the keys case-insensitively). */
function parsePairs(text: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const part of text.split(";")) {
    const at = part.indexOf("=");
    if (at !== -1) pairs.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  return pairs;
}

/** Why `text` cannot receive telemetry, or null when it can: https anywhere, plain http only on this machine. */
function exportUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "not an absolute URL";
  }
  if (url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname))) return null;
  return url.protocol === "http:" ? "plain http is allowed only to this machine" : "https or http only";
}
