import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { EdgeFaultScript } from "../faults/EdgeFaultQueue.js";
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
 * Starts Azurite (Blob, Queue, Table) from node_modules on free ports, in memory, and waits until every service
 * says it is listening, with a table fault proxy in front of it (`faultyConnectionString`, `tableFaults`). Uses the
 * Node running this process (Azurite 3.37 needs Node 22).
 */
export async function startAzurite(options: { timeoutMs?: number } = {}): Promise<Azurite> {
  const require = createRequire(import.meta.url);
  const main = join(dirname(require.resolve("azurite/package.json")), "dist/src/azurite.js");
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
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const ports: Partial<Record<"Blob" | "Queue" | "Table", string>> = {};
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Error(`Azurite did not start within ${options.timeoutMs ?? 30_000} ms. Output:\n${output}`),
        ),
      options.timeoutMs ?? 30_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const match of output.matchAll(
        /Azurite (Blob|Queue|Table) service is successfully listening at http:\/\/127\.0\.0\.1:(\d+)/g,
      )) {
        ports[match[1] as "Blob" | "Queue" | "Table"] = match[2];
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
  const endpoint = (port: string | undefined) => `http://127.0.0.1:${port}/${ACCOUNT}`;
  let proxy;
  try {
    proxy = await startTableFaultProxy({ tableEndpoint: endpoint(ports.Table) });
  } catch (error) {
    child.kill();
    throw error;
  }
  const connectionString = (tableEndpoint: string) =>
    [
      "DefaultEndpointsProtocol=http",
      `AccountName=${ACCOUNT}`,
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
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}
