import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The app in the local Functions host in a process of its own: another instance, or one a test can kill. */
export interface HostProcess {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The admin key: opens job runs. */
  readonly masterKey: string;
  readonly pid: number;
  /** What the process wrote, for a failing test's message. */
  output(): string;
  /** SIGKILL: the process ends at once, as an instance that crashed or was recycled — nothing is recorded. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
}

const cli = fileURLToPath(new URL("../../dev/host/cli.ts", import.meta.url));
const entry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

/**
 * Starts dev/host/cli.ts with src/index.ts and `env` (the app settings, on top of this process's environment, which
 * carries the dev CA) on a free port, without timers, and resolves once the app answers GET /api/jobs.
 */
export async function startHostProcess(env: Readonly<Record<string, string>>): Promise<HostProcess> {
  const port = await freePort();
  const masterKey = randomBytes(18).toString("base64url");
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      cli,
      "--entry",
      entry,
      "--port",
      String(port),
      "--no-timers",
      "--master-key",
      masterKey,
      // No local.settings.json of the developer's: the app gets `env` only.
      "--settings",
      await emptySettingsFile(),
    ],
    { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const ready = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The host process exited while starting:\n${output}`);
    const answered = await fetch(`${url}/api/jobs`, { headers: { "x-functions-key": masterKey } }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (answered) break;
    if (Date.now() > ready) {
      child.kill("SIGKILL");
      throw new Error(`The host process did not answer within 60 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    masterKey,
    pid: child.pid!,
    output: () => output,
    kill: () => signal(child, "SIGKILL", exited),
    stop: async () => {
      const grace = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await signal(child, "SIGTERM", exited);
      clearTimeout(grace);
    },
  };
}

async function signal(child: ChildProcess, name: NodeJS.Signals, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill(name);
  await exited;
}

async function emptySettingsFile(): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), "m2m-host-")), "local.settings.json");
  await writeFile(path, JSON.stringify({ IsEncrypted: false, Values: {} }));
  return path;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
