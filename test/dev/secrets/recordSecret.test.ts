import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readSecretLedger } from "../../../dev/secrets/readSecretLedger.js";
import { recordSecret, SECRET_LEDGER_ENV } from "../../../dev/secrets/recordSecret.js";

let dir: string;
let ledgerPath: string;
const saved = process.env[SECRET_LEDGER_ENV];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "m2m-ledger-test-"));
  ledgerPath = join(dir, "ledger.jsonl");
});
afterEach(async () => {
  if (saved === undefined) delete process.env[SECRET_LEDGER_ENV];
  else process.env[SECRET_LEDGER_ENV] = saved;
  await rm(dir, { recursive: true, force: true });
});

describe("recordSecret", () => {
  it("appends one JSON line per kind and value to the file M2M_SECRET_LEDGER names, each once", async () => {
    process.env[SECRET_LEDGER_ENV] = ledgerPath;

    recordSecret("client-secret", "abc8Q~first-secret-value-of-forty-chars");
    recordSecret("client-secret", "abc8Q~first-secret-value-of-forty-chars");
    recordSecret("function-key", "abc8Q~first-secret-value-of-forty-chars");

    expect(await readFile(ledgerPath, "utf8")).toBe(
      [
        '{"kind":"client-secret","value":"abc8Q~first-secret-value-of-forty-chars"}',
        '{"kind":"function-key","value":"abc8Q~first-secret-value-of-forty-chars"}',
        "",
      ].join("\n"),
    );
  });

  it("keeps nothing when M2M_SECRET_LEDGER is not set", async () => {
    delete process.env[SECRET_LEDGER_ENV];

    recordSecret("master-key", "a-master-key-nobody-asked-to-record");

    expect(await readSecretLedger(ledgerPath)).toEqual([]);
  });
});

describe("readSecretLedger", () => {
  it("reads the entries in order, each kind and value once (several processes may record the same)", async () => {
    await writeFile(
      ledgerPath,
      [
        '{"kind":"dev-ca-key","value":"K1"}',
        '{"kind":"tls-key","value":"K2"}',
        '{"kind":"dev-ca-key","value":"K1"}',
        "",
      ].join("\n"),
    );

    expect(await readSecretLedger(ledgerPath)).toEqual([
      { kind: "dev-ca-key", value: "K1" },
      { kind: "tls-key", value: "K2" },
    ]);
  });

  it("refuses a line that is not an entry of a known kind, naming the line but not its content", async () => {
    await writeFile(ledgerPath, '{"kind":"tls-key","value":"K2"}\n{"kind":"password","value":"hunter2"}\n');

    await expect(readSecretLedger(ledgerPath)).rejects.toThrow(
      `line 2 of the secret ledger ${ledgerPath} is not a { kind, value } entry`,
    );
  });
});
