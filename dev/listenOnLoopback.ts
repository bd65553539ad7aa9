import type { Server } from "node:net";

/**
 * Starts `server` listening on 127.0.0.1 (a free port by default) and resolves with the port it got, or rejects with
 * the listen error (a port in use, say). The stand-ins and receivers listen only on loopback.
 */
export function listenOnLoopback(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      const address = server.address();
      resolve(typeof address === "object" && address !== null ? address.port : port);
    });
  });
}
