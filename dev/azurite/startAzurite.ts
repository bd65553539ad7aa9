import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { EdgeFaultScript } from "../faults/EdgeFaultQueue.js";
import { listenOnLoopback } from "../listenOnLoopback.js";
import { startTableFaultProxy, type ProxiedTableRequest } from "../faults/startTableFaultProxy.js";

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
const ACCOUNT = "devstoreaccount1";
const ACCOUNT_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface Azurite {
  /** What AzureWebJobsStorage (and the app's own storage setting) takes. */
  connectionString: string;
  tableEndpoint: string;
  blobEndpoint: string;
  /**
   * Like `connectionString`, but its TableEndpoint goes through a loopback fault proxy (dev/faults): give it to the app
   * and script Table Storage's misbehaviour with `tableFaults`.
   */
  faultyConnectionString: string;
  /** Faults for the next table requests made through `faultyConnectionString`, one per request, in order. */
  tableFaults: EdgeFaultScript;
  /** Every table request made through `faultyConnectionString`, and what the proxy did with it. */
  readonly tableRequests: readonly ProxiedTableRequest[];
  stop(): Promise<void>;
}

/**
 * Where a shared Azurite hands out accounts (see startSharedAzurite): set in the environment, it is what startAzurite
 * attaches to.
 */
export const SHARED_AZURITE_ENV = "M2M_SHARED_AZURITE";

/** An account of the shared Azurite, and Azurite's ports. */
interface SharedAccount {
  account: string;
  ports: Ports;
}

type Ports = Record<"Blob" | "Queue" | "Table", string>;

/**
 * Starts Azurite (Blob, Queue, Table) from node_modules on free ports, in memory, and waits until every service
 * says it is listening, with a table fault proxy in front of it (`faultyConnectionString`, `tableFaults`). Uses the
 * Node running this process (Azurite 3.37 needs Node 22).
 *
 * When the environment names a shared Azurite ({@link SHARED_AZURITE_ENV}, set by the test run's global setup), the
 * caller gets a storage account of its own in it instead of a process of its own — Azurite takes seconds to start, an
 * account nothing — with its own proxy; `stop()` then stops the proxy only. Nothing is shared between accounts. When
 * every account is handed out, the caller starts its own.
 */
export async function startAzurite(
  options: {
    timeoutMs?: number;
    /** A process of its own even when a shared one is named: for a caller whose stop must leave nothing running. */
    own?: boolean;
  } = {},
): Promise<Azurite> {
  const shared = options.own ? undefined : process.env[SHARED_AZURITE_ENV];
  const claimed = shared ? await claimAccount(shared) : null;
  if (claimed) return attach(claimed.ports, claimed.account, () => Promise.resolve());
  const started = await spawnAzurite(null, options.timeoutMs);
  return attach(started.ports, ACCOUNT, () => stopChild(started.child));
}

/**
 * One Azurite for many callers, started on the first claim (a run that never needs storage never starts it): a
 * loopback server whose URL, in the returned `env`, startAzurite asks for an account of its own, in any process. Each
 * of the `accounts` storage accounts is handed out once.
 */
export async function startSharedAzurite(options: {
  accounts: number;
  timeoutMs?: number;
}): Promise<{ env: Record<string, string>; stop(): Promise<void> }> {
  const accounts = Array.from({ length: options.accounts }, (_, i) => `m2mtest${String(i).padStart(4, "0")}`);
  // Custom accounts replace the well-known one unless it is listed too (Azurite's AZURITE_ACCOUNTS).
  const list = [ACCOUNT, ...accounts].map((name) => `${name}:${ACCOUNT_KEY}`).join(";");
  let started: Promise<{ ports: Ports; child: ChildProcess }> | null = null;
  let next = 0;
  const server = createServer((_request, response) => {
    const account = accounts[next];
    if (account === undefined) {
      response.writeHead(200, { "content-type": "application/json" }).end("null");
      return;
    }
    next += 1;
    started ??= spawnAzurite(list, options.timeoutMs);
    started.then(
      ({ ports }) => {
        const claim: SharedAccount = { account, ports };
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(claim));
      },
      (error: unknown) => response.writeHead(500).end(error instanceof Error ? error.message : String(error)),
    );
  });
  const port = await listenOnLoopback(server);
  return {
    env: { [SHARED_AZURITE_ENV]: `http://127.0.0.1:${port}` },
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      const running = await started?.catch(() => null);
      if (running) await stopChild(running.child);
    },
  };
}

/** An account of the shared Azurite at `url`, its own; null when all are handed out. */
async function claimAccount(url: string): Promise<SharedAccount | null> {
  const response = await fetch(`${url}/accounts`, { method: "POST" });
  const body = await response.text();
  if (!response.ok) throw new Error(`The shared Azurite did not start: ${body}`);
  return JSON.parse(body) as SharedAccount | null;
}

async function spawnAzurite(
  accounts: string | null,
  timeoutMs = 30_000,
): Promise<{ ports: Ports; child: ChildProcess }> {
  const require = createRequire(import.meta.url);
  const main = join(dirname(require.resolve("azurite/package.json")), "dist/src/azurite.js");
  const { AZURITE_ACCOUNTS: _inherited, ...env } = process.env;
  const child = spawn(
    process.execPath,
    [
      main,
      "--blobPort",
      "0",
      "--queuePort",
      "0",
      "--tablePort",
      "0",
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--skipApiVersionCheck",
      "--loose",
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: accounts ? { ...env, AZURITE_ACCOUNTS: accounts } : env },
  );
  const ports: Partial<Ports> = {};
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Azurite did not start within ${timeoutMs} ms. Output:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const match of output.matchAll(
        /Azurite (Blob|Queue|Table) service is successfully listening at http:\/\/127\.0\.0\.1:(\d+)/g,
      )) {
        ports[match[1] as keyof Ports] = match[2];
      }
      if (ports.Blob && ports.Queue && ports.Table) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code} before it was ready. Output:\n${output}`));
    });
  });
  try {
    await ready;
  } catch (error) {
    child.kill();
    throw error;
  }
  return { ports: ports as Ports, child };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** The account's endpoints on Azurite's ports, with a table fault proxy in front; `stopAzurite` after the proxy. */
async function attach(ports: Ports, account: string, stopAzurite: () => Promise<void>): Promise<Azurite> {
  const endpoint = (port: string) => `http://127.0.0.1:${port}/${account}`;
  let proxy;
  try {
    proxy = await startTableFaultProxy({ tableEndpoint: endpoint(ports.Table) });
  } catch (error) {
    await stopAzurite();
    throw error;
  }
  const connectionString = (tableEndpoint: string) =>
    [
      "DefaultEndpointsProtocol=http",
      `AccountName=${account}`,
      `AccountKey=${ACCOUNT_KEY}`,
      `BlobEndpoint=${endpoint(ports.Blob)}`,
      `QueueEndpoint=${endpoint(ports.Queue)}`,
      `TableEndpoint=${tableEndpoint}`,
    ].join(";");
  return {
    tableEndpoint: endpoint(ports.Table),
    blobEndpoint: endpoint(ports.Blob),
    connectionString: connectionString(endpoint(ports.Table)),
    faultyConnectionString: connectionString(proxy.tableEndpoint),
    tableFaults: proxy.faults,
    tableRequests: proxy.requests,
    stop: async () => {
      await proxy.stop();
      await stopAzurite();
    },
  };
}
