import { readFileSync } from "node:fs";
import { join } from "node:path";
import { metrics } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideJobAlert } from "../../src/alerts/decideJobAlert.js";
import { classifyCertificate } from "../../src/certificates/classifyCertificate.js";
import { defaultExpiryPolicy } from "../../src/certificates/parseExpiryPolicy.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { createAppMetrics } from "../../src/telemetry/AppMetrics.js";
import { ATTR } from "../../src/telemetry/attributeNames.js";
import { METRICS, type MetricKey } from "../../src/telemetry/metricNames.js";
import { captureTelemetry, type TelemetryCapture } from "../support/telemetryCapture.js";
import { valueAt } from "./bicepSyntax.js";
import { evaluateBicep, type BicepValue } from "./evaluateBicep.js";
import { ROOT, readInfra } from "./readInfra.js";
import { sampleDeployment } from "./sampleDeployment.js";

const infra = readInfra();
const alerts = infra.module("alerts");
const hostJson = readFileSync(join(ROOT, "host.json"), "utf8");
const APP_INSIGHTS_ID =
  "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-m2m-dev/providers/Microsoft.Insights/components/appi-sample";
const ACTION_GROUP_ID =
  "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-m2m-dev/providers/Microsoft.Insights/actionGroups/ag-sample";
const CUSTOM_NAMESPACE = "azure.applicationinsights";
const DAY_MS = 86_400_000;

/** The rules on the app's own metrics, by rule name: the metric each one watches. */
const CUSTOM_RULES: Readonly<Record<string, MetricKey>> = {
  "m2m-certificate-critical": "certificateDaysLeft",
  "m2m-app-credential-critical": "appCredentialDaysLeft",
  "m2m-job-failing": "jobFailureStreak",
  "m2m-rotation-step-failed": "rotationSteps",
};

interface Criterion {
  criterionType: string;
  name: string;
  metricNamespace: string;
  metricName: string;
  skipMetricValidation?: boolean;
  dimensions?: { name: string; operator: string; values: string[] }[];
  operator: string;
  threshold: number;
  timeAggregation: string;
}

interface MetricAlert {
  name: string;
  properties: {
    severity: number;
    enabled: boolean;
    autoMitigate: boolean;
    scopes: string[];
    evaluationFrequency: string;
    windowSize: string;
    criteria: { "odata.type": string; allOf: Criterion[] };
    actions: { actionGroupId: string }[];
  };
}

/** Every metric alert rule of app/alerts.bicep, evaluated for a deployment with these main.bicep parameters. */
function rules(parameters: Record<string, BicepValue> = {}): MetricAlert[] {
  const scope = sampleDeployment(infra, parameters).module("alerts");
  return [...alerts.file.resources.values()]
    .filter((resource) => resource.type === "Microsoft.Insights/metricAlerts")
    .map((resource) => {
      expect(resource.condition, `${resource.symbol} exists in every deployment`).toBeNull();
      // The evaluated resource, plain JSON as ARM receives it; the tests below check the fields they read.
      const body: unknown = evaluateBicep(resource.body, scope);
      return body as MetricAlert;
    });
}

/** The one criterion of the rule named `name`. */
function criterion(all: MetricAlert[], name: string): Criterion {
  const rule = all.find((candidate) => candidate.name === name);
  if (!rule) throw new Error(`no alert rule ${name}`);
  expect(rule.properties.criteria.allOf).toHaveLength(1);
  return rule.properties.criteria.allOf[0]!;
}

/** Whether a static threshold criterion holds for an aggregated value. */
function holds(rule: Criterion, value: number): boolean {
  const compare: Record<string, (a: number, b: number) => boolean> = {
    GreaterThan: (a, b) => a > b,
    GreaterThanOrEqual: (a, b) => a >= b,
    LessThan: (a, b) => a < b,
    LessThanOrEqual: (a, b) => a <= b,
  };
  const test = compare[rule.operator];
  if (!test) throw new Error(`unexpected operator ${rule.operator}`);
  return test(value, rule.threshold);
}

/** The app's loadConfig over the template's settings. */
function load(parameters: Record<string, BicepValue>) {
  return loadConfig(sampleDeployment(infra, parameters).appSettings(), () => hostJson);
}

/** ISO 8601 durations the metric alert API takes ("Template for a static threshold metric alert ..."). */
const MINUTES: Readonly<Record<string, number>> = {
  PT1M: 1,
  PT5M: 5,
  PT15M: 15,
  PT30M: 30,
  PT1H: 60,
  PT6H: 360,
  PT12H: 720,
  PT24H: 1440,
};
const FREQUENCIES = ["PT1M", "PT5M", "PT15M", "PT30M", "PT1H"];

describe("Azure Monitor alert rules (infra/app/alerts.bicep)", () => {
  it("exist in every deployment and notify the action group only when ALERT_EMAIL is given", () => {
    expect(infra.main.modules.get("alerts")?.condition).toBeNull();
    const actionGroup = alerts.file.resources.get("actionGroup")!;
    expect(actionGroup.type).toBe("Microsoft.Insights/actionGroups");
    const scope = (alertEmail: string) => sampleDeployment(infra, { alertEmail }).module("alerts");

    const notifying = rules({ alertEmail: "oncall@contoso.com" });
    expect(notifying.map((rule) => rule.name).sort()).toEqual([
      "m2m-app-credential-critical",
      "m2m-certificate-critical",
      "m2m-function-exceptions",
      "m2m-job-failing",
      "m2m-keyvault-events-dead-lettered",
      "m2m-rotation-step-failed",
    ]);
    for (const rule of notifying) {
      expect(rule.properties.actions, rule.name).toEqual([{ actionGroupId: ACTION_GROUP_ID }]);
    }
    expect(evaluateBicep(actionGroup.condition!, scope("oncall@contoso.com"))).toBe(true);
    expect(
      evaluateBicep(valueAt(actionGroup.body, "properties.emailReceivers")!, scope("oncall@contoso.com")),
    ).toEqual([{ name: "operators", emailAddress: "oncall@contoso.com", useCommonAlertSchema: true }]);

    const silent = rules({ alertEmail: "" });
    expect(silent.map((rule) => [rule.name, rule.properties.actions])).toEqual(
      notifying.map((rule) => [rule.name, []]),
    );
    expect(evaluateBicep(actionGroup.condition!, scope(""))).toBe(false);
  });

  it("watch the metrics the app exports (METRICS), in Application Insights' custom metric namespace", () => {
    const all = rules();
    const custom = all.filter((rule) => criterion(all, rule.name).metricNamespace === CUSTOM_NAMESPACE);
    expect(custom.map((rule) => rule.name).sort()).toEqual(Object.keys(CUSTOM_RULES).sort());
    const exported = Object.values(METRICS).map((metric) => metric.name);
    for (const [name, key] of Object.entries(CUSTOM_RULES)) {
      const watched = criterion(all, name);
      expect(exported, name).toContain(watched.metricName);
      expect(watched.metricName, name).toBe(METRICS[key].name);
      // The metric exists only once the app has sent it: a deployment before that must not fail.
      expect(watched.skipMetricValidation, name).toBe(true);
      expect(all.find((rule) => rule.name === name)!.properties.scopes).toEqual([APP_INSIGHTS_ID]);
    }
  });

  it("fire on a certificate or app credential exactly when the app calls it critical (M2M_CERT_CRITICAL_DAYS)", () => {
    const now = new Date("2030-01-01T06:00:00.000Z");
    const deployments: Record<string, BicepValue>[] = [{}, { certificateCriticalDays: 12 }];
    for (const parameters of deployments) {
      const criticalDays = load(parameters).expiry.criticalDays;
      expect(criticalDays).toBe(parameters.certificateCriticalDays ?? defaultExpiryPolicy.criticalDays);
      const all = rules(parameters);
      for (const name of ["m2m-certificate-critical", "m2m-app-credential-critical"]) {
        const rule = criterion(all, name);
        expect([rule.threshold, rule.timeAggregation], name).toEqual([criticalDays, "Minimum"]);
        for (const daysLeft of [-1, 0, 1, criticalDays - 1, criticalDays, criticalDays + 1, 30]) {
          const { state } = classifyCertificate({
            notBefore: null,
            notAfter: new Date(now.getTime() + daysLeft * DAY_MS),
            enabled: true,
            now,
            policy: { ...defaultExpiryPolicy, criticalDays },
          });
          expect(holds(rule, daysLeft), `${name}, ${daysLeft} days left: ${state}`).toBe(
            state === "critical" || state === "expired",
          );
        }
      }
    }
  });

  it("fire on a job at the failed run the app alerts on (M2M_ALERT_AFTER_FAILURES)", () => {
    const deployments: Record<string, BicepValue>[] = [{}, { alertAfterFailures: 5 }];
    for (const parameters of deployments) {
      const threshold = load(parameters).alerts.afterFailures;
      expect(threshold).toBe(parameters.alertAfterFailures ?? 3);
      const rule = criterion(rules(parameters), "m2m-job-failing");
      expect([rule.threshold, rule.timeAggregation]).toEqual([threshold, "Maximum"]);
      for (const streak of [0, threshold - 1, threshold, threshold + 1]) {
        const decision = decideJobAlert({
          job: "report-sync",
          state: { subject: "job:report-sync", status: "ok", step: null, since: null, lastAlertKey: null },
          run: {
            runId: "run-1",
            status: streak === 0 ? "succeeded" : "failed",
            startedAt: "2030-01-01T06:00:00.000Z",
            httpStatus: 503,
            attempts: [],
            errorCode: "HTTP_STATUS",
            errorMessage: "The API answered HTTP 503.",
            correlation: { traceparent: "00-abc-def-01", clientRequestId: "client-req-1", requestId: null },
          },
          consecutiveFailures: streak,
          lastSuccessAt: null,
          threshold,
          now: new Date("2030-01-01T06:00:01.000Z"),
        });
        expect(holds(rule, streak), `a streak of ${streak}`).toBe(decision.action === "fire");
      }
    }
  });

  it("take their thresholds from the parameters the app settings come from, within the app's bounds", () => {
    const critical = infra.main.params.get("certificateCriticalDays")!;
    const afterFailures = infra.main.params.get("alertAfterFailures")!;
    // The template leaves M2M_CERT_WARNING_DAYS at its default; the app refuses a critical threshold above it.
    expect(Number(critical.decorators.get("maxValue"))).toBe(defaultExpiryPolicy.warningDays);
    expect(load({ certificateCriticalDays: 30 }).expiry.criticalDays).toBe(30);
    expect(() => load({ certificateCriticalDays: 31 })).toThrow(
      "parameter certificateCriticalDays: 31 is above @maxValue(30)",
    );
    expect(load({ alertAfterFailures: 1000 }).alerts.afterFailures).toBe(1000);
    // Past the template's bounds the app itself refuses the settings.
    const settings = sampleDeployment(infra).appSettings();
    const loadWith = (name: string, value: string) =>
      loadConfig({ ...settings, [name]: value }, () => hostJson);
    expect(() => loadWith("M2M_CERT_CRITICAL_DAYS", "31")).toThrow("M2M_CERT_CRITICAL_DAYS");
    expect(() => loadWith("M2M_ALERT_AFTER_FAILURES", "1001")).toThrow("M2M_ALERT_AFTER_FAILURES");
    expect(() => loadWith("M2M_ALERT_AFTER_FAILURES", "0")).toThrow("M2M_ALERT_AFTER_FAILURES");
    for (const file of [infra.module("functionApp").file, alerts.file]) {
      for (const param of [critical, afterFailures]) {
        for (const bound of ["minValue", "maxValue"]) {
          expect(file.params.get(param.name)?.decorators.get(bound), `${param.name} @${bound}`).toBe(
            param.decorators.get(bound),
          );
        }
      }
    }
    const passed = (symbol: string) => valueAt(infra.module(symbol).call.body, "params");
    for (const symbol of ["functionApp", "alerts"]) {
      expect(valueAt(passed(symbol)!, "certificateCriticalDays")).toBe("certificateCriticalDays");
      expect(valueAt(passed(symbol)!, "alertAfterFailures")).toBe("alertAfterFailures");
    }
  });

  it("are evaluated often enough for what they watch, and resolve themselves", () => {
    for (const rule of rules()) {
      const { severity, enabled, autoMitigate, evaluationFrequency, windowSize } = rule.properties;
      expect([enabled, autoMitigate], rule.name).toEqual([true, true]);
      expect([0, 1, 2, 3, 4], rule.name).toContain(severity);
      expect(FREQUENCIES, rule.name).toContain(evaluationFrequency);
      expect(MINUTES[windowSize], rule.name).toBeGreaterThanOrEqual(MINUTES[evaluationFrequency]!);
      expect(rule.properties.criteria["odata.type"]).toBe(
        "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
      );
    }
    // Days left are recorded once per certificate check, daily by default: the window must hold the last one.
    const all = rules();
    for (const name of ["m2m-certificate-critical", "m2m-app-credential-critical"]) {
      expect(all.find((rule) => rule.name === name)!.properties.windowSize).toBe("PT24H");
    }
  });
});

describe("the alert rules' dimensions", () => {
  let capture: TelemetryCapture;
  /** The attributes the app records on each metric, by metric name, and the outcome of a failed rotation step. */
  let recorded: Map<string, Set<string>>;
  let failedStepOutcome: unknown;

  beforeAll(async () => {
    capture = captureTelemetry();
    const app = createAppMetrics(metrics.getMeter("alerts-test"));
    app.certificateDaysLeft(5, {
      vault: "https://kv.vault.azure.net",
      name: "m2m-client",
      state: "critical",
    });
    app.appCredentialDaysLeft(5, { appId: "11111111-2222-3333-4444-555555555555", keyId: "key-1" });
    app.jobRun({ job: "report-sync", trigger: "timer", outcome: "failed", durationMs: 10, failureStreak: 3 });
    app.rotationStep({ step: "add-key", outcome: "failed" });
    const points = await capture.points();
    recorded = new Map();
    for (const point of points) {
      const keys = recorded.get(point.name) ?? new Set<string>();
      for (const key of Object.keys(point.attributes)) keys.add(key);
      recorded.set(point.name, keys);
    }
    failedStepOutcome = points.find((point) => point.name === METRICS.rotationSteps.name)?.attributes[
      ATTR.outcome
    ];
  });

  afterAll(async () => {
    await capture.stop();
  });

  it("are attributes (ATTR) the app records on the metric each rule watches", () => {
    const attributeNames: string[] = Object.values(ATTR);
    const all = rules();
    for (const name of Object.keys(CUSTOM_RULES)) {
      const rule = criterion(all, name);
      expect(rule.dimensions?.length, name).toBeGreaterThan(0);
      for (const dimension of rule.dimensions!) {
        expect(attributeNames, `${name}: ${dimension.name}`).toContain(dimension.name);
        expect([...(recorded.get(rule.metricName) ?? [])], `${name}: ${dimension.name}`).toContain(
          dimension.name,
        );
        expect(dimension.operator).toBe("Include");
      }
    }
  });

  it("split each rule into one alert per certificate, credential, job and rotation step", () => {
    const all = rules();
    const splits = (name: string) =>
      criterion(all, name)
        .dimensions!.filter((dimension) => dimension.values.length === 1 && dimension.values[0] === "*")
        .map((dimension) => dimension.name);
    expect(splits("m2m-certificate-critical")).toEqual([ATTR.vault, ATTR.certificateName]);
    expect(splits("m2m-app-credential-critical")).toEqual([ATTR.appId, ATTR.credentialKeyId]);
    expect(splits("m2m-job-failing")).toEqual([ATTR.job]);
    expect(splits("m2m-rotation-step-failed")).toEqual([ATTR.rotationStep]);
  });

  it("count only failed rotation steps, by the outcome the app records for one", () => {
    const rule = criterion(rules(), "m2m-rotation-step-failed");
    expect(failedStepOutcome).toBe("failed");
    expect(rule.dimensions!.find((dimension) => dimension.name === ATTR.outcome)?.values).toEqual([
      failedStepOutcome,
    ]);
    expect([rule.timeAggregation, rule.operator, rule.threshold]).toEqual(["Total", "GreaterThan", 0]);
  });

  it("are kept by Application Insights: the component stores custom metrics with their dimensions", () => {
    const component = [...infra.module("monitoring").file.resources.values()].find(
      (resource) => resource.type === "Microsoft.Insights/components",
    )!;
    expect(valueAt(component.body, "properties.CustomMetricsOptedInType")).toBe("'WithDimensions'");
  });
});
