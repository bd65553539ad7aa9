import { describe, expect, it } from "vitest";
import { readTelemetrySettings } from "../../src/telemetry/telemetrySettings.js";

const KEY = "11111111-2222-3333-4444-555555555555";
const CONNECTION = `InstrumentationKey=${KEY};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`;

describe("readTelemetrySettings", () => {
  it("turns everything off when neither Application Insights nor OTLP is configured", () => {
    expect(readTelemetrySettings({ WEBSITE_SITE_NAME: "m2m-prod", WEBSITE_INSTANCE_ID: "abc" })).toEqual({
      settings: {
        azureMonitor: null,
        otlp: false,
        serviceName: "m2m-prod",
        serviceInstanceId: "abc",
        metricExportIntervalMs: 60_000,
      },
      problems: [],
    });
  });

  it("exports to Application Insights with the connection string, with Entra ID for the identity named", () => {
    const plain = readTelemetrySettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION });
    expect(plain.settings.azureMonitor).toEqual({ connectionString: CONNECTION, entraClientId: null });
    const system = readTelemetrySettings({
      APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD",
    });
    expect(system.settings.azureMonitor?.entraClientId).toBe("");
    const user = readTelemetrySettings({
      APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `authorization=aad; ClientId=${KEY}`,
    });
    expect(user.settings.azureMonitor?.entraClientId).toBe(KEY);
    expect(user.problems).toEqual([]);
  });

  it.each([
    ["InstrumentationKey=not-a-guid", "InstrumentationKey=<GUID> is missing"],
    ["IngestionEndpoint=https://in.example.com/", "InstrumentationKey=<GUID> is missing"],
    [
      `InstrumentationKey=${KEY};IngestionEndpoint=http://in.example.com/`,
      "IngestionEndpoint: plain http is allowed only to this machine",
    ],
    [`InstrumentationKey=${KEY};IngestionEndpoint=in.example.com`, "IngestionEndpoint: not an absolute URL"],
    [`InstrumentationKey=x${KEY}`, "InstrumentationKey=<GUID> is missing"],
    [`InstrumentationKey=${KEY}0`, "InstrumentationKey=<GUID> is missing"],
  ])("refuses the connection string %s without echoing it", (value, why) => {
    const { settings, problems } = readTelemetrySettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: value });
    expect(settings.azureMonitor).toBeNull();
    expect(problems).toEqual([
      `APPLICATIONINSIGHTS_CONNECTION_STRING: expected Application Insights connection string (InstrumentationKey=<GUID>;IngestionEndpoint=https://…) (${why}); got "<connection string>"`,
    ]);
  });

  it("reads the pairs of both strings with any spacing and case, as Application Insights does", () => {
    const { settings, problems } = readTelemetrySettings({
      APPLICATIONINSIGHTS_CONNECTION_STRING: ` instrumentationkey = ${KEY} ; IngestionEndpoint = http://127.0.0.1:4000/ `,
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: ` AUTHORIZATION = aad ; clientid = ${KEY} `,
    });
    expect(problems).toEqual([]);
    expect(settings.azureMonitor?.entraClientId).toBe(KEY);
    // A part without "=" is not a pair: it names nothing.
    const loose = readTelemetrySettings({
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=${KEY};InstrumentationKeyZ`,
    });
    expect(loose.problems).toEqual([]);
  });

  it.each([
    "Authorization=Key",
    `Authorization=AAD;ClientId=nope`,
    `ClientId=${KEY}`,
    `Authorization=AAD;ClientId=x${KEY}`,
  ])("refuses the authentication string %s and sends nothing rather than unauthenticated", (value) => {
    const { settings, problems } = readTelemetrySettings({
      APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: value,
    });
    expect(settings.azureMonitor).toBeNull();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^APPLICATIONINSIGHTS_AUTHENTICATION_STRING: expected Authorization=AAD/);
  });

  it("names an authentication string without a connection string", () => {
    const { problems } = readTelemetrySettings({
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD",
    });
    expect(problems).toEqual([
      "APPLICATIONINSIGHTS_AUTHENTICATION_STRING is set without APPLICATIONINSIGHTS_CONNECTION_STRING: set the connection string of the Application Insights resource too (it names where to send), or remove both",
    ]);
  });

  it.each([
    ["OTEL_EXPORTER_OTLP_ENDPOINT", "https://otel.example.com:4318"],
    ["OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"],
    ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://localhost:4318/v1/traces"],
  ])("exports over OTLP when %s is %s", (name, value) => {
    expect(readTelemetrySettings({ [name]: value })).toMatchObject({
      settings: { otlp: true },
      problems: [],
    });
  });

  it("refuses plain http to another machine, naming the setting", () => {
    const { settings, problems } = readTelemetrySettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
    });
    expect(settings.otlp).toBe(false);
    expect(problems).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT: expected OTLP/HTTP base URL (https, or http to this machine), e.g. https://otel.example.com:4318 (plain http is allowed only to this machine); got "http://collector:4318"',
    ]);
  });

  it.each([
    ["/v1/metrics", "not an absolute URL"],
    ["ftp://collector", "https or http only"],
    ["ftp://127.0.0.1:4318", "https or http only"],
  ])("says why %s cannot receive telemetry", (value, why) => {
    expect(readTelemetrySettings({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: value }).problems[0]).toContain(
      `(${why})`,
    );
  });

  it("names a per-signal endpoint by its own setting", () => {
    const { settings, problems } = readTelemetrySettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com",
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://logs.example.com/v1/logs",
    });
    expect(settings.otlp).toBe(false);
    expect(problems).toEqual([
      'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: expected OTLP/HTTP URL for logs (https, or http to this machine) (plain http is allowed only to this machine); got "http://logs.example.com/v1/logs"',
    ]);
  });

  it("refuses a protocol the exporters do not speak", () => {
    const { settings, problems } = readTelemetrySettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com",
      OTEL_EXPORTER_OTLP_PROTOCOL: "grpc",
    });
    expect(settings.otlp).toBe(false);
    expect(problems).toEqual([
      "OTEL_EXPORTER_OTLP_PROTOCOL: expected http/json (the only protocol the app's OTLP exporters speak; default http/json) (remove it, or set http/json: a collector's OTLP/HTTP port accepts JSON); got \"grpc\"",
    ]);
    expect(
      readTelemetrySettings({
        OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com",
        OTEL_EXPORTER_OTLP_PROTOCOL: "HTTP/JSON",
      }).settings.otlp,
    ).toBe(true);
  });

  it("exports nothing with OTEL_SDK_DISABLED=true, whatever else is set", () => {
    const { settings } = readTelemetrySettings({
      OTEL_SDK_DISABLED: "true",
      APPLICATIONINSIGHTS_CONNECTION_STRING: CONNECTION,
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example.com",
    });
    expect(settings).toMatchObject({ azureMonitor: null, otlp: false });
  });

  it("takes the service name and metric interval from their settings", () => {
    const { settings } = readTelemetrySettings({
      OTEL_SERVICE_NAME: "payroll-m2m",
      WEBSITE_SITE_NAME: "m2m-prod",
      OTEL_METRIC_EXPORT_INTERVAL: "15000",
    });
    expect(settings).toMatchObject({ serviceName: "payroll-m2m", metricExportIntervalMs: 15_000 });
    expect(readTelemetrySettings({}).settings.serviceName).toBe("m2m-functions");
    expect(readTelemetrySettings({ WEBSITE_SITE_NAME: " m2m-prod " }).settings.serviceName).toBe("m2m-prod");
  });

  it("names the instance as Azure does, else the container, else the process", () => {
    const instance = (env: Record<string, string>) => readTelemetrySettings(env).settings.serviceInstanceId;
    expect(instance({ WEBSITE_INSTANCE_ID: " abc ", CONTAINER_NAME: "c1" })).toBe("abc");
    expect(instance({ WEBSITE_INSTANCE_ID: " ", CONTAINER_NAME: " c1 " })).toBe("c1");
    expect(instance({})).toBe(`pid-${process.pid}`);
  });
});
