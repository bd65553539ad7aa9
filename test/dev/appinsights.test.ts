import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  INGESTION_REASONS,
  startAppInsightsStandIn,
  type AppInsightsStandIn,
} from "../../dev/appinsights/startAppInsightsStandIn.js";
import { startEntraStandIn, type EntraStandIn } from "../../dev/entra/startEntraStandIn.js";

const gzipAsync = promisify(gzip);
const NOW = Date.now();
const time = (agoMs = 0) => new Date(NOW - agoMs).toISOString();

let entra: EntraStandIn;
let appInsights: AppInsightsStandIn;
beforeAll(async () => {
  entra = await startEntraStandIn();
  appInsights = await startAppInsightsStandIn({
    entra: { issuer: entra.issuer, jwksUri: entra.jwksUri, publishers: [entra.managedIdentity.principalId] },
  });
});
afterAll(async () => {
  await Promise.all([appInsights?.stop(), entra?.stop()]);
});
afterEach(() => appInsights.clear());

/** A managed identity token from App Service's endpoint, as ManagedIdentityCredential gets it. */
async function identityToken(resource: string, clientId?: string): Promise<string> {
  const query = new URLSearchParams({
    "api-version": "2019-08-01",
    resource,
    ...(clientId ? { client_id: clientId } : {}),
  });
  const response = await fetch(`${entra.managedIdentity.endpoint}?${query.toString()}`, {
    headers: { "X-IDENTITY-HEADER": entra.managedIdentity.header },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

const message = (text: string, overrides: Record<string, unknown> = {}) => ({
  ver: 1,
  name: "Microsoft.ApplicationInsights.Message",
  time: time(),
  iKey: appInsights.instrumentationKey,
  tags: { "ai.cloud.role": "m2m-functions", "ai.operation.id": "4bf92f3577b34da6a3ce929d0e0e4736" },
  data: {
    baseType: "MessageData",
    baseData: {
      ver: 2,
      message: text,
      severityLevel: "Information",
      properties: { job: "report-pull", attempts: 1 },
    },
  },
  ...overrides,
});
const request = () => ({
  ver: 1,
  name: "Microsoft.ApplicationInsights.Request",
  time: time(),
  iKey: appInsights.instrumentationKey,
  tags: {},
  data: {
    baseType: "RequestData",
    baseData: {
      ver: 2,
      id: "00f067aa0ba902b7",
      name: "GET /api/jobs",
      duration: "00:00:00.120",
      success: true,
      responseCode: "200",
    },
  },
});

async function track(
  body: unknown,
  options: { token?: string; path?: string; gzip?: boolean; method?: string } = {},
): Promise<{ status: number; statusText: string; body: unknown }> {
  const text = JSON.stringify(body);
  const response = await fetch(`${appInsights.url}${options.path ?? "/v2.1/track"}`, {
    method: options.method ?? "POST",
    headers: {
      "Content-Type": "application/json",
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...(options.gzip ? { "Content-Encoding": "gzip" } : {}),
    },
    ...(options.method === "GET" ? {} : { body: options.gzip ? await gzipAsync(text) : text }),
  });
  return { status: response.status, statusText: response.statusText, body: await response.json() };
}

describe("Application Insights stand-in with local authentication off, as infra/ deploys the component", () => {
  it("accepts a batch with a publisher's token for https://monitor.azure.com and keeps the items decoded", async () => {
    const token = await identityToken("https://monitor.azure.com");
    const answer = await track([message("Job run succeeded"), request()], { token });
    expect(answer).toMatchObject({ status: 200, body: { itemsReceived: 2, itemsAccepted: 2, errors: [] } });
    expect(appInsights.items()).toEqual([
      expect.objectContaining({
        type: "message",
        message: "Job run succeeded",
        severityLevel: "Information",
        cloudRole: "m2m-functions",
        operationId: "4bf92f3577b34da6a3ce929d0e0e4736",
        properties: { job: "report-pull", attempts: "1" },
      }),
      expect.objectContaining({
        type: "request",
        id: "00f067aa0ba902b7",
        success: true,
        responseCode: "200",
      }),
    ]);
    expect(appInsights.attempts()).toEqual([
      expect.objectContaining({
        status: 200,
        authorization: "valid",
        principalId: entra.managedIdentity.principalId,
        appId: entra.managedIdentity.clientId,
        baseTypes: ["MessageData", "RequestData"],
        refusals: [],
      }),
    ]);
  });

  it("refuses a batch without a token with 401, an error per item, and keeps nothing", async () => {
    const answer = await track([message("one"), message("two")]);
    const why =
      `${INGESTION_REASONS.unauthorized}. Local authentication is disabled on this component: send a Microsoft Entra ` +
      "token for https://monitor.azure.com (APPLICATIONINSIGHTS_AUTHENTICATION_STRING names the identity).";
    expect(answer).toEqual({
      status: 401,
      statusText: "Unauthorized - please provide the valid authorization token",
      body: {
        itemsReceived: 2,
        itemsAccepted: 0,
        errors: [
          { index: 0, statusCode: 401, message: why },
          { index: 1, statusCode: 401, message: why },
        ],
      },
    });
    expect(appInsights.items()).toEqual([]);
    expect(appInsights.attempts()).toEqual([expect.objectContaining({ status: 401, authorization: "none" })]);
  });

  it("refuses a token for another audience with 401, saying which audience it expects", async () => {
    const answer = await track([message("one")], { token: await identityToken("https://vault.azure.net") });
    expect(answer.status).toBe(401);
    expect(appInsights.attempts()[0]?.refusals).toEqual([
      `${INGESTION_REASONS.unauthorized}. The audience 'https://vault.azure.net' is invalid: expected ` +
        "'https://monitor.azure.com'. Request the token with scope 'https://monitor.azure.com/.default'.",
    ]);
    expect(appInsights.attempts()[0]?.authorization).toBe("invalid");
  });

  it("refuses a token that is not a JWT with 401", async () => {
    const answer = await track([message("one")], { token: "not-a-token" });
    expect(answer.status).toBe(401);
    expect(appInsights.attempts()[0]?.authorization).toBe("invalid");
  });

  it("refuses an identity without Monitoring Metrics Publisher with 403", async () => {
    const stranger = entra.addUserAssignedIdentity("not-a-publisher");
    const answer = await track([message("one")], {
      token: await identityToken("https://monitor.azure.com", stranger.clientId),
    });
    expect(answer).toMatchObject({
      status: 403,
      statusText: INGESTION_REASONS.forbidden,
      body: { itemsReceived: 1, itemsAccepted: 0 },
    });
    expect(appInsights.attempts()[0]).toMatchObject({
      authorization: "valid",
      principalId: stranger.principalId,
      refusals: [
        `${INGESTION_REASONS.forbidden}. The identity ${stranger.principalId} does not hold Monitoring Metrics ` +
          "Publisher on this Application Insights component.",
      ],
    });
  });

  it("refuses v2/track, which takes no token, with 400", async () => {
    const answer = await track([message("one")], { path: "/v2/track" });
    expect(answer).toMatchObject({ status: 400, statusText: INGESTION_REASONS.v2WithEntra });
    expect(appInsights.items()).toEqual([]);
  });

  it("takes gzip bodies and the double slash a connection string's trailing slash gives", async () => {
    const token = await identityToken("https://monitor.azure.com");
    const answer = await track([message("zipped")], { token, gzip: true, path: "//v2.1/track" });
    expect(answer.status).toBe(200);
    expect(appInsights.attempts()[0]).toMatchObject({ path: "/v2.1/track", gzip: true });
    expect(appInsights.items().map((item) => (item.type === "message" ? item.message : item.type))).toEqual([
      "zipped",
    ]);
  });

  it("gives the connection string of its component, with the endpoint's trailing slash", () => {
    expect(appInsights.connectionString).toBe(
      `InstrumentationKey=${appInsights.instrumentationKey};IngestionEndpoint=${appInsights.url}/`,
    );
  });
});

describe("Application Insights stand-in checks each item", () => {
  let token: string;
  beforeAll(async () => {
    token = await identityToken("https://monitor.azure.com");
  });

  it("answers 206 with the index of an item for another instrumentation key, and keeps the rest", async () => {
    const answer = await track(
      [message("mine"), message("theirs", { iKey: "00000000-0000-4000-8000-000000000000" })],
      {
        token,
      },
    );
    expect(answer).toEqual({
      status: 206,
      statusText: "Partial Content",
      body: {
        itemsReceived: 2,
        itemsAccepted: 1,
        errors: [{ index: 1, statusCode: 400, message: "Invalid instrumentation key" }],
      },
    });
    expect(appInsights.items()).toHaveLength(1);
  });

  it.each([
    ["no name", { name: undefined }, "Field 'name' on type 'Envelope' is required."],
    [
      "an item older than 48 hours",
      { time: time(49 * 3600_000) },
      `Field 'time' on type 'Envelope' is older than 48 hours: '${time(49 * 3600_000)}'.`,
    ],
    [
      "an unknown type",
      { data: { baseType: "SpanData", baseData: { ver: 2 } } },
      "Field 'baseType' on type 'Data' is not a known type: 'SpanData'.",
    ],
    [
      "a message without text",
      { data: { baseType: "MessageData", baseData: { ver: 2 } } },
      "Field 'message' on type 'MessageData' is required.",
    ],
    [
      "a metric without a value",
      { data: { baseType: "MetricData", baseData: { ver: 2, metrics: [{ name: "m2m.job.runs" }] } } },
      "Field 'value' on type 'DataPoint' is required.",
    ],
  ])("answers 400 when every item is refused: %s", async (_case, overrides, error) => {
    const answer = await track([message("bad", overrides)], { token });
    expect(answer).toEqual({
      status: 400,
      statusText: "Bad Request",
      body: { itemsReceived: 1, itemsAccepted: 0, errors: [{ index: 0, statusCode: 400, message: error }] },
    });
    expect(appInsights.items()).toEqual([]);
  });

  it("answers 400 to a body that is not JSON", async () => {
    const response = await fetch(`${appInsights.url}/v2.1/track`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: "{not json",
    });
    expect(response.status).toBe(400);
  });

  it("answers 404 to another path and 405 to another method", async () => {
    expect((await track([], { path: "/v2.1/other" })).status).toBe(404);
    expect((await track([], { method: "GET" })).status).toBe(405);
  });
});

describe("Application Insights stand-in with local authentication on", () => {
  it("accepts a batch without a token", async () => {
    const open = await startAppInsightsStandIn();
    try {
      const response = await fetch(`${open.url}/v2.1/track`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify([{ ...message("open"), iKey: open.instrumentationKey }]),
      });
      expect(response.status).toBe(200);
      expect(open.attempts()).toEqual([expect.objectContaining({ status: 200, authorization: "none" })]);
    } finally {
      await open.stop();
    }
  });

  it("cannot have local authentication off without a tenant to check tokens against", async () => {
    await expect(startAppInsightsStandIn({ localAuth: false })).rejects.toThrow(
      "startAppInsightsStandIn: localAuth: false needs `entra` (the tenant whose tokens it takes)",
    );
  });
});
