import { describe, expect, it } from "vitest";
import type { AlertLedger } from "../../src/alerts/AlertLedger.js";
import { unalerted } from "../../src/alerts/alertStates.js";
import { createCertificateWatch } from "../../src/certificates/createCertificateWatch.js";
import type {
  CertificateInventory,
  InventoryService,
} from "../../src/certificates/createInventoryService.js";
import { systemClock } from "../../src/clock/Clock.js";
import { createDeadline, type Deadline } from "../../src/clock/Deadline.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import type { AppCredential, CredentialProvider } from "../../src/credentials/AppCredential.js";
import type { RotationService } from "../../src/rotation/createRotationService.js";
import type { RotationStore } from "../../src/rotation/RotationPorts.js";
import { fakeChannel } from "../alerts/fakeChannel.js";
import { appSettings } from "../functions/appSettings.js";
import { recordingLogger } from "../support/recordingLogger.js";

const never = () => new Promise<never>(() => undefined);
/** A call that never answers, bounded as the real adapters bound theirs: it ends at the deadline, naming `edge`. */
const hung = (edge: string, deadline: Deadline | undefined) => deadline!.bound(edge, never);

const inventory: CertificateInventory = {
  generatedAt: "2030-06-01T06:00:00.000Z",
  items: [],
  findings: [],
  appCredentials: [],
  registeredCertificatesValidUntil: null,
  graphError: null,
  sources: [],
  rotation: null,
};
const credential: AppCredential = {
  id: "client-secret",
  kind: "client-secret",
  auth: { clientSecret: "not used" },
  certificate: null,
  signer: null,
  summary: {},
};

/**
 * A certificate watch over fakes: the app's own certificate managed; Table Storage (the rotation store) and the
 * inventory either answer or hang as the test says; a ledger that records what it is asked.
 */
function world(options: { storageHangs?: boolean; inventoryHangs?: boolean; checkFiring?: boolean }) {
  const ledgerCalls: string[] = [];
  const ledger: AlertLedger = {
    // The check reads its states in one query (states); a getState here would show in ledgerCalls.
    getState: (subject) => {
      ledgerCalls.push(`getState ${subject}`);
      return Promise.resolve(unalerted(subject));
    },
    states: (prefixes) => {
      ledgerCalls.push(`states ${prefixes.join(" ")}`);
      const check = `check:certificates/${APP}`;
      return Promise.resolve(
        new Map(
          options.checkFiring
            ? [
                [
                  check,
                  {
                    ...unalerted(check),
                    status: "firing" as const,
                    step: "1|timed-out|timed out",
                    since: "2030-05-31T06:00:00.000Z",
                    lastAlertKey: "k",
                    version: "1",
                  },
                ],
              ]
            : [],
        ),
      );
    },
    recentAlerts: () => Promise.resolve([]),
    transition: (subject, _expected, next, alert) => {
      ledgerCalls.push(`transition ${subject} ${alert?.title ?? ""}`);
      return Promise.resolve({ applied: true, state: { ...next, version: "1" } });
    },
    deliverPending: () => {
      ledgerCalls.push("deliverPending");
      return Promise.resolve({ sent: [], failed: [] });
    },
  };
  const rotations: RotationStore = {
    get: (_name, deadline) =>
      options.storageHangs ? hung("Table Storage", deadline) : Promise.resolve(null),
    save: () => Promise.reject(new Error("not used")),
  };
  const inventoryService: InventoryService = {
    inventory: (_logger, deadline) =>
      options.inventoryHangs ? hung("Key Vault", deadline) : Promise.resolve(inventory),
    recent: () => Promise.reject(new Error("not used by the certificate check")),
  };
  const rotation: RotationService = {
    managed: { vaultUrl: "https://kv.test", name: "app" },
    latestVersion: () => Promise.resolve(null),
    renew: () => Promise.reject(new Error("not used: nothing is due")),
  };
  const credentials: CredentialProvider = {
    current: () => Promise.resolve(credential),
    reload: () => Promise.resolve(credential),
  };
  const watch = createCertificateWatch({
    config: loadConfig(appSettings([])),
    credentials,
    inventory: inventoryService,
    rotation,
    rotations,
    ledger,
    channels: [fakeChannel("webhook").channel],
    clock: systemClock,
  });
  return { watch, ledgerCalls };
}

const APP = "3d4e5f60-1111-4222-8333-944455556666";

describe("a certificate check that runs out of time", () => {
  it("alerts through the ledger, naming the edge, when the inventory could not be taken in time", async () => {
    const { watch, ledgerCalls } = world({ inventoryHangs: true });
    const log = recordingLogger();
    const deadline = createDeadline({ budgetMs: 200, clock: systemClock });

    const report = await watch.check(log.logger, "test", deadline);

    expect(report.inventory).toBeNull();
    expect(report.timedOut).toEqual({
      edge: "Key Vault",
      message: expect.stringMatching(/^Key Vault did not answer within 0\.2 s: /) as unknown,
    });
    expect(log.entries.filter((e) => e.level === "error")).toEqual([
      {
        level: "error",
        message: "Certificate check ran out of time",
        properties: {
          trigger: "test",
          code: "TIMED_OUT",
          edge: "Key Vault",
          error: report.timedOut!.message,
          inventory: "not taken",
          renewal: "not due",
        },
      },
    ]);
    // Only the check's own subject is told: without an inventory, nothing is known to be resolved.
    expect(ledgerCalls).toEqual([
      // The alert states, in one query; then the one transition.
      `states check: certificate: rotation: drift:${APP}/ credential:${APP}/`,
      `transition check:certificates/${APP} Certificate check ran out of time`,
      "deliverPending",
    ]);
  });

  it("logs the outcome and leaves the ledger alone when Table Storage is what did not answer", async () => {
    const { watch, ledgerCalls } = world({ storageHangs: true });
    const log = recordingLogger();
    const deadline = createDeadline({ budgetMs: 200, clock: systemClock });

    const report = await watch.check(log.logger, "test", deadline);

    expect(report.timedOut).toMatchObject({ edge: "Table Storage" });
    expect(report.renewal.error).toMatch(/^Table Storage did not answer within 0\.2 s: /);
    expect(
      log.entries.filter((e) => e.level === "error").map((e) => [e.message, e.properties?.edge]),
    ).toEqual([["Certificate check ran out of time", "Table Storage"]]);
    expect(log.entries).toContainEqual({
      level: "warn",
      message: "Certificate alerts not sent: the alert ledger's Table Storage did not answer",
      properties: { trigger: "test" },
    });
    expect(ledgerCalls).toEqual([]);
  });

  it("resolves the check's alert when a check finishes in time", async () => {
    const { watch, ledgerCalls } = world({ checkFiring: true });
    const report = await watch.check(
      recordingLogger().logger,
      "test",
      createDeadline({ budgetMs: 5_000, clock: systemClock }),
    );
    expect(report.timedOut).toBeNull();
    expect(ledgerCalls.slice(0, 2)).toEqual([
      `states check: certificate: rotation: drift:${APP}/ credential:${APP}/`,
      `transition check:certificates/${APP} Certificate check finishes in time again`,
    ]);
  });
});
