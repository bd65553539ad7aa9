// Benchmark (not a test): the token path's latency when Key Vault signs the client assertion, against signing in the
// process, measured side by side in one run against the local stand-ins over loopback HTTPS. Each sample is one token
// request that must sign (a new MSAL client, as after a certificate change, so nothing is reused): `local` — MSAL signs
// with the key read from the secret; `vault` — the app builds the assertion and Key Vault signs its digest
// (CryptographyClient.sign). Samples alternate between the two so both see the same machine. Over loopback the vault's
// cost is its HTTPS request and the signature; against Azure add the network round trip to the vault.
//
//   npm run bench:signing [-- --samples 200]
import { startStandIns } from "../../dev/startStandIns.js";
import { readScenario } from "../../dev/scenario.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { silentLogger } from "../../src/logging/Logger.js";
import { createServices } from "../../src/container.js";
import { acquireWithCertificate } from "../../src/tokens/acquireWithCertificate.js";

const samplesArg = process.argv.indexOf("--samples");
const samples = samplesArg > 0 ? Number(process.argv[samplesArg + 1]) : 200;

const scenario = await readScenario("dev/scenarios/default.json");
scenario.vault.certificates = [
  { ...scenario.vault.certificates[0]!, name: "bench-local", exportable: true },
  { ...scenario.vault.certificates[0]!, name: "bench-vault", exportable: false },
];
scenario.vault.identityRoles = ["Key Vault Certificate User", "Key Vault Crypto User"];
const standIns = await startStandIns(scenario);
Object.assign(process.env, standIns.managedIdentityEnv);
try {
  const settings = { ...standIns.settings, AzureWebJobsStorage: "UseDevelopmentStorage=true" };
  const quiet = { logger: silentLogger };
  const local = createServices(
    loadConfig({ ...settings, M2M_KEYVAULT_CERTIFICATE_NAME: "bench-local" }),
    quiet,
  );
  const vault = createServices(
    loadConfig({ ...settings, M2M_KEYVAULT_CERTIFICATE_NAME: "bench-vault", M2M_KEYVAULT_SIGNING: "vault" }),
    quiet,
  );
  const arms = {
    local: { services: local, signer: (await local.credentials.current()).signer!, times: [] as number[] },
    vault: { services: vault, signer: (await vault.credentials.current()).signer!, times: [] as number[] },
  };
  if (arms.local.signer.where !== "local" || arms.vault.signer.where !== "vault") {
    throw new Error("the bench's certificates did not load with the signing they are meant to measure");
  }
  const signsBefore = standIns.vault.requests.filter((r) => r.path.endsWith("/sign")).length;
  // Warm up both arms (TLS sessions, the key's first read, JIT), then measure alternately.
  for (const arm of Object.values(arms))
    for (let i = 0; i < 10; i += 1) await acquireWithCertificate(arm.services.config, arm.signer);
  for (let i = 0; i < samples; i += 1) {
    const order = i % 2 === 0 ? (["local", "vault"] as const) : (["vault", "local"] as const);
    for (const name of order) {
      const arm = arms[name];
      const started = performance.now();
      await acquireWithCertificate(arm.services.config, arm.signer);
      arm.times.push(performance.now() - started);
    }
  }
  const signs = standIns.vault.requests.filter((r) => r.path.endsWith("/sign")).length - signsBefore;
  const quantile = (values: number[], q: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  };
  const report = Object.fromEntries(
    Object.entries(arms).map(([name, arm]) => [
      name,
      { medianMs: quantile(arm.times, 0.5), p99Ms: quantile(arm.times, 0.99), samples: arm.times.length },
    ]),
  ) as Record<"local" | "vault", { medianMs: number; p99Ms: number; samples: number }>;
  const ratio = report.vault.medianMs / report.local.medianMs;
  console.log(`Token request that signs, ${samples} samples per arm, alternating:`);
  for (const [name, r] of Object.entries(report)) {
    console.log(`  ${name.padEnd(5)}  median ${r.medianMs.toFixed(2)} ms   p99 ${r.p99Ms.toFixed(2)} ms`);
  }
  console.log(`  vault / local (median): ${ratio.toFixed(2)}x`);
  console.log(`  Key Vault signatures: ${signs} for ${samples + 10} vault token requests`);
} finally {
  await standIns.stop();
}
// SDK clients keep sockets and timers alive.
process.exit(0);
