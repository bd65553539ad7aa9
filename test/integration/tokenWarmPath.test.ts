import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startEntraStandIn, type EntraStandIn } from "../../dev/entra/startEntraStandIn.js";
import type { AppCredential } from "../../src/credentials/AppCredential.js";
import { msalTokenSource } from "../../src/tokens/msalTokenSource.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { secretClientApp } from "../support/secretClientApp.js";

// Every clock — the source's, MSAL's and the stand-in's — follows Date, faked from before the stand-in starts.
beforeAll(() => {
  vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
});
afterAll(() => {
  vi.useRealTimers();
});

let entra: EntraStandIn;
let source: ReturnType<typeof msalTokenSource>;
let credential: AppCredential;
beforeAll(async () => {
  entra = await startEntraStandIn();
  const app = secretClientApp(entra, "warm path", "client-secret:one");
  credential = app.credential;
  source = msalTokenSource({
    config: app.config,
    credentials: { current: () => Promise.resolve(credential), reload: () => Promise.resolve(credential) },
    logger: recordingLogger().logger,
    clock: () => new Date(),
  });
});
afterAll(async () => {
  await entra?.stop();
});

const issued = () => entra.tokenRequests.filter((r) => r.outcome === "issued").length;

describe("the token source on a warm instance", () => {
  it("serves the token it holds until 5 minutes before it expires, then asks Entra ID; a forced refresh always asks", async () => {
    const first = await source.getToken();
    expect(first).toMatchObject({ fromCache: false, credentialId: "client-secret:one" });
    expect(issued()).toBe(1);

    vi.setSystemTime(first.expiresOn.getTime() - 300_000 - 1_000);
    expect(await source.getToken()).toMatchObject({
      token: first.token,
      fromCache: true,
      expiresOn: first.expiresOn,
    });
    expect(issued()).toBe(1);

    // Inside MSAL's 5 minutes (its clock counts whole seconds): a new token.
    vi.setSystemTime(first.expiresOn.getTime() - 299_000);
    const renewed = await source.getToken();
    expect(renewed).toMatchObject({ fromCache: false });
    expect(renewed.token === first.token).toBe(false);
    expect(issued()).toBe(2);

    expect(await source.getToken({ forceRefresh: true })).toMatchObject({ fromCache: false });
    expect(issued()).toBe(3);
  });

  it("does not serve a token of another scope, or of the credential's previous version", async () => {
    const before = issued();
    const held = await source.getToken();
    expect(held.fromCache).toBe(true);
    const graph = await source.getToken({ scope: "https://graph.microsoft.com/.default" });
    expect(graph.fromCache).toBe(false);
    expect(graph.token === held.token).toBe(false);
    const old = credential;
    credential = { ...old, id: "client-secret:two" };
    const next = await source.getToken();
    expect(next).toMatchObject({ fromCache: false, credentialId: "client-secret:two" });
    expect(next.token === held.token).toBe(false);
    expect(issued()).toBe(before + 2);
  });
});
