import { createPublicKey } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  startDownstreamStandIn,
  type DownstreamStandIn,
} from "../../dev/downstream/startDownstreamStandIn.js";
import { signJwt, type JwtAlgorithm } from "../../dev/jwt.js";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";
import { issueServerTls } from "../../dev/pki/serverTls.js";

const TENANT = "5d1f1c0e-1111-4222-8333-944455556666";
const APP_ID = "0a1b2c3d-1111-4222-8333-944455556666";
const AUDIENCE = "api://m2m-downstream";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A tiny token issuer: RSA signing keys published as a JWKS over HTTPS, as Entra ID publishes its keys. */
async function startTokenIssuer() {
  const published: { kid: string; key: IssuedCertificate }[] = [];
  const tls = await issueServerTls();
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (_req, res) => {
    const keys = published.map(({ kid, key }) => ({
      kty: "RSA",
      use: "sig",
      kid,
      ...createPublicKey(key.certPem).export({ format: "jwk" }),
      x5c: [key.derBase64],
    }));
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}/${TENANT}/v2.0`;
  const newKey = () => issueCertificate({ subject: "CN=test token signer", keyBits: 2048 });
  const [first, stranger] = await Promise.all([newKey(), newKey()]);
  published.push({ kid: "key-1", key: first });

  const mint = (
    claims: Record<string, unknown> = {},
    signing: { kid?: string; key?: IssuedCertificate; alg?: JwtAlgorithm } = {},
  ) => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    return signJwt(
      {
        aud: AUDIENCE,
        iss: issuer,
        tid: TENANT,
        appid: APP_ID,
        azp: APP_ID,
        idtyp: "app",
        oid: "7a1b2c3d-1111-4222-8333-944455556666",
        roles: ["Reports.Read.All"],
        iat: nowSeconds,
        nbf: nowSeconds,
        exp: nowSeconds + 3600,
        ...claims,
      },
      (signing.key ?? first).keyPem,
      { kid: signing.kid ?? "key-1", alg: signing.alg ?? "RS256" },
    );
  };

  return {
    issuer,
    jwksUri: `${origin}/${TENANT}/discovery/v2.0/keys`,
    mint,
    /** A key that is not published: signs tokens whose signature the API must refuse. */
    stranger,
    publish: (kid: string, key: IssuedCertificate) => published.push({ kid, key }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let tokens: Awaited<ReturnType<typeof startTokenIssuer>>;
let api: DownstreamStandIn;

beforeAll(async () => {
  tokens = await startTokenIssuer();
  api = await startDownstreamStandIn({ issuer: tokens.issuer, jwksUri: tokens.jwksUri, audience: AUDIENCE });
});
afterAll(async () => {
  await api?.stop();
  await tokens?.stop();
});
afterEach(() => {
  api.faults.clear();
  api.resetRequests();
});

const get = (path: string, token: string | null = tokens.mint(), init: RequestInit = {}) =>
  fetch(`${api.url}${path}`, {
    ...init,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(init.headers as Record<string, string>),
    },
  });

async function expectError(response: Response, status: number, code: string, message: string) {
  expect(response.status).toBe(status);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error).toMatchObject({ code, message });
}

describe("downstream stand-in: token validation", () => {
  it("answers a valid token with the role 200, a new x-ms-request-id and the echoed client request id", async () => {
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const response = await get("/reports", tokens.mint(), {
      headers: { "x-ms-client-request-id": "run-42", traceparent },
    });

    expect(response.status).toBe(200);
    expect(response.headers.get("x-ms-request-id")).toMatch(GUID);
    expect(response.headers.get("x-ms-client-request-id")).toBe("run-42");
    expect(await response.json()).toMatchObject({ reports: expect.any(Array) as unknown });
    expect(api.requests).toEqual([
      expect.objectContaining({
        method: "GET",
        path: "/reports",
        traceparent,
        clientRequestId: "run-42",
        requestId: response.headers.get("x-ms-request-id"),
        appid: APP_ID,
        roles: ["Reports.Read.All"],
        status: 200,
        outcome: "ok",
        fault: null,
      }),
    ]);
    expect(api.requests[0]?.headers.authorization).toBe("Bearer <redacted>");
  });

  it("gives each response its own request id and sends no client request id when none was sent", async () => {
    const [a, b] = await Promise.all([get("/reports"), get("/reports")]);
    expect(a.headers.get("x-ms-request-id")).not.toBe(b.headers.get("x-ms-request-id"));
    expect(a.headers.has("x-ms-client-request-id")).toBe(false);
  });

  it("answers a request without a token 401 with a bare Bearer challenge (RFC 6750 §3.1)", async () => {
    const response = await get("/reports", null);

    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    await expectError(
      response,
      401,
      "MissingToken",
      "The request has no Authorization header; send 'Authorization: Bearer <access token>'.",
    );
    expect(api.requests[0]).toMatchObject({
      status: 401,
      outcome: "missing_token",
      errorCode: "MissingToken",
    });
  });

  it("refuses an expired token, naming when it expired", async () => {
    const exp = Math.floor(Date.now() / 1000) - 120;
    const response = await get("/reports", tokens.mint({ exp }));

    const expiredAt = new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    expect(response.headers.get("www-authenticate")).toMatch(
      new RegExp(
        `^Bearer error="invalid_token", error_description="The token expired at ${expiredAt}; it is now `,
      ),
    );
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(401);
    expect(body.error.code).toBe("TokenExpired");
    expect(body.error.message).toMatch(
      new RegExp(
        `^The token expired at ${expiredAt}; it is now \\S+Z \\(clock tolerance 60 s\\)\\. Acquire a new token\\.$`,
      ),
    );
  });

  it("accepts a token expired less than the clock tolerance ago, and refuses one not valid yet beyond it", async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    expect((await get("/reports", tokens.mint({ exp: nowSeconds - 30 }))).status).toBe(200);

    const early = await get("/reports", tokens.mint({ nbf: nowSeconds + 600 }));
    expect(early.status).toBe(401);
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe("TokenNotYetValid");
  });

  it("refuses a token for another audience, saying what it expected and what it got", async () => {
    const response = await get("/reports", tokens.mint({ aud: "api://other-api" }));

    await expectError(
      response,
      401,
      "InvalidAudience",
      "The audience 'api://other-api' is invalid: expected 'api://m2m-downstream'. Request the token with scope 'api://m2m-downstream/.default'.",
    );
    expect(response.headers.get("www-authenticate")).toContain(
      `error_description="The audience 'api://other-api' is invalid: expected 'api://m2m-downstream'.`,
    );
  });

  it("refuses a token from another issuer", async () => {
    await expectError(
      await get("/reports", tokens.mint({ iss: "https://login.microsoftonline.com/other/v2.0" })),
      401,
      "InvalidIssuer",
      `The issuer 'https://login.microsoftonline.com/other/v2.0' is invalid: expected '${tokens.issuer}'. Is the token from the right tenant and authority?`,
    );
  });

  it("refuses a token whose signature was not made with the published key of its kid", async () => {
    await expectError(
      await get("/reports", tokens.mint({}, { key: tokens.stranger })),
      401,
      "InvalidSignature",
      `The signature is invalid: the token was not signed by the key with kid 'key-1' published at ${tokens.jwksUri}.`,
    );
  });

  it("refuses a token that is not RS256", async () => {
    await expectError(
      await get("/reports", tokens.mint({}, { alg: "PS256" })),
      401,
      "UnsupportedAlgorithm",
      "The token is signed with alg 'PS256'; this API accepts RS256 only.",
    );
  });

  it("refuses a bearer value that is not a JWT", async () => {
    const response = await get("/reports", "not-a-jwt");
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("MalformedToken");
  });

  it("fetches the JWKS again once for an unknown kid: refuses an unpublished key, accepts a newly rolled one", async () => {
    await get("/reports"); // keys cached
    const before = api.jwksFetches;

    await expectError(
      await get("/reports", tokens.mint({}, { kid: "key-2", key: tokens.stranger })),
      401,
      "SignatureKeyNotFound",
      `The signature key was not found: kid 'key-2' is not in the issuer's keys at ${tokens.jwksUri} (fetched again to be sure).`,
    );
    expect(api.jwksFetches).toBe(before + 1);

    tokens.publish("key-2", tokens.stranger);
    expect((await get("/reports", tokens.mint({}, { kid: "key-2", key: tokens.stranger }))).status).toBe(200);
    expect((await get("/reports", tokens.mint({}, { kid: "key-2", key: tokens.stranger }))).status).toBe(200);
    expect(api.jwksFetches).toBe(before + 2);
  });
});

describe("downstream stand-in: app roles and routes", () => {
  it("answers 403 naming the missing role and the roles the token had", async () => {
    const response = await get("/reports", tokens.mint({ roles: undefined }));

    await expectError(
      response,
      403,
      "MissingRole",
      `The token's roles claim lacks Reports.Read.All (has: none). Assign the app role Reports.Read.All of api://m2m-downstream to the client app's service principal (appid ${APP_ID}) and grant admin consent; tokens issued before the assignment keep their old roles until they expire.`,
    );
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer error="insufficient_scope", /);
    expect(api.requests[0]).toMatchObject({ status: 403, outcome: "forbidden", roles: [], appid: APP_ID });
  });

  it("checks each route's own role: POST /reports/sync needs Reports.Write", async () => {
    const refused = await fetch(`${api.url}/reports/sync`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.mint()}`, "content-type": "application/json" },
      body: JSON.stringify({ since: "2025-01-01" }),
    });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /^The token's roles claim lacks Reports.Write \(has: Reports.Read.All\)\./,
    );

    const accepted = await fetch(`${api.url}/reports/sync`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.mint({ roles: ["Reports.Write"] })}` },
      body: JSON.stringify({ since: "2025-01-01" }),
    });
    expect(accepted.status).toBe(202);
    expect(api.requests[1]).toMatchObject({ body: '{"since":"2025-01-01"}', status: 202, outcome: "ok" });
  });

  it("answers 404 for an unknown path and 405 with Allow for a known path with another method", async () => {
    const missing = await get("/nope");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toBe(
      "No route GET /nope. This API serves: GET /reports, POST /reports/sync, GET /large?bytes=N.",
    );

    const wrongMethod = await get("/reports", tokens.mint(), { method: "DELETE" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET");
  });

  it("serves GET /large?bytes=N with exactly N bytes, as text or as JSON, to any valid token", async () => {
    const text = await get("/large?bytes=200000", tokens.mint({ roles: undefined }));
    expect(text.status).toBe(200);
    expect(text.headers.get("content-length")).toBe("200000");
    expect((await text.arrayBuffer()).byteLength).toBe(200_000);

    const json = await get("/large?bytes=100000&type=json&chunked=true");
    expect(json.headers.get("content-length")).toBeNull();
    const body = await json.text();
    expect(body).toHaveLength(100_000);
    expect((JSON.parse(body) as { data: string }).data).toMatch(/^x+$/);

    expect((await get("/large?bytes=lots")).status).toBe(400);
    expect((await get("/large?bytes=10", null)).status).toBe(401);
  });
});

describe("downstream stand-in: faults", () => {
  it("resets the connection without answering: fetch throws", async () => {
    api.faults.enqueue("GET /reports", { kind: "reset" });

    await expect(get("/reports")).rejects.toThrow(TypeError);
    expect(api.requests[0]).toMatchObject({ status: null, outcome: "fault", fault: "reset" });
    expect((await get("/reports")).status).toBe(200);
  });

  it("hangs until the client gives up", async () => {
    api.faults.enqueue("GET /reports", { kind: "hang" });

    const started = Date.now();
    await expect(get("/reports", tokens.mint(), { signal: AbortSignal.timeout(200) })).rejects.toMatchObject({
      name: "TimeoutError",
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(api.requests[0]).toMatchObject({ status: null, outcome: "fault", fault: "hang" });
  });

  it("throttles with 429 and Retry-After in seconds or as an HTTP date", async () => {
    const date = new Date(Date.now() + 5000).toUTCString();
    api.faults.enqueue(
      "GET /reports",
      { kind: "throttle", retryAfter: "2" },
      { kind: "throttle", retryAfter: date },
    );

    const seconds = await get("/reports");
    expect(seconds.headers.get("retry-after")).toBe("2");
    await expectError(seconds, 429, "TooManyRequests", "Rate limit is exceeded. Try again in 2 seconds.");
    const dated = await get("/reports");
    expect(dated.status).toBe(429);
    expect(dated.headers.get("retry-after")).toBe(date);
  });

  it("answers an injected status with a default error body, or the given body and headers", async () => {
    api.faults.enqueue(
      "GET /reports",
      { kind: "status", status: 503 },
      {
        kind: "status",
        status: 502,
        body: "<html>Bad Gateway</html>",
        headers: { "content-type": "text/html" },
      },
    );

    const unavailable = await get("/reports");
    expect(unavailable.headers.get("x-ms-request-id")).toMatch(GUID);
    await expectError(unavailable, 503, "ServiceUnavailable", "Injected fault: 503 Service Unavailable.");
    const gateway = await get("/reports");
    expect(gateway.status).toBe(502);
    expect(gateway.headers.get("content-type")).toBe("text/html");
    expect(await gateway.text()).toBe("<html>Bad Gateway</html>");
  });

  it("answers 401 once to a valid token after an injected key rollover, then 200", async () => {
    api.faults.enqueue("GET /reports", { kind: "unauthorized" });
    const token = tokens.mint();

    const first = await get("/reports", token);
    expect(first.status).toBe(401);
    expect(first.headers.get("www-authenticate")).toMatch(
      /^Bearer error="invalid_token", error_description="/,
    );
    expect((await get("/reports", token)).status).toBe(200);
  });

  it("delays the normal answer by the injected latency", async () => {
    api.faults.enqueue("GET /reports", { kind: "latency", ms: 150 });

    const started = Date.now();
    const response = await get("/reports", tokens.mint({ roles: undefined }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    expect(response.status).toBe(403);
    expect(api.requests[0]).toMatchObject({ fault: "latency", outcome: "forbidden" });
  });

  it("consumes faults in order, one per request to their route only", async () => {
    api.faults.enqueue(
      "get /reports",
      { kind: "status", status: 500 },
      { kind: "throttle", retryAfter: "1" },
    );
    api.faults.enqueue("GET /reports", { kind: "status", status: 504 });
    expect(api.faults.pending("GET /reports")).toBe(3);

    expect((await get("/large?bytes=1")).status).toBe(200);
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await get("/reports")).status);

    expect(statuses).toEqual([500, 429, 504, 200]);
    expect(api.faults.pending()).toBe(0);
    expect(api.requests.map((r) => r.fault)).toEqual([null, "status", "throttle", "status", null]);
  });

  it("drops scripted faults on clear", async () => {
    api.faults.enqueue("GET /reports", { kind: "status", status: 500 });
    api.faults.clear("GET /reports");
    expect((await get("/reports")).status).toBe(200);
    expect(() => api.faults.enqueue("/reports", { kind: "reset" })).toThrow(
      `fault key '/reports' is not of the form "<METHOD> <path>", e.g. "GET /reports"`,
    );
  });

  it("takes a scenario of faults at start-up", async () => {
    const scripted = await startDownstreamStandIn({
      issuer: tokens.issuer,
      jwksUri: tokens.jwksUri,
      audience: AUDIENCE,
      routes: [{ method: "GET", path: "/items", requiredRoles: [], json: { items: [1] } }],
      faults: { "GET /items": [{ kind: "status", status: 503 }] },
    });
    try {
      const auth = { authorization: `Bearer ${tokens.mint({ roles: undefined })}` };
      expect((await fetch(`${scripted.url}/items`, { headers: auth })).status).toBe(503);
      const ok = await fetch(`${scripted.url}/items`, { headers: auth });
      expect(await ok.json()).toEqual({ items: [1] });
    } finally {
      await scripted.stop();
    }
  });

  it("stops while a request hangs", async () => {
    const hanging = await startDownstreamStandIn({
      issuer: tokens.issuer,
      jwksUri: tokens.jwksUri,
      audience: AUDIENCE,
      faults: { "GET /reports": [{ kind: "hang" }] },
    });
    const pending = fetch(`${hanging.url}/reports`);
    await expect.poll(() => hanging.requests.length).toBe(1);

    await hanging.stop();
    await expect(pending).rejects.toThrow(TypeError);
  });
});
