import { issueCertificate } from "../../../dev/pki/issueCertificate.js";
import { silentLogger } from "../../../src/logging/Logger.js";
import type { BenchMode, RowResult } from "./Row.js";
import type { BenchWorld } from "./world.js";

/** A tenth of the watched certificates expire within the alert steps: the check raises alerts for them. */
const EXPIRING_SHARE = 10;

/**
 * The scheduled certificate check with a whole vault in scope and the webhook channel configured: Table Storage
 * requests per check, counted by the proxy in front of Azurite, at N = 25 and N = 250 certificates — the first check
 * after they appear (alerts raised and delivered) and the next one (nothing new to say).
 */
export async function certificateCheckRows(world: BenchWorld, mode: BenchMode): Promise<RowResult[]> {
  void mode;
  const [lasting, expiring] = await Promise.all([
    issueCertificate({ subject: "CN=bench-lasting", validDays: 365 }),
    issueCertificate({ subject: "CN=bench-expiring", validDays: 12 }),
  ]);
  let added = 0;
  const grow = (to: number) => {
    for (; added < to; added += 1) {
      const certificate = added % EXPIRING_SHARE === 0 ? expiring : lasting;
      world.standIns.vault.importCertificate(`bench-${added}`, {
        certPem: certificate.certPem,
        keyPem: certificate.keyPem,
        subject: added % EXPIRING_SHARE === 0 ? "CN=bench-expiring" : "CN=bench-lasting",
      });
    }
  };
  const services = world.instance(
    world.settings({
      M2M_CERT_SCOPE: world.standIns.vault.url,
      M2M_ALERT_WEBHOOK_URL: `${world.receiver.url}/generic`,
    }),
  );
  const check = async () => {
    const before = world.tableRequests();
    const report = await services.watch.check(silentLogger, "bench");
    if (report.timedOut || report.alertError) {
      throw new Error(`the certificate check failed: ${report.timedOut?.message ?? report.alertError}`);
    }
    return { requests: world.tableRequests() - before, alerts: report.alerts.length };
  };
  const sizes = [25, 250];
  const measured: Record<string, { first: number; next: number; alertsRaised: number }> = {};
  for (const size of sizes) {
    grow(size);
    const first = await check();
    const next = await check();
    measured[size] = { first: first.requests, next: next.requests, alertsRaised: first.alerts };
  }
  // The goal is the check's own cost, whatever the certificates: a check with nothing new to say. Raising or resolving
  // alerts costs each its own writes (the state and its deliveries in one transaction, then per channel a claim and
  // its outcome), shown beside it.
  const worst = Math.max(...Object.values(measured).map((m) => m.next));
  return [
    {
      id: "certificateCheck",
      measure: "Certificate check, whole-vault scope + channel: Table requests per check",
      figure:
        sizes.map((n) => `N = ${n}: ${measured[n]!.next}`).join(", ") +
        ` (the first check after the certificates appear, raising and delivering their alerts: ` +
        sizes.map((n) => `${measured[n]!.first} for ${measured[n]!.alertsRaised} alerts`).join(", ") +
        ")",
      goal: "≤ 5 whatever N (a check with nothing new to say)",
      atGoal: worst <= 5,
      detail: measured,
    },
  ];
}
