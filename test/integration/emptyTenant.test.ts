import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { readScenario } from "../../dev/scenario.js";
import { main } from "../../src/cli/m2mCommand.js";
import type { Services } from "../../src/container.js";
import { decodeTokenClaims } from "../../src/tokens/decodeTokenClaims.js";
import { DAY_MS, useCertificateWorld } from "../support/certificateWorld.js";
import { recordingLogger } from "../support/recordingLogger.js";

// From nothing to a rotated certificate through the CLI and the app only: an app registration with no key, owner or
// permission and an empty vault (dev/scenarios/empty-tenant.json), bootstrapped by `m2m setup` as the scenario's
// administrator (DefaultAzureCredential from AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, as a person's
// sign-in would be), then the app gets a token with its roles and renews and rotates the certificate setup created.
const scenario = await readScenario(
  fileURLToPath(new URL("../../dev/scenarios/empty-tenant.json", import.meta.url)),
);
// The certificate setup creates is non-exportable (the default): the scenario gives the app's identity the roles the
// README gives that signing mode (Certificate User, Crypto User) and Certificates Officer to renew.
const world = useCertificateWorld(scenario, {
  M2M_CERT_RENEW_BEFORE_DAYS: "5",
  M2M_ROTATION_GRACE_HOURS: "24",
});

const dir = mkdtempSync(join(tmpdir(), "m2m-empty-tenant-"));
let settings: string;
beforeAll(() => {
  settings = join(dir, "local.settings.json");
  // What a person has at this point: the app's settings, and the Function app's managed identity in them.
  const { settings: values, managedIdentityEnv } = world.standIns();
  writeFileSync(
    settings,
    JSON.stringify({ IsEncrypted: false, Values: { ...values, ...managedIdentityEnv } }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `m2m <argv>` in-process, signed in as the scenario's administrator; its exit code and what it printed. */
async function m2m(argv: string[]) {
  const out: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, world.standIns().admin!.env);
  // The diagnosis setup ends with prints with console.log, as m2m-diagnose does.
  const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
  try {
    const code = await main(argv, {
      io: { out: (text) => void out.push(text), err: (text) => void out.push(`stderr: ${text}`) },
      env: process.env,
    });
    return { code, out: out.join("\n") };
  } finally {
    log.mockRestore();
    process.env = saved;
  }
}

const writesTo = (requests: readonly { method: string }[]) =>
  requests.filter((r) => r.method !== "GET").length;

describe("an empty tenant, bootstrapped through the CLI, runs and rotates", () => {
  let app: Services;

  it("starts empty: no key on the app registration, nothing in the vault", () => {
    const registration = world.standIns().entra.getApp(scenario.app.clientId)!;
    expect([registration.keyCredentials, registration.owners]).toEqual([[], []]);
    expect(world.standIns().vault.requests).toEqual([]);
  });

  it("m2m setup creates the certificate, registers it, grants the roles and ownership, and the diagnosis passes", async () => {
    const result = await m2m([
      "setup",
      "--roles",
      "Reports.Read.All",
      "--months",
      "3",
      "--settings",
      settings,
    ]);
    expect(result.code, result.out).toBe(0);
    const outcomes = result.out
      .split("\n")
      .filter((line) => /^(cert create|register-cert|grant): /.test(line));
    expect(outcomes.map((line) => line.split(":").slice(0, 2).join(":"))).toEqual([
      "cert create: created",
      "register-cert: registered",
      "grant: created",
      "grant: created",
      "grant: created",
    ]);
    // The diagnosis, as the app runs: Key Vault certificate, a token with the role, the Graph read of itself.
    expect(result.out).toMatch(/^ok {3}token /m);
    expect(result.out).toMatch(/^ok {3}graph /m);
    expect(result.out).toContain('roles  ["Reports.Read.All"]');

    const registration = world.standIns().entra.getApp(scenario.app.clientId)!;
    expect(registration.keyCredentials).toHaveLength(1);
    expect(registration.owners).toEqual([registration.servicePrincipalObjectId]);
  });

  it("a second m2m setup finds everything there and writes nothing", async () => {
    const { entra, vault } = world.standIns();
    const [graphWrites, vaultWrites] = [writesTo(entra.graphRequests), writesTo(vault.requests)];
    const result = await m2m([
      "setup",
      "--roles",
      "Reports.Read.All",
      "--months",
      "3",
      "--settings",
      settings,
      "--no-diagnose",
    ]);
    expect(result.code, result.out).toBe(0);
    expect(result.out.split("\n").filter((line) => / already there: /.test(line))).toHaveLength(5);
    expect([writesTo(entra.graphRequests), writesTo(vault.requests)]).toEqual([graphWrites, vaultWrites]);
  });

  it("the app gets a token with its role from the certificate setup created", async () => {
    app = world.instance();
    const token = await app.tokens.getToken({ forceRefresh: true });
    expect(decodeTokenClaims(token.token)).toMatchObject({
      aud: "api://m2m-downstream",
      roles: ["Reports.Read.All"],
      appid: scenario.app.clientId,
    });
  });

  it("the app renews the certificate before it expires and rotates the app registration's key to the end", async () => {
    const first = (await app.credentials.current()).certificate!;
    const check = () => app.watch.check(recordingLogger().logger, "test");
    const registered = () =>
      world
        .standIns()
        .entra.getApp(scenario.app.clientId)!
        .keyCredentials.map((k) => k.customKeyIdentifier);

    world.at(first.notAfter.getTime() - 5 * DAY_MS);
    expect((await check()).renewal.report).toMatchObject({
      actions: ["start", "create-version", "add-key", "verify", "wait"],
    });
    const renewed = (await app.credentials.current()).certificate!;
    expect(renewed.thumbprintSha1).not.toBe(first.thumbprintSha1);
    expect(registered()).toEqual([first.thumbprintSha1, renewed.thumbprintSha1]);

    world.at(first.notAfter.getTime() - 4 * DAY_MS);
    expect((await check()).renewal.report).toMatchObject({
      actions: ["remove-key", "done"],
      stoppedAt: "done",
    });
    expect(registered()).toEqual([renewed.thumbprintSha1]);
    expect(decodeTokenClaims((await app.tokens.getToken({ forceRefresh: true })).token)).toMatchObject({
      roles: ["Reports.Read.All"],
    });
  });
});
