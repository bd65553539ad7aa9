import { buildCertificateInventory } from "../../../src/certificates/buildCertificateInventory.js";
import { firstOfEach } from "../../../src/certificates/firstOfEach.js";
import type { ScannedCertificate } from "../../../src/certificates/ScannedCertificate.js";
import type { BenchMode, RowResult } from "./Row.js";
import { ms, quantile } from "./stats.js";

const DAY_MS = 86_400_000;
const NOW = new Date("2026-06-01T00:00:00Z");
const POLICY = { warningDays: 30, criticalDays: 7, reminderDays: [30, 14, 7, 3, 1] };

/** A whole vault of `n` certificates as the listing gives them, a tenth also named on their own (read again). */
function fleet(n: number) {
  const thumbprint = (i: number) => i.toString(16).toUpperCase().padStart(40, "0");
  const listed: ScannedCertificate[] = Array.from({ length: n }, (_, i) => ({
    vaultUrl: "https://fleet.vault.azure.net",
    name: `service-${i}`,
    version: null,
    enabled: true,
    notBefore: new Date(NOW.getTime() - 300 * DAY_MS),
    expiresOn: new Date(NOW.getTime() + ((i % 400) - 20) * DAY_MS),
    tags: { owner: `team-${i % 17}` },
    x5tSha1: thumbprint(i),
  }));
  const named = listed
    .filter((_, i) => i % 10 === 0)
    .map((c) => ({ ...c, vaultUrl: `${c.vaultUrl}/`, policyIssuer: "Self" }));
  // The app registration knows a tenth of them, and two keys no vault holds.
  const keyCredentials = [
    ...listed.filter((_, i) => i % 10 === 5),
    ...listed.slice(0, 2).map((c) => ({ ...c, x5tSha1: `F${c.x5tSha1!.slice(1)}` })),
  ].map((c, i) => ({
    keyId: `key-${i}`,
    customKeyIdentifier: Buffer.from(c.x5tSha1!, "hex").toString("base64"),
    displayName: `CN=${c.name}`,
    endDateTime: c.expiresOn!.toISOString(),
  }));
  return { scanned: [...named, ...listed], keyCredentials };
}

/**
 * The inventory's own work for a vault of N certificates — removing the duplicates of the certificates read on their
 * own and in the listing, classifying each, matching it to the app registration's keys and finding drift — in CPU
 * time (process.cpuUsage, user + system), the median of several rounds at N = 2,500 and N = 5,000. The Key Vault and
 * Graph reads are not in it: they are the same whatever the code does with what they return.
 */
export function inventoryRows(mode: BenchMode): RowResult[] {
  const rounds = mode.quick ? 11 : 21;
  const perSize: Record<number, { cpuMs: number; items: number }> = {};
  for (const n of [2_500, 5_000]) {
    const { scanned, keyCredentials } = fleet(n);
    const cpu: number[] = [];
    let items = 0;
    for (let round = 0; round < rounds + 1; round += 1) {
      const before = process.cpuUsage();
      const built = buildCertificateInventory({
        scanned: firstOfEach(scanned),
        inUse: null,
        application: { appId: "bench", keyCredentials, passwordCredentials: [] },
        managed: null,
        now: NOW,
        policy: POLICY,
      });
      const used = process.cpuUsage(before);
      items = built.items.length;
      // The first round compiles: it is not counted.
      if (round > 0) cpu.push((used.user + used.system) / 1000);
    }
    if (items !== n) throw new Error(`the inventory of ${n} certificates listed ${items}`);
    perSize[n] = { cpuMs: ms(quantile(cpu, 0.5)), items };
  }
  return [
    {
      id: "inventoryCpu",
      measure: "Inventory CPU, N = 2,500 / 5,000",
      figure: `${perSize[2_500]!.cpuMs} / ${perSize[5_000]!.cpuMs} ms (median of ${rounds})`,
      goal: "≤ 50 ms at 5,000",
      atGoal: perSize[5_000]!.cpuMs <= 50,
      detail: perSize,
    },
  ];
}
