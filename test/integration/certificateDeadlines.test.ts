import { HttpRequest, InvocationContext, type Timer } from "@azure/functions";
import { afterEach, describe, expect, it } from "vitest";
import { certificateEvent } from "../../dev/keyvault/certificateEvent.js";
import type { CertificateInventory } from "../../src/certificates/createInventoryService.js";
import type { Services } from "../../src/container.js";
import { checkCertificatesHandler } from "../../src/functions/checkCertificatesHandler.js";
import { keyVaultEventHandler } from "../../src/functions/keyVaultEventHandler.js";
import { listCertificatesHandler } from "../../src/functions/listCertificatesHandler.js";
import { renewCertificateHandler } from "../../src/functions/renewCertificateHandler.js";
import { useCertificateWorld } from "../support/certificateWorld.js";
import { testScenario } from "../support/useStandIns.js";
import { splitLogLine } from "../support/logLine.js";

const world = useCertificateWorld(testScenario({ certificates: [{ name: "app", validDays: 365 }] }));
afterEach(() => world.standIns().vault.faults.clear());

/** The deadline every trigger gets here (M2M_RUN_DEADLINE_SECONDS, or the GET's budget): short, so tests are too. */
const BUDGET_MS = 2_000;
/** What a trigger may take past its deadline: alerting and tidying after it, as the fault matrix allows. */
const MARGIN_MS = 5_000;

/**
 * A warm app instance (its certificate loaded, as after the first invocation) whose triggers get {@link BUDGET_MS},
 * and a vault whose next request hangs: the first Key Vault call a trigger makes never gets an answer.
 */
async function warmInstanceWithHungVault(): Promise<() => Services> {
  const app = world.instance();
  await app.credentials.current();
  world.standIns().vault.faults.enqueue({ kind: "hang" });
  return () => ({ ...app, config: { ...app.config, runDeadlineMs: BUDGET_MS } });
}

/** An invocation context that keeps what the function logs, as the host would. */
function invocation(functionName: string) {
  const lines: { level: string; message: string; properties: Record<string, unknown> }[] = [];
  const context = new InvocationContext({
    functionName,
    logHandler: (level, message) =>
      void lines.push({
        level,
        ...splitLogLine(String(message)),
      }),
  });
  return { context, lines, errors: () => lines.filter((line) => line.level === "error") };
}

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: "", next: "", lastUpdated: "" },
};

describe("a hung Key Vault, trigger by trigger", () => {
  it("ends the scheduled check within its deadline, logs one error naming Key Vault and alerts", async () => {
    const services = await warmInstanceWithHungVault();
    const { context, lines, errors } = invocation("certificates-check");
    const started = performance.now();

    await checkCertificatesHandler(timer, context, services);

    expect(performance.now() - started).toBeLessThan(BUDGET_MS + MARGIN_MS);
    expect(errors()).toEqual([
      {
        level: "error",
        message: "Certificate check ran out of time",
        properties: expect.objectContaining({
          trigger: "schedule",
          code: "TIMED_OUT",
          edge: "Key Vault",
          error: expect.stringMatching(/^Key Vault did not answer within \d+(\.\d)? s: /) as unknown,
        }) as unknown,
      },
    ]);
    expect(lines.find((line) => line.message === "Certificate check done")?.properties).toMatchObject({
      timedOut: "Key Vault",
    });
    expect(world.told()).toContain("firing: Certificate check ran out of time");
    const alert = world.alerts().find((a) => a.title === "Certificate check ran out of time");
    expect(alert?.facts).toContainEqual({ name: "Edge", value: "Key Vault" });
  });

  it("ends the Key Vault event's check within its deadline, naming Key Vault", async () => {
    const services = await warmInstanceWithHungVault();
    const { context, errors } = invocation("keyvault-events");
    const vaultUrl = world.standIns().vault.url;
    const started = performance.now();

    await keyVaultEventHandler(
      certificateEvent("CertificateNearExpiry", {
        vaultUrl,
        name: "app",
        version: "0123456789abcdef0123456789abcdef",
      }),
      context,
      services,
    );

    expect(performance.now() - started).toBeLessThan(BUDGET_MS + MARGIN_MS);
    expect(errors().map((line) => [line.message, line.properties.edge, line.properties.trigger])).toEqual([
      ["Certificate check ran out of time", "Key Vault", expect.stringMatching(/^event /) as unknown],
    ]);
  });

  it("answers POST …/renew with 504 TIMED_OUT naming Key Vault within its deadline, and logs it", async () => {
    const services = await warmInstanceWithHungVault();
    const { context, errors } = invocation("certificates-renew");
    const started = performance.now();

    const response = await renewCertificateHandler(
      new HttpRequest({
        method: "POST",
        url: "http://localhost/api/certificates/app/renew",
        params: { name: "app" },
      }),
      context,
      services,
    );

    expect(performance.now() - started).toBeLessThan(BUDGET_MS + MARGIN_MS);
    expect(response.status).toBe(504);
    const { error } = response.jsonBody as { error: { code: string; message: string } };
    expect(error.code).toBe("TIMED_OUT");
    expect(error.message).toMatch(/^Key Vault did not answer within \d+(\.\d)? s: /);
    expect(errors()).toEqual([
      {
        level: "error",
        message: "Certificate renewal failed",
        properties: {
          certificate: "app",
          status: 504,
          code: "TIMED_OUT",
          edge: "Key Vault",
          error: error.message,
        },
      },
    ]);
    // The lease was released in the time kept after the deadline: the next renewal is not refused as busy.
    world.standIns().vault.faults.clear();
    const again = await renewCertificateHandler(
      new HttpRequest({
        method: "POST",
        url: "http://localhost/api/certificates/app/renew",
        params: { name: "app" },
      }),
      invocation("certificates-renew").context,
      () => ({ ...services(), config: { ...services().config, runDeadlineMs: 60_000 } }),
    );
    expect((again.jsonBody as { error?: { code: string } }).error?.code).not.toBe("ROTATION_IN_PROGRESS");
  });

  it("answers GET /api/certificates within its budget, the vault listed as unreadable and why", async () => {
    const services = await warmInstanceWithHungVault();
    const { context, lines } = invocation("certificates-list");
    const started = performance.now();

    const response = await listCertificatesHandler(
      new HttpRequest({ method: "GET", url: "http://localhost/api/certificates" }),
      context,
      services,
      BUDGET_MS,
    );

    expect(performance.now() - started).toBeLessThan(BUDGET_MS + MARGIN_MS);
    expect(response.status).toBe(200);
    const inventory = response.jsonBody as CertificateInventory;
    const vaultUrl = world.standIns().vault.url;
    expect(inventory.sources).toEqual([
      {
        source: `${vaultUrl}/certificates/app`,
        ok: false,
        error: expect.stringMatching(/^Key Vault did not answer within \d+(\.\d)? s: /) as unknown,
      },
    ]);
    expect(lines.map((line) => [line.level, line.message])).toContainEqual([
      "warning",
      `Could not read ${vaultUrl}/certificates/app: ${inventory.sources[0]!.error}`,
    ]);
  });
});
