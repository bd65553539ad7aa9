import { describe, expect, it } from "vitest";
import type { CertificateInventoryItem } from "../../src/certificates/CertificateInventoryItem.js";
import type { CertificateInventory } from "../../src/certificates/createInventoryService.js";
import type { DashboardJob, DashboardModel } from "../../src/dashboard/createDashboard.js";
import { escapeHtml, renderDashboard } from "../../src/dashboard/renderDashboard.js";
import { sampleAlert } from "../alerts/sampleAlert.js";

const NOW = "2026-11-21T10:00:00.000Z";
const DAY = 86_400_000;

const item = (overrides: Partial<CertificateInventoryItem> = {}): CertificateInventoryItem => ({
  name: "app",
  vaultUrl: "https://kv-m2m.vault.azure.net",
  version: "v1",
  enabled: true,
  state: "warning",
  daysLeft: 12,
  step: 14,
  notBefore: new Date(Date.parse(NOW) - 78 * DAY).toISOString(),
  notAfter: new Date(Date.parse(NOW) + 12 * DAY).toISOString(),
  issuer: "CN=app",
  thumbprints: { sha1: "AB".repeat(20), sha256: null },
  tags: {},
  inUse: true,
  managed: true,
  policyIssuer: "Self",
  registration: "registered",
  drift: [],
  ...overrides,
});

const inventory = (items: CertificateInventoryItem[]): CertificateInventory => ({
  generatedAt: NOW,
  items,
  findings: [],
  appCredentials: [],
  registeredCertificatesValidUntil: null,
  graphError: null,
  sources: [],
  rotation: null,
});

const job = (overrides: Partial<DashboardJob> = {}): DashboardJob => ({
  name: "report-pull",
  enabled: true,
  schedule: "0 */5 * * * *",
  nextRun: "2026-11-21T10:05:00.000Z",
  request: "GET https://api.example/reports",
  summary: null,
  runs: [
    {
      runId: "r2",
      status: "failed",
      startedAt: "2026-11-21T09:55:00.000Z",
      durationMs: 80,
      httpStatus: 503,
      errorCode: "HTTP_503",
    },
    {
      runId: "r1",
      status: "succeeded",
      startedAt: "2026-11-21T09:50:00.000Z",
      durationMs: 42,
      httpStatus: 200,
      errorCode: null,
    },
  ],
  ...overrides,
});

const model = (overrides: Partial<DashboardModel> = {}): DashboardModel => ({
  generatedAt: NOW,
  refreshSeconds: 30,
  expiry: { warningDays: 30, criticalDays: 7, reminderDays: [30, 14, 7, 3, 1] },
  renewBeforeDays: 10,
  certificates: { ok: true, value: inventory([item()]) },
  jobs: { ok: true, value: [job()] },
  alerts: { ok: true, value: [] },
  ...overrides,
});

describe("renderDashboard", () => {
  it("opens with the overall status: what needs attention, worst first", () => {
    const html = renderDashboard(model());
    expect(html).toMatch(
      /<main>\n<section class="status s-warning" role="status" aria-label="Overall status"><p><strong>1 thing needs attention<\/strong><\/p><ul><li><span class="badge s-warning">warning<\/span> Certificate &#39;app&#39; expires \(12 days left\)<\/li><\/ul><\/section>/,
    );
  });

  it("shows both thumbprints when known: SHA-1 as the portal shows it, SHA-256 as the token path sends it", () => {
    const html = renderDashboard(
      model({
        certificates: {
          ok: true,
          value: inventory([item({ thumbprints: { sha1: "AB".repeat(20), sha256: "CD".repeat(32) } })]),
        },
      }),
    );
    expect(html).toContain(
      `<dt>SHA-1</dt><dd>${"AB".repeat(20)}</dd><dt>SHA-256</dt><dd>${"CD".repeat(32)}</dd>`,
    );
    expect(renderDashboard(model())).not.toContain("<dt>SHA-256</dt>");
  });

  it("marks a firing alert resolved since when a newer 'resolved' of its subject is in the history", () => {
    const fired = sampleAlert({
      subject: "job:a",
      kind: "firing",
      title: "Job a is failing",
      occurredAt: "2026-11-21T08:00:00.000Z",
    });
    const resolved = sampleAlert({
      subject: "job:a",
      kind: "resolved",
      title: "Job a recovered",
      occurredAt: "2026-11-21T09:00:00.000Z",
    });
    const other = sampleAlert({
      subject: "job:b",
      kind: "firing",
      title: "Job b is failing",
      occurredAt: "2026-11-21T07:00:00.000Z",
    });
    const html = renderDashboard(
      model({
        alerts: { ok: true, value: [resolved, fired, other].map((alert) => ({ alert, deliveries: [] })) },
      }),
    );
    expect(html).toMatch(
      /<span class="badge s-resolved">resolved since<\/span> <strong>Job a is failing<\/strong>/,
    );
    expect(html).not.toMatch(/resolved since<\/span> <strong>Job b is failing/);
    expect(html.match(/resolved since/g)).toHaveLength(1);
  });

  it("is one self-contained document that refreshes itself: no script, no external asset", () => {
    const html = renderDashboard(model());
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<meta http-equiv="refresh" content="30">');
    expect(html).not.toMatch(/<script|<link|src=|url\(|https?:\/\/(?!kv-m2m|api\.example)/);
  });

  it("shows each certificate's state, days left and a described timeline with the renewal point", () => {
    const html = renderDashboard(model());
    expect(html).toContain('<span class="badge s-warning">warning</span>');
    expect(html).toContain("<strong>12 days left</strong>");
    expect(html).toMatch(
      /<svg class="timeline"[^>]*role="img" aria-label="Valid from 2026-09-04 10:00 to 2026-12-03 10:00; warning from 2026-11-03 10:00, critical from 2026-11-26 10:00; the app renews it from 2026-11-23 10:00; today is 2026-11-21 10:00\."/,
    );
    expect(html).toContain("<dt>Renewal</dt><dd>by the app, 10 days before expiry</dd>");
  });

  it("shows each job's runs oldest first with their outcome in words, its next run and its last error", () => {
    const html = renderDashboard(
      model({
        jobs: {
          ok: true,
          value: [
            job({
              summary: {
                job: "report-pull",
                lastRunId: "r2",
                lastStatus: "failed",
                lastRunAt: "2026-11-21T09:55:00.000Z",
                lastDurationMs: 80,
                lastHttpStatus: 503,
                lastErrorCode: "HTTP_503",
                lastErrorMessage: "The API answered 503",
                consecutiveFailures: 1,
                lastSuccessAt: "2026-11-21T09:50:00.000Z",
                lastFailureAt: "2026-11-21T09:55:00.000Z",
                totalRuns: 2,
                lastPastDueAt: null,
              },
            }),
          ],
        },
      }),
    );
    const runs = /<ol class="runs"[^>]*>(.*?)<\/ol>/s.exec(html)![1]!;
    expect([...runs.matchAll(/class="s-(\w+)"/g)].map((m) => m[1])).toEqual(["succeeded", "failed"]);
    expect(runs).toContain("failed at 2026-11-21 09:55, HTTP 503, 80 ms, HTTP_503");
    expect(html).toContain('<time datetime="2026-11-21T10:05:00.000Z">2026-11-21 10:05</time>');
    expect(html).toContain("HTTP_503: The API answered 503");
    expect(html).toContain("1 failed in a row");
  });

  it("shows a timed-out run as its own outcome, and its error (the edge that hung) as the last error", () => {
    const html = renderDashboard(
      model({
        jobs: {
          ok: true,
          value: [
            job({
              runs: [
                {
                  runId: "r3",
                  status: "timed-out",
                  startedAt: "2026-11-21T10:00:00.000Z",
                  durationMs: 42_000,
                  httpStatus: null,
                  errorCode: "DEADLINE",
                },
              ],
              summary: {
                job: "report-pull",
                lastRunId: "r3",
                lastStatus: "timed-out",
                lastRunAt: "2026-11-21T10:00:00.000Z",
                lastDurationMs: 42_000,
                lastHttpStatus: null,
                lastErrorCode: "DEADLINE",
                lastErrorMessage: "the token endpoint did not answer within 42 s",
                consecutiveFailures: 1,
                lastSuccessAt: null,
                lastFailureAt: "2026-11-21T10:00:00.000Z",
                totalRuns: 1,
                lastPastDueAt: null,
              },
            }),
          ],
        },
      }),
    );
    const runs = /<ol class="runs"[^>]*>(.*?)<\/ol>/s.exec(html)![1]!;
    expect(runs).toContain(
      '<li class="s-timed-out" title="timed-out at 2026-11-21 10:00, 42000 ms, DEADLINE">',
    );
    expect(html).toContain("DEADLINE: the token endpoint did not answer within 42 s");
    expect(html).toContain("1 failed in a row");
  });

  it("lists recent alerts with their delivery on each channel", () => {
    const html = renderDashboard(
      model({
        alerts: {
          ok: true,
          value: [
            {
              alert: sampleAlert(),
              deliveries: [
                { channel: "slack", status: "failed", attempts: 2, sentAt: null, lastError: "HTTP 500" },
                { channel: "teams", status: "sent", attempts: 1, sentAt: NOW, lastError: null },
              ],
            },
          ],
        },
      }),
    );
    expect(html).toContain(
      `<span class="badge s-critical">critical</span> <strong>${escapeHtml(sampleAlert().title)}</strong>`,
    );
    expect(html).toContain("slack: failed (2 attempts), teams: sent");
  });

  it("shows a part that could not be read, and the others", () => {
    const html = renderDashboard(model({ certificates: { ok: false, error: "Key Vault said 403" } }));
    expect(html).toContain('<p class="error" role="alert">Could not be read: Key Vault said 403</p>');
    expect(html).toContain("report-pull");
  });

  it("escapes everything that comes from outside", () => {
    const hostile = '<img src=x onerror="alert(1)">';
    const html = renderDashboard(
      model({
        certificates: {
          ok: true,
          value: inventory([item({ name: hostile, issuer: hostile, policyIssuer: null })]),
        },
        jobs: { ok: true, value: [job({ name: hostile, request: hostile })] },
      }),
    );
    expect(html).not.toContain(hostile);
    expect(html).toContain(escapeHtml(hostile));
    expect(escapeHtml(`a&b<c>"d'`)).toBe("a&amp;b&lt;c&gt;&quot;d&#39;");
  });
});
