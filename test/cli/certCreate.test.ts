import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CliContext } from "../../src/cli/CliContext.js";
import { main } from "../../src/cli/m2mCommand.js";
import { createSelfSignedCertificate } from "../../src/cli/cert/createSelfSignedCertificate.js";
import type {
  NewVaultCertificatePolicy,
  VaultCertificates,
  VaultCertificateState,
} from "../../src/cli/tenant/VaultCertificates.js";
import { fileCredentialProvider } from "../../src/credentials/fileCredentialProvider.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { settingsFile } from "./runM2m.js";

const dir = mkdtempSync(join(tmpdir(), "m2m-cert-create-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOW = new Date("2026-03-15T10:00:00.000Z");
const PASSWORD = "pässwörd with spaces";

/** Runs `m2m <argv>` in-process; what it printed and its exit code. */
async function m2m(argv: string[], context: Partial<CliContext> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    io: { out: (text) => void out.push(text), err: (text) => void err.push(text) },
    env: { PFX_PASSWORD: PASSWORD },
    clock: () => NOW,
    connect: {
      graph: () => {
        throw new Error("cert create needs no Graph");
      },
      vault: () => {
        throw new Error("no vault in this test");
      },
    },
    ...context,
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** The app's certificate-file mode (M2M_CERTIFICATE_PATH, M2M_CERTIFICATE_PASSWORD), as it loads at start-up. */
async function loadAsTheApp(path: string, password: string | null) {
  const provider = fileCredentialProvider({
    path,
    password,
    msal: { thumbprintAlgorithm: "sha256", sendX5c: false },
    clock: () => NOW,
    logger: recordingLogger().logger,
  });
  return (await provider.current()).certificate!;
}

const hex = (fingerprint: string) => fingerprint.replace(/:/g, "");

describe("m2m cert create --out: the tutorial's openssl steps without openssl", () => {
  const out = join(dir, "m2m-client");

  it("writes the PEM (key + certificate), the .cer and the password-protected PFX, the key files for the owner only", async () => {
    const result = await m2m([
      "cert",
      "create",
      "--out",
      out,
      "--subject",
      "CN=m2m-functions, O=Contoso",
      "--password-env",
      "PFX_PASSWORD",
    ]);
    expect(result).toMatchObject({ code: 0, err: "" });
    expect(statSync(`${out}.pem`).mode & 0o777).toBe(0o600);
    expect(statSync(`${out}.pfx`).mode & 0o777).toBe(0o600);
    const pem = readFileSync(`${out}.pem`, "utf8");
    // The armour lines are built, not written out: this file holds no PEM key block, not even an empty one.
    const armour = (edge: string, label: string) => `-----${edge} ${label}-----`;
    expect(pem).toMatch(
      new RegExp(
        `^${armour("BEGIN", "PRIVATE KEY")}\\n[\\s\\S]+${armour("END", "PRIVATE KEY")}\\n${armour("BEGIN", "CERTIFICATE")}\\n`,
      ),
    );
    const cer = new X509Certificate(readFileSync(`${out}.cer`));
    expect(cer.subject).toBe("CN=m2m-functions\nO=Contoso");
    expect(cer.issuer).toBe(cer.subject);
    expect(cer.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(cer.validFromDate.toISOString()).toBe("2026-03-15T09:55:00.000Z");
    expect(cer.validToDate.toISOString()).toBe("2027-03-15T10:00:00.000Z");
  });

  it("prints the subject, the validity and the thumbprints node:crypto computes, SHA-1 as the portal shows it", () => {
    const cer = new X509Certificate(readFileSync(`${out}.cer`));
    return m2m(["cert", "create", "--out", out]).then(({ out: printed }) => {
      expect(printed).toContain(`  subject   CN=m2m-functions, O=Contoso`);
      expect(printed).toContain(`  valid     2026-03-15T09:55:00.000Z to 2027-03-15T10:00:00.000Z`);
      expect(printed).toContain(`  SHA-1     ${hex(cer.fingerprint)}  (the portal's Thumbprint)`);
      expect(printed).toContain(`  SHA-256   ${hex(cer.fingerprint256)}`);
    });
  });

  it("makes a PEM the app's certificate-file mode loads, its thumbprints those of node:crypto", async () => {
    const cer = new X509Certificate(readFileSync(`${out}.cer`));
    const loaded = await loadAsTheApp(`${out}.pem`, null);
    expect([loaded.thumbprintSha1, loaded.thumbprintSha256]).toEqual([
      hex(cer.fingerprint),
      hex(cer.fingerprint256),
    ]);
    expect(loaded).toMatchObject({ subject: "CN=m2m-functions, O=Contoso", keyBits: 2048 });
  });

  it("makes a PFX the app loads with M2M_CERTIFICATE_PASSWORD (a non-ASCII one too), and refuses without it", async () => {
    const cer = new X509Certificate(readFileSync(`${out}.cer`));
    const loaded = await loadAsTheApp(`${out}.pfx`, PASSWORD);
    expect([loaded.thumbprintSha1, loaded.thumbprintSha256]).toEqual([
      hex(cer.fingerprint),
      hex(cer.fingerprint256),
    ]);
    await expect(loadAsTheApp(`${out}.pfx`, null)).rejects.toMatchObject({
      code: "CERTIFICATE_PASSWORD_INVALID",
    });
  });

  it("is idempotent: a second run reports the existing certificate and writes nothing", async () => {
    const before = readFileSync(`${out}.pem`, "utf8");
    const result = await m2m(["cert", "create", "--out", `${out}.pem`, "--password-env", "PFX_PASSWORD"]);
    expect(result.code).toBe(0);
    expect(result.out.split("\n")[0]).toBe(
      `cert create: already there: ${out}.pem (nothing written; --force replaces it)`,
    );
    expect(readFileSync(`${out}.pem`, "utf8")).toBe(before);
  });

  it("replaces every file with --force", async () => {
    const before = new X509Certificate(readFileSync(`${out}.cer`)).fingerprint256;
    expect((await m2m(["cert", "create", "--out", out, "--force", "--key-size", "3072"])).code).toBe(0);
    const after = new X509Certificate(readFileSync(`${out}.cer`));
    expect(after.fingerprint256).not.toBe(before);
    expect(after.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect((await loadAsTheApp(`${out}.pem`, null)).thumbprintSha256).toBe(hex(after.fingerprint256));
  });

  it("refuses a .cer it did not write (no PEM beside it) with CLI_OUTPUT_EXISTS, and a PEM that holds no certificate", async () => {
    const lone = join(dir, "lone");
    writeFileSync(`${lone}.cer`, "someone else's");
    expect(await m2m(["cert", "create", "--out", lone])).toMatchObject({
      code: 1,
      err: `CLI_OUTPUT_EXISTS: ${lone}.cer exists without ${lone}.pem: not a certificate m2m cert create wrote. Choose another --out, or pass --force to replace it.`,
    });
    const notes = join(dir, "notes");
    writeFileSync(`${notes}.pem`, "just text\n");
    const result = await m2m(["cert", "create", "--out", notes]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      new RegExp(`^CLI_OUTPUT_EXISTS: ${notes}\\.pem exists and is not a key with its certificate \\(`),
    );
  });

  it("writes nothing with --dry-run, and says what it would write", async () => {
    const planned = join(dir, "planned");
    const result = await m2m(["cert", "create", "--out", planned, "--dry-run"]);
    expect(result.out).toBe(
      `cert create: would write ${planned}.pem (private key and certificate: keep it secret), ${planned}.cer (certificate only: upload this one); nothing is sent anywhere`,
    );
    expect([existsSync(`${planned}.pem`), existsSync(`${planned}.cer`)]).toEqual([false, false]);
  });

  it.each([
    [
      ["--out", "x", "--password-env", "UNSET_VARIABLE"],
      "--password-env UNSET_VARIABLE: the environment variable UNSET_VARIABLE is not set (or empty)",
    ],
    [["--out", "x", "--key-size", "1024"], '--key-size: expected 2048, 3072 or 4096; got "1024"'],
    [["--out", "x", "--months", "0"], '--months: expected a whole number from 1 to 120; got "0"'],
    [
      ["--out", "x", "--subject", "m2m"],
      '--subject: "m2m" is not an attribute this tool writes (CN, O, OU, L, ST, C, E, as NAME=value)',
    ],
    [
      ["--out", "x", "--keyvault", "https://v.vault.azure.net"],
      "--out writes files; --keyvault, --name and --exportable are for a Key Vault certificate",
    ],
    [[], "give --out PATH (files) or --keyvault URL --name NAME (a Key Vault certificate)"],
    [
      ["--keyvault", "https://v.vault.azure.net", "--name", "a_b"],
      '--name: expected 1-127 letters, digits and dashes; got "a_b"',
    ],
    [
      ["--keyvault", "http://v.vault.azure.net", "--name", "ab"],
      '--keyvault: expected https://<vault>.vault.azure.net; got "http://v.vault.azure.net"',
    ],
    // A password on the command line would stay in the shell's history and the process list: there is no option for it.
    [["--out", "x", "--password", "x"], "Unknown option '--password'"],
  ])("refuses %j with exit code 2, the problem and the usage", async (args, problem) => {
    const result = await m2m(["cert", "create", ...args]);
    expect(result.code).toBe(2);
    expect(result.err.split("\n\n")[0]).toBe(problem);
    expect(result.err).toContain("Usage:\n  m2m cert create --out PATH");
  });
});

/** A vault holding `initial` under every name; records what it was asked to create. */
function fakeVault(initial: VaultCertificateState, issued: { der: Buffer; version: string }) {
  const created: { name: string; policy: NewVaultCertificatePolicy }[] = [];
  const awaited: string[] = [];
  const vault: VaultCertificates = {
    vaultUrl: "https://kv.vault.azure.net",
    find: () => Promise.resolve(initial),
    create: (name, policy) => {
      created.push({ name, policy });
      return Promise.resolve(issued);
    },
    awaitIssued: (name) => {
      awaited.push(name);
      return Promise.resolve(issued);
    },
  };
  return { vault, created, awaited };
}

describe("m2m cert create --keyvault", async () => {
  const { der } = await createSelfSignedCertificate({
    subject: [{ shortName: "CN", value: "m2m-client" }],
    notBefore: NOW,
    notAfter: new Date(NOW.getTime() + 365 * 86_400_000),
    keyBits: 2048,
  });
  const issued = { der, version: "0123456789abcdef0123456789abcdef" };
  const settings = settingsFile({});
  const args = [
    "cert",
    "create",
    "--keyvault",
    "https://kv.vault.azure.net/",
    "--name",
    "m2m-client",
    "--settings",
    settings,
    "--tenant",
    "contoso.onmicrosoft.com",
  ];
  const withVault = (vault: VaultCertificates): Partial<CliContext> => ({
    connect: {
      graph: () => {
        throw new Error("no Graph");
      },
      vault: () => vault,
    },
  });

  it("creates a missing certificate: issuer Self, RSA 2048, non-exportable, EmailContacts (never AutoRenew)", async () => {
    const fake = fakeVault({ kind: "absent" }, issued);
    const result = await m2m(args, withVault(fake.vault));
    expect(result.code).toBe(0);
    expect(fake.created).toEqual([
      {
        name: "m2m-client",
        policy: {
          subject: "CN=m2m-client",
          validityMonths: 12,
          keySize: 2048,
          exportable: false,
          emailDaysBeforeExpiry: 14,
        },
      },
    ]);
    expect(result.out).toContain(
      "cert create: created: certificate 'm2m-client' in https://kv.vault.azure.net (version 0123456789abcdef0123456789abcdef)",
    );
    expect(result.out).toContain(`  SHA-1     ${hex(new X509Certificate(der).fingerprint)}`);
  });

  it("makes the key exportable only when asked", async () => {
    const fake = fakeVault({ kind: "absent" }, issued);
    await m2m([...args, "--exportable", "--months", "6", "--subject", "CN=other"], withVault(fake.vault));
    expect(fake.created[0]!.policy).toMatchObject({
      exportable: true,
      validityMonths: 6,
      subject: "CN=other",
    });
  });

  it("reports an existing certificate and creates nothing", async () => {
    const fake = fakeVault({ kind: "issued", ...issued }, issued);
    const result = await m2m(args, withVault(fake.vault));
    expect(result.code).toBe(0);
    expect(fake.created).toEqual([]);
    expect(result.out.split("\n")[0]).toBe(
      "cert create: already there: certificate 'm2m-client' in https://kv.vault.azure.net (version 0123456789abcdef0123456789abcdef); its policy is left as it is",
    );
  });

  it("waits for a creation already under way instead of starting another", async () => {
    const fake = fakeVault({ kind: "pending", status: "inProgress" }, issued);
    const result = await m2m(args, withVault(fake.vault));
    expect([fake.created, fake.awaited]).toEqual([[], ["m2m-client"]]);
    expect(result.out.split("\n")[0]).toBe(
      "cert create: created: certificate 'm2m-client' in https://kv.vault.azure.net (version 0123456789abcdef0123456789abcdef, by a creation already under way)",
    );
  });

  it("prints the create request with --dry-run and sends nothing", async () => {
    const fake = fakeVault({ kind: "absent" }, issued);
    const result = await m2m([...args, "--dry-run"], withVault(fake.vault));
    expect(fake.created).toEqual([]);
    expect(result.out).toContain(
      "  POST https://kv.vault.azure.net/certificates/m2m-client/create?api-version=2025-07-01",
    );
    const body = JSON.parse(result.out.slice(result.out.indexOf("  {"))) as {
      policy: Record<string, unknown>;
    };
    expect(body.policy).toEqual({
      key_props: { exportable: false, kty: "RSA", key_size: 2048, reuse_key: false },
      secret_props: { contentType: "application/x-pem-file" },
      x509_props: {
        subject: "CN=m2m-client",
        ekus: ["1.3.6.1.5.5.7.3.2"],
        key_usage: ["digitalSignature", "keyEncipherment"],
        validity_months: 12,
      },
      lifetime_actions: [{ trigger: { days_before_expiry: 14 }, action: { action_type: "EmailContacts" } }],
      issuer: { name: "Self" },
    });
  });

  it("needs the tenant to sign in to: exit 2 naming M2M_TENANT_ID", async () => {
    const fake = fakeVault({ kind: "absent" }, issued);
    const result = await m2m(args.slice(0, -2), withVault(fake.vault));
    expect(result).toMatchObject({
      code: 2,
      err: "Invalid app settings (1 problem):\n- M2M_TENANT_ID is missing (or pass --tenant): set it to directory (tenant) id GUID or verified domain",
    });
  });
});
