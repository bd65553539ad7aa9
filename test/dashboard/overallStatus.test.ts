import { describe, expect, it } from "vitest";
import type { CertificateInventoryItem } from "../../src/certificates/CertificateInventoryItem.js";
import type { DriftFinding } from "../../src/certificates/DriftFinding.js";
import type { DashboardJob, DashboardModel } from "../../src/dashboard/createDashboard.js";
import { overallStatus } from "../../src/dashboard/overallStatus.js";
import type { RotationRecord } from "../../src/rotation/RotationRecord.js";
import type { JobSummary } from "../../src/state/JobSummary.js";

const certificate = (
  name: string,
  overrides: Partial<CertificateInventoryItem> = {},
): CertificateInventoryItem => ({
  name,
  vaultUrl: "https://kv.example",
  version: "v1",
  enabled: true,
  state: "valid",
  daysLeft: 200,
  step: null,
  notBefore: null,
  notAfter: null,
  issuer: null,
  thumbprints: { sha1: null, sha256: null },
  tags: {},
  inUse: false,
  managed: false,
  policyIssuer: null,
  registration: "registered",
  drift: [],
  ...overrides,
});

const summary = (overrides: Partial<JobSummary>): JobSummary => ({
  job: "pull",
  lastRunId: "r",
  lastStatus: "succeeded",
  lastRunAt: null,
  lastDurationMs: 1,
  lastHttpStatus: 200,
  lastErrorCode: null,
  lastErrorMessage: null,
  consecutiveFailures: 0,
  lastSuccessAt: null,
  lastFailureAt: null,
  totalRuns: 1,
  lastPastDueAt: null,
  ...overrides,
});

const job = (name: string, last: JobSummary | null): DashboardJob => ({
  name,
  enabled: true,
  schedule: "0 * * * * *",
  nextRun: null,
  request: "GET https://api.example/x",
  summary: last,
  runs: [],
});

const finding = (message: string): DriftFinding => ({ message }) as DriftFinding;

function model(parts: {
  certificates?: CertificateInventoryItem[] | null;
  findings?: DriftFinding[];
  rotation?: Partial<RotationRecord> | null;
  jobs?: DashboardJob[] | null;
  alertsOk?: boolean;
}): DashboardModel {
  return {
    generatedAt: "2026-12-02T10:00:00.000Z",
    refreshSeconds: 30,
    expiry: { warningDays: 30, criticalDays: 7, reminderDays: [30, 7, 1] },
    renewBeforeDays: 30,
    certificates:
      parts.certificates === null
        ? { ok: false, error: "Key Vault did not answer" }
        : {
            ok: true,
            value: {
              generatedAt: "2026-12-02T10:00:00.000Z",
              items: parts.certificates ?? [],
              findings: parts.findings ?? [],
              appCredentials: [],
              registeredCertificatesValidUntil: null,
              graphError: null,
              sources: [],
              rotation: (parts.rotation ?? null) as RotationRecord | null,
            },
          },
    jobs:
      parts.jobs === null
        ? { ok: false, error: "Table Storage did not answer" }
        : { ok: true, value: parts.jobs ?? [] },
    alerts: parts.alertsOk === false ? { ok: false, error: "no" } : { ok: true, value: [] },
  };
}

describe("overallStatus", () => {
  it("says all is well, with what it counted, when nothing needs attention", () => {
    expect(
      overallStatus(
        model({ certificates: [certificate("a")], jobs: [job("pull", summary({})), job("new", null)] }),
      ),
    ).toEqual({
      level: "ok",
      headline: "All well: 1 certificate valid, 2 jobs without a failure",
      items: [],
    });
    expect(overallStatus(model({})).headline).toBe(
      "All well: 0 certificates valid, 0 jobs without a failure",
    );
  });

  it("lists what needs attention worst first, in page order within a level", () => {
    const status = overallStatus(
      model({
        certificates: [
          certificate("soon", { state: "warning", daysLeft: 20 }),
          certificate("gone", { state: "expired", daysLeft: -3 }),
          certificate("today", { state: "critical", daysLeft: 1 }),
          certificate("zero", { state: "critical", daysLeft: 0 }),
          certificate("off", { state: "disabled" }),
          certificate("later", { state: "not-yet-valid" }),
          certificate("drifted", { drift: [finding("Certificate 'drifted' is not registered")] }),
        ],
        findings: [finding("A registered key has expired")],
        rotation: { step: "failed", resumeStep: "verifying" },
        jobs: [
          job("ok", summary({})),
          job(
            "once",
            summary({ lastStatus: "failed", consecutiveFailures: 1, lastErrorCode: "HTTP_STATUS" }),
          ),
          job("slow", summary({ lastStatus: "timed-out", consecutiveFailures: 4, lastErrorCode: null })),
        ],
      }),
    );
    expect(status.level).toBe("critical");
    expect(status.headline).toBe("11 things need attention");
    expect(status.items).toEqual(
      [
        { level: "critical", text: "Certificate 'gone' has expired" },
        { level: "critical", text: "Certificate 'today' expires soon (1 day left)" },
        { level: "critical", text: "Certificate 'zero' expires soon" },
        { level: "critical", text: "The key rotation failed at step 'verifying'" },
        { level: "critical", text: "Job 'once' failed (HTTP_STATUS)" },
        { level: "critical", text: "Job 'slow' timed out 4 times in a row" },
        { level: "warning", text: "Certificate 'soon' expires (20 days left)" },
        { level: "warning", text: "Certificate 'off' is disabled" },
        { level: "warning", text: "Certificate 'later' is not yet valid" },
        { level: "warning", text: "Certificate 'drifted' is not registered" },
        { level: "warning", text: "A registered key has expired" },
        { level: "warning", text: "Certificate 'x' expires" },
      ].filter((item) => item.text !== "Certificate 'x' expires"),
    );
  });

  it("is a warning only when only warnings are found, and counts one thing in the singular", () => {
    const status = overallStatus(
      model({ certificates: [certificate("soon", { state: "warning", daysLeft: 1 })] }),
    );
    expect(status).toEqual({
      level: "warning",
      headline: "1 thing needs attention",
      items: [{ level: "warning", text: "Certificate 'soon' expires (1 day left)" }],
    });
  });

  it("cannot say all is well when a part could not be read", () => {
    expect(overallStatus(model({ certificates: null, jobs: null, alertsOk: false })).items).toEqual([
      { level: "critical", text: "Certificates could not be read" },
      { level: "critical", text: "Jobs could not be read" },
      { level: "warning", text: "Recent alerts could not be read" },
    ]);
  });

  it("leaves a rotation in progress or completed alone, and a renewal with no step named says renewing", () => {
    expect(overallStatus(model({ rotation: { step: "switched" } })).level).toBe("ok");
    expect(overallStatus(model({ rotation: { step: "failed", resumeStep: null } })).items).toEqual([
      { level: "critical", text: "The key rotation failed at step 'renewing'" },
    ]);
  });
});
