import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findSecretLeaks, type ScannedOutput } from "../../dev/secrets/findSecretLeaks.js";
import { readSecretLedger, type LedgerEntry } from "../../dev/secrets/readSecretLedger.js";
import { recordSecret, SECRET_LEDGER_ENV } from "../../dev/secrets/recordSecret.js";
import { SECRET_KINDS, type SecretKind } from "../../dev/secrets/SecretKind.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../dev/webhooks/startWebhookReceiver.js";

/**
 * Issue 11: secrets, tokens and private keys never appear in logs, errors, run records, alerts or test output. The
 * stand-ins write every secret they mint or receive to a ledger (dev/secrets); this test runs `npm run local` and the
 * fault-matrix suite with the ledger on, and looks for each secret — and each distinctive piece of one — in all they
 * printed. The one exception is what `npm run local` prints on purpose: the function key and the admin key it calls
 * the app with, on its "Functions host:" line.
 */

/** Set in the children, so a child vitest run that happened to include this file would not start it again. */
const CHILD_ENV = "M2M_SECRET_SCAN_CHILD";

/** A child's output (stdout and stderr, as a terminal shows them) and how it ended. */
interface ChildRun extends ScannedOutput {
  exitCode: number | null;
}

/**
 * `npm run local` in the modes that handle a different secret: the documented command (a Key Vault certificate in
 * PEM, read with a managed identity token), a client secret, and a certificate whose secret is a PFX.
 */
const LOCAL_RUNS: { source: string; args: string[] }[] = [
  { source: "npm run local", args: [] },
  { source: "npm run local -- --mode client-secret", args: ["--mode", "client-secret"] },
  { source: "npm run local -- --scenario <PFX certificate>", args: ["--scenario", "<pfx>"] },
];

/**
 * The fault-matrix suite, and the certificate lifecycle story: the only run that calls Graph's addKey and removeKey,
 * so key proofs are minted.
 */
const VITEST_FILES = ["test/integration/faultMatrix", "test/integration/certificateLifecycle.test.ts"];

/** `Functions host: <url> (function key <key>, admin key <key>); credential source: <mode>` — see dev/local.ts. */
const PRINTED_KEYS =
  /^(Functions host: \S+ \(function key )(\S+)(, admin key )(\S+)(\); credential source: .*)$/m;

const scan = {
  dir: "",
  ledgerPath: "",
  ledger: [] as LedgerEntry[],
  runs: [] as ChildRun[],
  receiver: undefined as WebhookReceiver | undefined,
  /** A test failed: the outputs and the ledger stay in `dir` for a look. */
  failed: false,
};

/** The environment of a child: this one's without vitest's own variables (a child vitest must not think it nested). */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(VITEST|TINYPOOL|FORCE_COLOR$)/.test(name)) env[name] = value;
  }
  return { ...env, NO_COLOR: "1", [CHILD_ENV]: "1", [SECRET_LEDGER_ENV]: scan.ledgerPath, ...extra };
}

/** Runs a command to its end, stdout and stderr in one text (as a terminal shows them). */
function runChild(
  source: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.once("error", reject);
    child.once("close", (exitCode) => {
      resolve({ source, exitCode, text: Buffer.concat(chunks).toString("utf8") });
    });
  });
}

/** Runs the local command once per mode, one after another (each starts Azurite and every stand-in). */
async function runLocalCommands(env: NodeJS.ProcessEnv, pfxScenario: string): Promise<ChildRun[]> {
  const runs: ChildRun[] = [];
  for (const { source, args } of LOCAL_RUNS) {
    const resolved = args.map((arg) => (arg === "<pfx>" ? pfxScenario : arg));
    runs.push(await runChild(source, "npm", ["run", "local", "--", ...resolved], env));
  }
  return runs;
}

/** A Key Vault certificate whose secret is served as application/x-pkcs12, otherwise the default scenario. */
async function writePfxScenario(dir: string): Promise<string> {
  const scenario = JSON.parse(await readFile("dev/scenarios/default.json", "utf8")) as {
    vault: { certificates: { contentType: string }[] };
  };
  for (const certificate of scenario.vault.certificates) certificate.contentType = "application/x-pkcs12";
  const path = join(dir, "pfx-scenario.json");
  await writeFile(path, JSON.stringify(scenario));
  return path;
}

/**
 * The output with the keys `npm run local` prints on purpose taken out of their one line — only when they are the
 * keys its host minted, so the exception cannot hide anything else. Elsewhere they still count as leaks.
 */
function withoutPrintedKeys(run: ChildRun, ledger: readonly LedgerEntry[]): ChildRun {
  const match = PRINTED_KEYS.exec(run.text);
  const minted = (kind: SecretKind, value: string | undefined) =>
    ledger.some((entry) => entry.kind === kind && entry.value === value);
  if (!match || !minted("function-key", match[2]) || !minted("master-key", match[4])) return run;
  const line = `${match[1]}<function key>${match[3]}<admin key>${match[5]}`;
  return { ...run, text: run.text.replace(match[0], () => line) };
}

describe.skipIf(process.env[CHILD_ENV])("secret scan of npm run local and the fault matrix", () => {
  beforeAll(async () => {
    scan.dir = await mkdtemp(join(tmpdir(), "m2m-secret-scan-"));
    scan.ledgerPath = join(scan.dir, "ledger.jsonl");
    // This process records too: the alert channels' webhook tokens and HMAC secret are minted here.
    process.env[SECRET_LEDGER_ENV] = scan.ledgerPath;
    const receiver = await startWebhookReceiver();
    scan.receiver = receiver;
    const webhookSecret = randomBytes(24).toString("base64url");
    recordSecret("webhook-secret", webhookSecret);
    const token = (bytes: number) => randomBytes(bytes).toString("base64url");
    // Shaped like the real ones: a token in the path (Slack) and a `sig` in the query (Teams Workflows). The local
    // command sets M2M_ALERT_WEBHOOK_URL itself (its receiver's /alerts), so these add channels to it.
    const alertChannels = {
      M2M_ALERT_SLACK_WEBHOOK_URL: `${receiver.url}/slack/services/T0LOCAL/B0LOCAL/${token(18)}`,
      M2M_ALERT_TEAMS_WEBHOOK_URL: `${receiver.url}/teams/workflows/${randomBytes(16).toString("hex")}/triggers/manual/paths/invoke?api-version=2016-06-01&sv=1.0&sig=${token(32)}`,
      M2M_ALERT_WEBHOOK_SECRET: webhookSecret,
    };

    const pfxScenario = await writePfxScenario(scan.dir);
    // Concurrently: the suite mostly waits on sockets (hangs, deadlines), the local command mostly computes.
    const [local, suite] = await Promise.all([
      runLocalCommands(childEnv(alertChannels), pfxScenario),
      runChild(
        `vitest run ${VITEST_FILES.join(" ")}`,
        process.execPath,
        [
          "--import",
          "tsx",
          "dev/withDevCa.ts",
          process.execPath,
          "node_modules/vitest/vitest.mjs",
          "run",
          ...VITEST_FILES,
        ],
        childEnv({}),
      ),
    ]);
    scan.runs = [...local, suite];
    scan.ledger = await readSecretLedger(scan.ledgerPath);
  }, 240_000);

  afterAll(async () => {
    delete process.env[SECRET_LEDGER_ENV];
    await scan.receiver?.stop();
    // The outputs stay for a look when a test failed (the ledger holds only these runs' dev secrets).
    if (!scan.failed && scan.dir) await rm(scan.dir, { recursive: true, force: true });
  });

  /** Marks the scan failed (keeping its files) when `check` throws, and names where the output is. */
  async function keepingOutputOnFailure(check: () => void | Promise<void>): Promise<void> {
    try {
      await check();
    } catch (error) {
      scan.failed = true;
      await Promise.all(
        scan.runs.map((run, index) => writeFile(join(scan.dir, `output-${index + 1}.txt`), run.text)),
      );
      throw Object.assign(error as Error, {
        message: `${(error as Error).message}\n(the children's output and the ledger are kept in ${scan.dir})`,
      });
    }
  }

  it("runs every command to a successful end", () =>
    keepingOutputOnFailure(() => {
      // Exit codes only: a failing run's output may hold the very secrets this test looks for.
      expect(scan.runs.map((run) => [run.source, run.exitCode])).toEqual([
        ...LOCAL_RUNS.map((run) => [run.source, 0]),
        [`vitest run ${VITEST_FILES.join(" ")}`, 0],
      ]);
    }));

  it("records every kind of secret, so the scan cannot pass for want of secrets", () =>
    keepingOutputOnFailure(() => {
      const recorded = new Set(scan.ledger.map((entry) => entry.kind));
      expect(SECRET_KINDS.filter((kind) => !recorded.has(kind))).toEqual([]);
      // The alerts reached the channels whose URLs hold tokens (that is what recorded them).
      const paths = scan.receiver?.received.map((delivery) => delivery.path.split("/")[1]) ?? [];
      expect(new Set(paths)).toEqual(new Set(["slack", "teams"]));
    }));

  it("npm run local prints the function key and the admin key its host uses, on one line", () =>
    keepingOutputOnFailure(() => {
      for (const run of scan.runs.slice(0, LOCAL_RUNS.length)) {
        expect(withoutPrintedKeys(run, scan.ledger).text, run.source).toMatch(
          /^Functions host: \S+ \(function key <function key>, admin key <admin key>\); credential source: /m,
        );
      }
    }));

  it("prints no secret, nor a distinctive piece of one, anywhere else", () =>
    keepingOutputOnFailure(() => {
      const outputs = [
        ...scan.runs.map((run) => withoutPrintedKeys(run, scan.ledger)),
        // What reached the alert channels: the bodies (their URLs hold the channels' tokens by design).
        {
          source: "the alerts the Slack and Teams stand-ins received",
          text: (scan.receiver?.attempts ?? []).map((delivery) => delivery.body).join("\n"),
        },
      ];
      const leaks = findSecretLeaks(outputs, scan.ledger).map(
        (leak) => `${leak.kind} in the output of ${leak.source}, line ${leak.line}: ${leak.excerpt}`,
      );
      expect(leaks).toEqual([]);

      const counts = SECRET_KINDS.map(
        (kind) => `${kind} ${scan.ledger.filter((entry) => entry.kind === kind).length}`,
      );
      const lines = outputs.reduce((sum, output) => sum + output.text.split("\n").length, 0);
      console.log(
        `Secret scan: ${scan.ledger.length} secrets (${counts.join(", ")}) not found in ${lines} lines of output.`,
      );
    }));
});
