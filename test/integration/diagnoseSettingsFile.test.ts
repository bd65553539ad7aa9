import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { StandIns } from "../../dev/startStandIns.js";
import { main } from "../../src/cli/diagnoseCommand.js";
import { testScenario, useStandIns } from "../support/useStandIns.js";

// Its own file: MSAL picks the managed identity's source once per process, from the environment of the first request.
const stand = useStandIns(testScenario({ certificates: [{ name: "app" }] }));
let standIns: StandIns;
beforeAll(() => {
  standIns = stand();
});

describe("m2m-diagnose with a settings file", () => {
  it("gives the managed identity IDENTITY_ENDPOINT and IDENTITY_HEADER from the file's Values, as the host does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "m2m-diagnose-"));
    const file = join(dir, "local.settings.json");
    writeFileSync(
      file,
      JSON.stringify({
        IsEncrypted: false,
        Values: { ...standIns.settings, ...standIns.managedIdentityEnv, FUNCTIONS_WORKER_RUNTIME: "node" },
      }),
    );
    // A workstation's shell: no managed identity in the environment (useStandIns put it there as App Service does).
    delete process.env.IDENTITY_ENDPOINT;
    delete process.env.IDENTITY_HEADER;
    const out: string[] = [];
    const warnings: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
    const warn = vi.spyOn(console, "warn").mockImplementation((line: string) => void warnings.push(line));
    const error = vi.spyOn(console, "error").mockImplementation((line: string) => void warnings.push(line));
    try {
      expect(await main(["--settings", file, "--json"], {})).toBe(0);
    } finally {
      log.mockRestore();
      warn.mockRestore();
      error.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
    // No storage in the settings: the diagnosis reads no rotation state, so nothing about Table Storage is said.
    expect(warnings.join("\n")).not.toMatch(/Table Storage|rotation/);
    const diagnosis = JSON.parse(out.join("\n")) as { ok: boolean; steps: { name: string; ok: boolean }[] };
    expect(diagnosis.steps.map((s) => [s.name, s.ok])).toEqual([
      ["credential", true],
      ["token", true],
      ["cached token", true],
      ["graph", true],
    ]);
    // The Key Vault certificate was read with the stand-in's managed identity token.
    expect(standIns.entra.managedIdentityRequests.map((r) => r.outcome)).toContain("issued");
  });
});
