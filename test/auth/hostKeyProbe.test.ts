import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostKeyProbe } from "../../src/auth/hostKeyProbe.js";
import { KeyCheckUnavailableError } from "../../src/auth/KeyCheckUnavailableError.js";

const ADMIN = "the-master-key";
const FUNCTION = "a-host-key";

/** A stand-in for the Functions host's answers: the admin API and the app's probe, and a few odd ones. */
const received: { method?: string; url?: string; headers: IncomingHttpHeaders }[] = [];
let answer: { status: number; location?: string } | null = null;
const server = createServer((request, response) => {
  received.push({ method: request.method, url: request.url, headers: request.headers });
  const key = request.headers["x-functions-key"];
  if (answer) {
    response.writeHead(answer.status, answer.location ? { location: answer.location } : {}).end("odd");
  } else if (request.url === "/admin/host/status") {
    response.writeHead(key === ADMIN ? 200 : 401).end(key === ADMIN ? '{"state":"Running"}' : "");
  } else if (request.url === "/api/auth/key-check" || request.url === "/auth/key-check") {
    response.writeHead(key === ADMIN || key === FUNCTION ? 204 : 401).end();
  } else {
    response.writeHead(404).end();
  }
});
let selfUrl: string;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  selfUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const signal = () => AbortSignal.timeout(5_000);

describe("hostKeyProbe", () => {
  it("asks the admin API whether a key is the admin key, with the key in x-functions-key", async () => {
    const probe = hostKeyProbe({ selfUrl, routePrefix: "api" });
    received.length = 0;
    expect(await probe.opens("admin", ADMIN, signal())).toBe(true);
    expect(await probe.opens("admin", FUNCTION, signal())).toBe(false);
    expect(received.map((r) => [r.method, r.url, r.headers["x-functions-key"]])).toEqual([
      ["GET", "/admin/host/status", ADMIN],
      ["GET", "/admin/host/status", FUNCTION],
    ]);
  });

  it("asks the app's probe under the route prefix whether a key opens function-level routes", async () => {
    const probe = hostKeyProbe({ selfUrl, routePrefix: "api" });
    received.length = 0;
    expect(await probe.opens("function", FUNCTION, signal())).toBe(true);
    expect(await probe.opens("function", ADMIN, signal())).toBe(true);
    expect(await probe.opens("function", "wrong", signal())).toBe(false);
    expect(received.map((r) => r.url)).toEqual([
      "/api/auth/key-check",
      "/api/auth/key-check",
      "/api/auth/key-check",
    ]);
  });

  it("asks at the root when the route prefix is empty", async () => {
    received.length = 0;
    expect(await hostKeyProbe({ selfUrl, routePrefix: "" }).opens("function", FUNCTION, signal())).toBe(true);
    expect(received.map((r) => r.url)).toEqual(["/auth/key-check"]);
  });

  it.each([
    [404, undefined],
    [403, undefined],
    [500, undefined],
    [302, "https://login.microsoftonline.com/"],
  ])("fails closed when the host answers %s, without following a redirect", async (status, location) => {
    answer = { status, ...(location ? { location } : {}) };
    try {
      const error = await hostKeyProbe({ selfUrl, routePrefix: "api" })
        .opens("admin", ADMIN, signal())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KeyCheckUnavailableError);
      expect((error as KeyCheckUnavailableError).message).toMatch(
        new RegExp(
          `^The app's Functions host answered ${status} to GET ${selfUrl}/admin/host/status, where it checks a key \\(200 or 204 means the key opens it, 401 that it does not\\)\\. Until the app can ask its host`,
        ),
      );
    } finally {
      answer = null;
    }
  });

  it("fails closed when the host cannot be reached, naming where it asked", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await hostKeyProbe({ selfUrl: `http://127.0.0.1:${port}`, routePrefix: "api" })
      .opens("function", FUNCTION, signal())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeyCheckUnavailableError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^The app could not reach its Functions host at GET http://127\\.0\\.0\\.1:${port}/api/auth/key-check to check a key \\(`,
      ),
    );
    expect((error as Error).message).not.toContain(FUNCTION);
  });

  it("passes an abort on as it is (the deadline names it)", async () => {
    const aborted = AbortSignal.abort(new Error("deadline"));
    await expect(
      hostKeyProbe({ selfUrl, routePrefix: "api" }).opens("admin", ADMIN, aborted),
    ).rejects.toThrow("deadline");
  });
});
