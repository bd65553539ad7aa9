import { afterEach, describe, expect, it } from "vitest";
import { testScenario, useStandIns } from "../support/useStandIns.js";

const standIns = useStandIns(testScenario({ certificates: [{ name: "app" }] }));
afterEach(() => {
  standIns().vault.faults.clear();
  standIns().vault.resetRequests();
});

/** A managed identity token for the vault, from the stand-in's identity endpoint, as App Service hands it out. */
async function vaultToken(): Promise<string> {
  const { managedIdentity } = standIns().entra;
  const url = `${managedIdentity.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent("https://vault.azure.net")}`;
  const response = await fetch(url, { headers: { "X-IDENTITY-HEADER": managedIdentity.header } });
  return ((await response.json()) as { access_token: string }).access_token;
}

const getCertificate = async (options: { token?: string; signal?: AbortSignal } = {}) =>
  fetch(`${standIns().vault.url}/certificates/app?api-version=7.6`, {
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      "x-ms-client-request-id": "c0ffee00-0000-4000-8000-000000000002",
    },
    ...(options.signal ? { signal: options.signal } : {}),
  });

const outcomes = () => standIns().vault.requests.map((r) => r.fault ?? r.status);

describe("Key Vault stand-in faults", () => {
  it("answers one authenticated request per fault, in order, then serves the vault again", async () => {
    const token = await vaultToken();
    const { faults } = standIns().vault;
    faults.enqueue({ kind: "throttle", retryAfter: "7" }, { kind: "status", status: 503 });
    expect(faults.pending()).toBe(2);

    const throttled = await getCertificate({ token });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("7");
    expect(throttled.headers.get("x-ms-client-request-id")).toBe("c0ffee00-0000-4000-8000-000000000002");
    expect(await throttled.json()).toEqual({
      error: {
        code: "Throttled",
        message:
          "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached",
      },
    });

    const unavailable = await getCertificate({ token });
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toEqual({
      error: { code: "ServiceUnavailable", message: "Injected fault: HTTP 503 Service Unavailable." },
    });

    expect((await getCertificate({ token })).status).toBe(200);
    expect(outcomes()).toEqual(["throttle", "status", 200]);
    expect(faults.pending()).toBe(0);
  });

  it("answers the challenge round trip as usual: a request without a token takes no fault", async () => {
    standIns().vault.faults.enqueue({ kind: "status", status: 500 });
    const challenged = await getCertificate();
    expect(challenged.status).toBe(401);
    expect(challenged.headers.get("www-authenticate")).toMatch(/^Bearer authorization="/);
    expect(standIns().vault.faults.pending()).toBe(1);
    expect((await getCertificate({ token: await vaultToken() })).status).toBe(500);
  });

  it("answers a malformed 2xx with the body given, as text or as JSON", async () => {
    const token = await vaultToken();
    standIns().vault.faults.enqueue(
      { kind: "status", status: 200, body: "<html>Sign in to continue</html>" },
      { kind: "status", status: 200, body: { value: "not a certificate bundle" } },
    );
    const page = await getCertificate({ token });
    expect([page.status, page.headers.get("content-type"), await page.text()]).toEqual([
      200,
      "text/html",
      "<html>Sign in to continue</html>",
    ]);
    const json = await getCertificate({ token });
    expect([json.status, await json.json()]).toEqual([200, { value: "not a certificate bundle" }]);
  });

  it("streams a large 2xx body of the size asked for, without a Content-Length", async () => {
    const token = await vaultToken();
    standIns().vault.faults.enqueue({ kind: "large", bytes: 300_000 });
    const response = await getCertificate({ token });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBeNull();
    const body = await response.text();
    expect(body).toHaveLength(300_000);
    expect(body.startsWith('{"data":"xxx')).toBe(true);
    expect(outcomes()).toEqual(["large"]);
  });

  it("resets the connection, never answers a hang, and answers after a latency", async () => {
    const token = await vaultToken();
    standIns().vault.faults.enqueue({ kind: "reset" }, { kind: "hang" }, { kind: "latency", ms: 200 });
    await expect(getCertificate({ token })).rejects.toThrow();

    const hung = getCertificate({ token, signal: AbortSignal.timeout(300) });
    await expect(hung).rejects.toMatchObject({ name: "TimeoutError" });

    const started = Date.now();
    expect((await getCertificate({ token })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(standIns().vault.requests.map((r) => [r.fault, r.status])).toEqual([
      ["reset", 0],
      ["hang", 0],
      ["latency", 200],
    ]);
  });

  it("answers an unauthorized fault with the challenge, as for a token the vault no longer accepts", async () => {
    standIns().vault.faults.enqueue({ kind: "unauthorized" });
    const refused = await getCertificate({ token: await vaultToken() });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toMatch(/resource="https:\/\/vault\.azure\.net"/);
  });

  it("refuses a fault it cannot answer", () => {
    const { faults } = standIns().vault;
    expect(() => faults.enqueue({ kind: "large", bytes: 0 })).toThrow("large fault needs bytes > 0, got 0");
    expect(() => faults.enqueue({ kind: "status", status: 42 })).toThrow(
      "status fault needs an HTTP status 100-599, got 42",
    );
    expect(() => faults.enqueue({ kind: "throttle", retryAfter: " " })).toThrow(
      'throttle fault needs retryAfter: delta seconds ("2") or an HTTP date',
    );
    expect(() => faults.enqueue({ kind: "latency", ms: -1 })).toThrow("latency fault needs ms >= 0, got -1");
    expect(faults.pending()).toBe(0);
  });
});
