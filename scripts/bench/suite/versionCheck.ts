import { issueCertificate } from "../../../dev/pki/issueCertificate.js";
import { sleep } from "../../../src/clock/sleep.js";
import type { Config } from "../../../src/config/Config.js";
import type { BenchMode, RowResult } from "./Row.js";
import type { BenchWorld } from "./world.js";

const REFRESH_MS = 3_000;
const RUN_EVERY_MS = 50;

/**
 * The Key Vault version check against the warm path: an instance checking for a new certificate version every 3 s
 * (M2M_KEYVAULT_REFRESH_MINUTES scaled down; the check's timing is relative to it) gets a token every 50 ms. A warm
 * call waited for Key Vault when a vault request began during it. Midway a new version is created (and registered on
 * the app), and must be in use within the refresh interval.
 */
export async function versionCheckRows(world: BenchWorld, mode: BenchMode): Promise<RowResult[]> {
  const durationMs = mode.quick ? 8_000 : 30_000;
  const services = world.instance(world.settings(), {
    adjust: (config): Config =>
      config.credential.kind === "keyvault-certificate"
        ? { ...config, credential: { ...config.credential, refreshMinutes: REFRESH_MS / 60_000 } }
        : config,
  });
  const vaultRequests = () => world.standIns.vault.requests.length;
  await services.tokens.getToken();
  const first = (await services.credentials.current()).id;
  const started = Date.now();
  const before = vaultRequests();
  let calls = 0;
  let waited = 0;
  let newVersionAt: number | null = null;
  let inUseAfterMs: number | null = null;
  while (Date.now() - started < durationMs) {
    if (newVersionAt === null && Date.now() - started >= durationMs / 2) {
      const next = await issueCertificate({ subject: "CN=m2m-functions bench", validDays: 90 });
      const name = world.standIns.settings.M2M_KEYVAULT_CERTIFICATE_NAME!;
      world.standIns.entra.addCertificate(world.standIns.settings.M2M_CLIENT_ID!, {
        certPem: next.certPem,
        displayName: "bench's new version",
      });
      world.standIns.vault.importCertificate(name, { certPem: next.certPem, keyPem: next.keyPem });
      newVersionAt = Date.now();
    }
    const vaultBefore = vaultRequests();
    const token = await services.tokens.getToken();
    calls += 1;
    if (vaultRequests() > vaultBefore) waited += 1;
    if (newVersionAt !== null && inUseAfterMs === null && token.credentialId !== first) {
      inUseAfterMs = Date.now() - newVersionAt;
    }
    await sleep(RUN_EVERY_MS);
  }
  const checks = vaultRequests() - before;
  const pickedUp = inUseAfterMs !== null && inUseAfterMs <= REFRESH_MS;
  return [
    {
      id: "versionCheck",
      measure: "Key Vault version check on the warm path",
      figure:
        `${waited} of ${calls} warm token calls waited for Key Vault (${checks} Key Vault requests in the background); ` +
        `a new version in use ${inUseAfterMs === null ? "never" : `after ${(inUseAfterMs / 1000).toFixed(1)} s`} (refresh every ${REFRESH_MS / 1000} s)`,
      goal: "never on a warm run's path; a new version in use within the refresh interval",
      atGoal: waited === 0 && pickedUp,
      detail: { calls, waited, vaultRequests: checks, refreshMs: REFRESH_MS, inUseAfterMs },
    },
  ];
}
