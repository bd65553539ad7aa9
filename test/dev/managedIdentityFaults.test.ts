import { afterEach, describe, expect, it } from "vitest";
import { testScenario, useStandIns } from "../support/useStandIns.js";

const standIns = useStandIns(testScenario({ certificates: [{ name: "app" }] }));
afterEach(() => {
  standIns().entra.identityFaults.clear();
  standIns().entra.resetCounters();
});

/**
 * App Service's token request: GET $IDENTITY_ENDPOINT?api-version=2019-08-01&resource=… with X-IDENTITY-HEADER, and
 * `client_id` for a user-assigned identity.
 */
const requestToken = (signal?: AbortSignal, clientId?: string) => {
  const { managedIdentity } = standIns().entra;
  const url = `${managedIdentity.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent("https://vault.azure.net")}${clientId ? `&client_id=${clientId}` : ""}`;
  return fetch(url, {
    headers: { "X-IDENTITY-HEADER": managedIdentity.header },
    ...(signal ? { signal } : {}),
  });
};

const outcomes = () => standIns().entra.managedIdentityRequests.map((r) => [r.outcome, r.fault, r.status]);

describe("managed identity endpoint faults", () => {
  it("answers one request per fault, in order, with App Service's error body, then issues tokens again", async () => {
    const { identityFaults } = standIns().entra;
    identityFaults.enqueue({ kind: "throttle", retryAfter: "3" }, { kind: "status", status: 500 });
    expect(identityFaults.pending()).toBe(2);

    const throttled = await requestToken();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("3");
    expect(await throttled.json()).toEqual({
      statusCode: 429,
      message: "Injected fault: HTTP 429 Too Many Requests.",
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
    });

    const failed = await requestToken();
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({
      statusCode: 500,
      message: "Injected fault: HTTP 500 Internal Server Error.",
    });

    const issued = await requestToken();
    expect(issued.status).toBe(200);
    expect(await issued.json()).toMatchObject({ token_type: "Bearer", resource: "https://vault.azure.net" });
    expect(outcomes()).toEqual([
      ["fault", "throttle", 429],
      ["fault", "status", 500],
      ["issued", undefined, 200],
    ]);
  });

  it("answers a malformed 2xx with the body given, and a large one streamed without a Content-Length", async () => {
    standIns().entra.identityFaults.enqueue(
      { kind: "status", status: 200, body: "<html>Sign in</html>" },
      { kind: "large", bytes: 200_000 },
    );
    const page = await requestToken();
    expect([page.status, page.headers.get("content-type"), await page.text()]).toEqual([
      200,
      "text/html",
      "<html>Sign in</html>",
    ]);
    const large = await requestToken();
    expect(large.headers.get("content-length")).toBeNull();
    expect(await large.text()).toHaveLength(200_000);
    expect(outcomes()).toEqual([
      ["fault", "status", 200],
      ["fault", "large", 200],
    ]);
  });

  it("resets the connection, never answers a hang, and answers after a latency", async () => {
    standIns().entra.identityFaults.enqueue(
      { kind: "reset" },
      { kind: "hang" },
      { kind: "latency", ms: 200 },
    );
    await expect(requestToken()).rejects.toThrow();
    await expect(requestToken(AbortSignal.timeout(300))).rejects.toMatchObject({ name: "TimeoutError" });
    const started = Date.now();
    expect((await requestToken()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(outcomes()).toEqual([
      ["fault", "reset", 0],
      ["fault", "hang", 0],
      ["issued", "latency", 200],
    ]);
  });

  it("keeps faults aimed at one user-assigned identity for its requests; others pass them by", async () => {
    const { entra } = standIns();
    const [aimed, other] = [entra.addUserAssignedIdentity(), entra.addUserAssignedIdentity()];
    entra.identityFaults.enqueueFor(aimed.clientId.toUpperCase(), { kind: "status", status: 503 });

    expect((await requestToken(undefined, other.clientId)).status).toBe(200);
    expect((await requestToken()).status).toBe(200);
    expect(entra.identityFaults.pending()).toBe(1);
    expect((await requestToken(undefined, aimed.clientId)).status).toBe(503);
    expect((await requestToken(undefined, aimed.clientId)).status).toBe(200);
    expect(outcomes()).toEqual([
      ["issued", undefined, 200],
      ["issued", undefined, 200],
      ["fault", "status", 503],
      ["issued", undefined, 200],
    ]);
  });

  it("refuses a fault it cannot answer", () => {
    const { identityFaults } = standIns().entra;
    expect(() => identityFaults.enqueue({ kind: "large", bytes: 1.5 })).toThrow(
      "large fault needs bytes > 0, got 1.5",
    );
    expect(() => identityFaults.enqueue({ kind: "status", status: 600 })).toThrow(
      "status fault needs an HTTP status 100-599, got 600",
    );
    expect(() => identityFaults.enqueue({ kind: "throttle", retryAfter: "" })).toThrow(
      'throttle fault needs retryAfter: delta seconds ("2") or an HTTP date',
    );
    expect(identityFaults.pending()).toBe(0);
  });
});
