import { randomBytes } from "node:crypto";
import { createServer, type Socket } from "node:net";

/** A Table Storage endpoint on loopback that accepts every connection and never answers: a hung storage account. */
export interface HungTableStorage {
  /** A connection string for it, as AzureWebJobsStorage takes (a throwaway account key). */
  connectionString: string;
  /** Connections it has accepted so far. */
  connections(): number;
  /** Closes the server and every connection it holds. */
  stop(): Promise<void>;
}

export async function startHungTableStorage(): Promise<HungTableStorage> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const account = "hungaccount";
  return {
    connectionString: [
      "DefaultEndpointsProtocol=http",
      `AccountName=${account}`,
      `AccountKey=${randomBytes(64).toString("base64")}`,
      `TableEndpoint=http://127.0.0.1:${port}/${account}`,
    ].join(";"),
    connections: () => accepted,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
