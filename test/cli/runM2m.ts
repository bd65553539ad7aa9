import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliContext, TenantConnector } from "../../src/cli/CliContext.js";
import { main } from "../../src/cli/m2mCommand.js";
import type { GraphPort } from "../../src/cli/tenant/GraphPort.js";
import type { TenantSettings } from "../../src/cli/tenant/TenantSettings.js";
import type { VaultCertificates } from "../../src/cli/tenant/VaultCertificates.js";

/** A connector to the given fakes; records the tenant each was asked for. A port not given throws when asked for. */
export function fakeConnector(ports: { graph?: GraphPort; vault?: VaultCertificates }) {
  const tenants: TenantSettings[] = [];
  const connect: TenantConnector = {
    graph(tenant) {
      tenants.push(tenant);
      if (!ports.graph) throw new Error("this test gives the command no Graph");
      return ports.graph;
    },
    vault(_vaultUrl, tenant) {
      tenants.push(tenant);
      if (!ports.vault) throw new Error("this test gives the command no Key Vault");
      return ports.vault;
    },
  };
  return { connect, tenants };
}

/** Runs `m2m <argv>` in-process with captured output; its exit code and what it printed. */
export async function runM2m(argv: string[], context: Partial<CliContext>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    io: { out: (text) => void out.push(text), err: (text) => void err.push(text) },
    env: {},
    clock: () => new Date("2026-03-15T10:00:00.000Z"),
    ...context,
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/**
 * A settings file with these Values, in a fresh temporary directory: tests always pass `--settings`, so a
 * local.settings.json in the working directory never leaks into them.
 */
export function settingsFile(values: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "m2m-settings-"));
  const path = join(dir, "local.settings.json");
  writeFileSync(path, JSON.stringify({ IsEncrypted: false, Values: values }));
  return path;
}
