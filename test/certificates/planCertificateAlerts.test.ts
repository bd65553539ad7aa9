import { describe, expect, it } from "vitest";
import type {
  AppCredentialItem,
  CertificateInventoryItem,
} from "../../src/certificates/CertificateInventoryItem.js";
import {
  certificateSubject,
  planCertificateAlerts,
  rotationSubject,
  type PlanInput,
} from "../../src/certificates/planCertificateAlerts.js";
import { rotationRecordFor } from "../support/rotationRecordFor.js";
import { conditionStep, decideConditionAlert } from "../../src/alerts/decideConditionAlert.js";

const RESOLUTION = { title: "resolved", text: "resolved", facts: [] };

const DAY = 86_400_000;
const APP = "11111111-2222-4333-8444-555555555555";
const VAULT = "https://kv-m2m.vault.azure.net";
const OTHER_VAULT = "https://kv-shared.vault.azure.net";
const now = new Date("2026-11-21T10:00:00.000Z");

function item(overrides: Partial<CertificateInventoryItem> & { daysLeft: number }): CertificateInventoryItem {
  const notAfter = new Date(now.getTime() + overrides.daysLeft * DAY).toISOString();
  const step = [30, 14, 7, 3, 1].filter((s) => overrides.daysLeft <= s).at(-1) ?? null;
  return {
    name: "app",
    vaultUrl: VAULT,
    version: "v1",
    enabled: true,
    state:
      overrides.daysLeft <= 0
        ? "expired"
        : overrides.daysLeft <= 7
          ? "critical"
          : overrides.daysLeft <= 30
            ? "warning"
            : "valid",
    step: overrides.daysLeft <= 0 ? 1 : step,
    notBefore: null,
    notAfter,
    issuer: null,
    thumbprints: { sha1: "AA".repeat(20), sha256: null },
    tags: {},
    inUse: false,
    managed: false,
    policyIssuer: null,
    registration: "unknown",
    drift: [],
    ...overrides,
  };
}

const record = rotationRecordFor;

function input(overrides: Partial<PlanInput["inventory"]> = {}, rest: Partial<PlanInput> = {}): PlanInput {
  return {
    inventory: {
      items: [],
      findings: [],
      appCredentials: [],
      registeredCertificatesValidUntil: null,
      graphError: null,
      sources: [
        { source: VAULT, ok: true, error: null },
        { source: `${OTHER_VAULT}/certificates/shared`, ok: true, error: null },
      ],
      rotation: null,
      ...overrides,
    },
    appId: APP,
    renewBeforeDays: 30,
    appCredentials: true,
    renewalError: null,
    now,
    ...rest,
  };
}

const conditionOf = (plan: ReturnType<typeof planCertificateAlerts>, subject: string) =>
  plan.subjects.find((s) => s.subject === subject)?.condition ?? null;

describe("planCertificateAlerts", () => {
  it("raises a certificate at its reminder step, more urgent as days fall, with what to do", () => {
    const at = (daysLeft: number) =>
      conditionOf(
        planCertificateAlerts(input({ items: [item({ name: "tls", daysLeft })] })),
        certificateSubject(VAULT, "tls"),
      );
    expect(at(40)).toBeNull();
    const thirty = at(30)!;
    const seven = at(7)!;
    const expired = at(-2)!;
    expect(thirty).toMatchObject({
      label: "30 days",
      severity: "warning",
      title: "Certificate 'tls' expires in 30 days",
    });
    expect(seven).toMatchObject({ label: "7 days", severity: "critical" });
    expect(expired).toMatchObject({
      label: "expired",
      severity: "critical",
      title: "Certificate 'tls' expired 2 days ago",
    });
    expect(thirty.urgency).toBeLessThan(seven.urgency);
    expect(seven.urgency).toBeLessThan(expired.urgency);
    expect(thirty.text).toContain("az keyvault certificate create --vault-name kv-m2m --name tls");
  });

  it("tells critical alerts when addKey becomes impossible, and that it already is once every key has expired", () => {
    const until = new Date(now.getTime() + 5 * DAY).toISOString();
    const soon = planCertificateAlerts(
      input({
        items: [item({ daysLeft: 5, inUse: true, managed: true })],
        registeredCertificatesValidUntil: until,
      }),
    );
    expect(conditionOf(soon, certificateSubject(VAULT, "app"))!.text).toContain(`Renew before ${until}`);
    const past = planCertificateAlerts(
      input({
        items: [item({ daysLeft: -1, inUse: true, managed: true })],
        registeredCertificatesValidUntil: new Date(now.getTime() - DAY).toISOString(),
      }),
    );
    expect(conditionOf(past, certificateSubject(VAULT, "app"))!.text).toMatch(
      /Every certificate registered on the app registration has expired.*can no longer add a key itself.*Upload/,
    );
  });

  it("asks a person for a manual renewal, with the CSR steps, when Key Vault cannot renew the issuer", () => {
    const plan = planCertificateAlerts(
      input({
        items: [item({ daysLeft: 20, managed: true, inUse: true })],
        rotation: record({ step: "manual" }),
      }),
    );
    const manual = conditionOf(plan, rotationSubject(VAULT, "app"))!;
    expect(manual).toMatchObject({ title: "Certificate 'app' needs a manual renewal", severity: "warning" });
    expect(manual.text).toMatch(/certificate create.*pending show.*--query csr.*pending merge/s);
    expect(conditionOf(plan, certificateSubject(VAULT, "app"))!.text).toContain(
      "a person must merge a signed CSR",
    );
  });

  it("asks for the manual renewal after a failure of the same rotation was fixed, though it is less urgent", () => {
    const rotation = record({
      step: "failed",
      resumeStep: "renewing",
      attempts: 1,
      lastError: "403 on the issuer",
    });
    const failedPlan = planCertificateAlerts(
      input({ items: [item({ daysLeft: 20, managed: true, inUse: true })], rotation }),
    );
    const failed = conditionOf(failedPlan, rotationSubject(VAULT, "app"))!;
    const manualPlan = planCertificateAlerts(
      input({
        items: [item({ daysLeft: 20, managed: true, inUse: true })],
        rotation: { ...rotation, step: "manual", resumeStep: null, lastError: null },
      }),
    );
    const manual = conditionOf(manualPlan, rotationSubject(VAULT, "app"))!;

    expect(manual.urgency).toBeLessThan(failed.urgency);
    expect(manual.episode).not.toBe(failed.episode);
    const told = {
      subject: manual.subject,
      status: "firing" as const,
      step: conditionStep(failed),
      since: now.toISOString(),
      lastAlertKey: "k",
    };
    expect(
      decideConditionAlert({
        subject: manual.subject,
        state: told,
        condition: manual,
        resolution: RESOLUTION,
        now,
      }).action,
    ).toBe("fire");
  });

  it("alerts a failed renewal, critical when the certificate is", () => {
    const failed = planCertificateAlerts(
      input({
        items: [item({ daysLeft: 3, managed: true })],
        rotation: record({
          step: "failed",
          resumeStep: "verifying",
          attempts: 2,
          lastError: "Entra ID refused the token request",
        }),
      }),
    );
    expect(conditionOf(failed, rotationSubject(VAULT, "app"))).toMatchObject({
      severity: "critical",
      label: "failed",
      text: expect.stringContaining(
        "Entra ID refused the token request (step 'verifying', attempt 2)",
      ) as unknown,
    });
    const unrecorded = planCertificateAlerts(
      input({ items: [item({ daysLeft: 20, managed: true })] }, { renewalError: "Graph unreachable" }),
    );
    expect(conditionOf(unrecorded, rotationSubject(VAULT, "app"))).toMatchObject({ severity: "warning" });
  });

  it("announces a rotation that completed between checks, then resolves it", () => {
    const plan = planCertificateAlerts(
      input({
        items: [item({ daysLeft: 360, managed: true })],
        rotation: record({ step: "completed", newVersion: "v2", completedAt: now.toISOString() }),
      }),
    );
    const rotation = plan.subjects.find((s) => s.subject === rotationSubject(VAULT, "app"))!;
    expect(rotation.announceThenResolve).toBe(true);
    expect(rotation.condition).toMatchObject({ label: "switched", severity: "info" });
    expect(rotation.resolution.title).toBe("Certificate 'app' rotated");
  });

  it("alerts app registration credentials Key Vault does not hold, only when asked to", () => {
    const credential = (o: Partial<AppCredentialItem>): AppCredentialItem => ({
      keyId: "k1",
      kind: "secret",
      displayName: "legacy",
      thumbprintSha1: null,
      inKeyVault: false,
      startDateTime: null,
      endDateTime: new Date(now.getTime() + 6 * DAY).toISOString(),
      state: "critical",
      daysLeft: 6,
      step: 7,
      ...o,
    });
    const credentials = [credential({}), credential({ keyId: "k2", kind: "certificate", inKeyVault: true })];
    const on = planCertificateAlerts(input({ appCredentials: credentials }));
    expect(on.subjects.map((s) => s.subject)).toEqual([`credential:${APP}/k1`]);
    expect(conditionOf(on, `credential:${APP}/k1`)!.title).toBe(
      "Client secret 'legacy' (keyId k1) on the app registration expires in 6 days",
    );
    expect(
      planCertificateAlerts(input({ appCredentials: credentials }, { appCredentials: false })).subjects,
    ).toEqual([]);
  });

  it("resolves a subject it no longer sees only when its source was read (a rotation's too)", () => {
    const readable = planCertificateAlerts(input());
    expect(readable.gone(certificateSubject(VAULT, "deleted"))?.title).toBe(
      "Certificate 'deleted' is no longer watched",
    );
    expect(readable.gone(certificateSubject(OTHER_VAULT, "shared"))?.text).toContain(
      "no longer in kv-shared",
    );
    expect(readable.gone(certificateSubject("https://elsewhere.vault.azure.net", "x"))?.text).toContain(
      "outside M2M_CERT_SCOPE",
    );
    expect(readable.gone(`drift:${APP}/ORPHANED_KEYS`)).not.toBeNull();
    expect(readable.gone(rotationSubject(VAULT, "app"))?.title).toBe(
      "Certificate renewal is no longer managed here",
    );

    const blind = planCertificateAlerts(
      input({ sources: [{ source: VAULT, ok: false, error: "429" }], graphError: "Graph unreachable" }),
    );
    expect(blind.gone(certificateSubject(VAULT, "deleted"))).toBeNull();
    expect(blind.gone(rotationSubject(VAULT, "app"))).toBeNull();
    expect(blind.gone(`drift:${APP}/ORPHANED_KEYS`)).toBeNull();
    expect(blind.gone(`credential:${APP}/k1`)).toBeNull();
  });
});
