import type { AccessToken, TokenCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { createDeadline } from "../../../src/clock/Deadline.js";
import { tenantGraphClient } from "../../../src/cli/tenant/tenantGraphClient.js";

const NOW = new Date("2026-03-15T10:00:00.000Z");
const clock = () => NOW;
const deadline = () => createDeadline({ budgetMs: 30_000, clock });

/** A credential handing out one token per call, recording the scopes asked for. */
function credential(fail?: Error) {
  const scopes: string[] = [];
  const token: TokenCredential = {
    getToken(scope) {
      scopes.push([scope].flat().join(" "));
      if (fail) return Promise.reject(fail);
      const issued: AccessToken = {
        token: `token-${scopes.length}`,
        expiresOnTimestamp: NOW.getTime() + 3_600_000,
      };
      return Promise.resolve(issued);
    },
  };
  return { token, scopes };
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** A fetch answering from a script, recording each request. */
function scriptedFetch(answers: Answer[]) {
  const requests: { url: string; method: string; authorization: string | null; body: string | null }[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    requests.push({
      url: input instanceof Request ? input.url : input.toString(),
      method: init?.method ?? "GET",
      authorization: headers.get("authorization"),
      body: typeof init?.body === "string" ? init.body : null,
    });
    const answer = answers.shift() ?? { status: 500 };
    return Promise.resolve(
      new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
        status: answer.status,
        headers: { "content-type": "application/json", ...answer.headers },
      }),
    );
  };
  return { fetch, requests };
}

function client(answers: Answer[], options: { graphUrl?: string; fail?: Error } = {}) {
  const signIn = credential(options.fail);
  const http = scriptedFetch(answers);
  const waits: number[] = [];
  const port = tenantGraphClient({
    graphUrl: options.graphUrl ?? "https://graph.microsoft.com",
    credential: signIn.token,
    tenantId: "contoso.onmicrosoft.com",
    fetch: http.fetch,
    clock,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
  });
  return { port, scopes: signIn.scopes, requests: http.requests, waits };
}

const read = { path: "/applications(appId='a')", forbiddenFix: "Read fix." };
const write = {
  method: "POST" as const,
  path: "/servicePrincipals/r/appRoleAssignedTo",
  body: { principalId: "p" },
  purpose: "assign",
  forbiddenFix: "Ask an admin for AppRoleAssignment.ReadWrite.All.",
};

describe("tenantGraphClient", () => {
  it("asks the person's credential once for Graph's .default and reuses the token", async () => {
    const { port, scopes, requests } = client([
      { status: 200, body: { id: "1" } },
      { status: 200, body: { id: "2" } },
    ]);
    expect(await port.get(read, deadline())).toEqual({ id: "1" });
    expect(await port.get(read, deadline())).toEqual({ id: "2" });
    expect(scopes).toEqual(["https://graph.microsoft.com/.default"]);
    expect(requests.map((r) => [r.method, r.url, r.authorization])).toEqual([
      ["GET", "https://graph.microsoft.com/v1.0/applications(appId='a')", "Bearer token-1"],
      ["GET", "https://graph.microsoft.com/v1.0/applications(appId='a')", "Bearer token-1"],
    ]);
  });

  it.each([
    ["https://graph.microsoft.us/v1.0/", "https://graph.microsoft.us/.default"],
    ["https://127.0.0.1:4443", "https://graph.microsoft.com/.default"],
  ])("asks a token for the cloud's Graph (%s: %s)", async (graphUrl, scope) => {
    const { port, scopes } = client([{ status: 200, body: {} }], { graphUrl });
    await port.get(read, deadline());
    expect(scopes).toEqual([scope]);
  });

  it("answers a read's 404 with null", async () => {
    const { port } = client([
      { status: 404, body: { error: { code: "Request_ResourceNotFound", message: "gone" } } },
    ]);
    expect(await port.get(read, deadline())).toBeNull();
  });

  it("reads a collection to its last page through @odata.nextLink", async () => {
    const { port, requests } = client([
      {
        status: 200,
        body: { value: [1, 2], "@odata.nextLink": "https://graph.microsoft.com/v1.0/things?$skiptoken=x" },
      },
      { status: 200, body: { value: [3] } },
    ]);
    expect(await port.list({ path: "/things", forbiddenFix: "" }, deadline())).toEqual([1, 2, 3]);
    expect(requests[1]!.url).toBe("https://graph.microsoft.com/v1.0/things?$skiptoken=x");
  });

  it("never follows a next link to another host (the token would go with it)", async () => {
    const { port, requests } = client([
      {
        status: 200,
        body: { value: [1], "@odata.nextLink": "https://elsewhere.example/v1.0/things?page=2" },
      },
    ]);
    await expect(port.list({ path: "/things", forbiddenFix: "" }, deadline())).rejects.toMatchObject({
      code: "GRAPH_RESPONSE_INVALID",
      message:
        "Microsoft Graph's answer to GET /things links its next page outside https://graph.microsoft.com: not a collection this command reads.",
    });
    expect(requests).toHaveLength(1);
  });

  it("sends a write as JSON and gives back Graph's answer", async () => {
    const { port, requests } = client([{ status: 201, body: { id: "assignment" } }]);
    expect(await port.send(write, deadline())).toEqual({ id: "assignment" });
    expect(requests[0]).toMatchObject({ method: "POST", body: '{"principalId":"p"}' });
  });

  it("answers a 204 with null", async () => {
    const { port } = client([{ status: 204 }]);
    expect(await port.send({ ...write, method: "PATCH" }, deadline())).toBeNull();
  });

  it("appends the write's own fix to a 403", async () => {
    const { port } = client([
      {
        status: 403,
        body: {
          error: {
            code: "Authorization_RequestDenied",
            message: "Insufficient privileges to complete the operation.",
          },
        },
        headers: { "request-id": "req-1" },
      },
    ]);
    const error = await port.send(write, deadline()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "GRAPH_FORBIDDEN" });
    expect((error as Error).message).toMatch(
      /^Microsoft Graph answered POST \/servicePrincipals\/r\/appRoleAssignedTo with 403 Authorization_RequestDenied: Insufficient privileges to complete the operation\. \(client-request-id [0-9a-f-]+, request-id req-1\)\. Ask an admin for AppRoleAssignment\.ReadWrite\.All\.$/,
    );
  });

  it("tries a write again after 429 as Retry-After says, not after a 504 (it may have been carried out)", async () => {
    const throttled = client([
      {
        status: 429,
        headers: { "retry-after": "3" },
        body: { error: { code: "TooManyRequests", message: "slow down" } },
      },
      { status: 201, body: { id: "ok" } },
    ]);
    expect(await throttled.port.send(write, deadline())).toEqual({ id: "ok" });
    expect(throttled.waits).toEqual([3_000]);

    const gateway = client([
      { status: 504, body: { error: { code: "GatewayTimeout", message: "gave up" } } },
    ]);
    await expect(gateway.port.send(write, deadline())).rejects.toMatchObject({ code: "GRAPH_UNAVAILABLE" });
    expect(gateway.requests).toHaveLength(1);
  });

  it("explains a sign-in that gives no token: SIGN_IN_UNAVAILABLE with how to sign in, nothing sent", async () => {
    const { port, requests } = client([], {
      fail: Object.assign(
        new Error("DefaultAzureCredential failed to retrieve a token from the included credentials."),
        {
          name: "AggregateAuthenticationError",
        },
      ),
    });
    await expect(port.get(read, deadline())).rejects.toMatchObject({
      code: "SIGN_IN_UNAVAILABLE",
      message:
        "No token for https://graph.microsoft.com/.default as the person running m2m: DefaultAzureCredential failed to retrieve a token from the included credentials. Sign in first — 'az login --tenant contoso.onmicrosoft.com' (or the Azure account in VS Code, or AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal) — then run the command again.",
    });
    expect(requests).toEqual([]);
  });
});
