import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEntraStandIn, type EntraStandIn } from "../../dev/entra/startEntraStandIn.js";
import type { CredentialProvider } from "../../src/credentials/AppCredential.js";
import { msalTokenSource } from "../../src/tokens/msalTokenSource.js";
import { manualClock } from "../support/manualClock.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { DOWNSTREAM_SCOPE, secretClientApp } from "../support/secretClientApp.js";
import { captureTelemetry, type TelemetryCapture } from "../support/telemetryCapture.js";

const SCOPE = DOWNSTREAM_SCOPE;

let entra: EntraStandIn;
let app: ReturnType<typeof secretClientApp>;
let telemetry: TelemetryCapture;

beforeAll(async () => {
  entra = await startEntraStandIn();
  app = secretClientApp(entra, "token telemetry");
});
afterAll(async () => {
  await entra?.stop();
});
beforeEach(() => {
  telemetry = captureTelemetry();
});
afterEach(async () => {
  await telemetry.stop();
  entra.resetCounters();
});

/** The token source as the container builds it (real MSAL over HTTPS to the stand-in), built after telemetry started. */
function tokenSource() {
  const { credential } = app;
  const credentials: CredentialProvider = {
    current: () => Promise.resolve(credential),
    reload: () => Promise.resolve(credential),
  };
  const log = recordingLogger();
  const source = msalTokenSource({
    config: app.config,
    credentials,
    logger: log.logger,
    clock: manualClock().clock,
  });
  return { source, log };
}

const named = (name: string) => telemetry.spans().filter((span) => span.name === name);
const childrenOf = (parent: ReadableSpan) =>
  telemetry.spans().filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);
const tokenPoints = async () =>
  (await telemetry.points())
    .filter((point) => point.name === "m2m.token.acquisitions")
    .map((point) => ({ attributes: point.attributes, value: point.value }));

describe("token acquisition telemetry", () => {
  it("traces a network acquisition as 'token acquire' with the token request as its POST child", async () => {
    const { source } = tokenSource();

    await source.getToken();

    const [acquire] = named("token acquire");
    expect(acquire).toMatchObject({
      kind: SpanKind.INTERNAL,
      attributes: { "m2m.token.scope": SCOPE, "m2m.token.source": "network" },
      status: { code: SpanStatusCode.UNSET },
    });
    const children = childrenOf(acquire!);
    expect(children.map((span) => span.name)).toEqual(["POST"]);
    const tokenEndpoint = new URL(entra.tokenEndpoint);
    expect(children[0]).toMatchObject({
      kind: SpanKind.CLIENT,
      attributes: {
        "http.request.method": "POST",
        "server.address": tokenEndpoint.hostname,
        // MSAL's query (client-request-id, library version) is shown removed, as safeUrl shows any query.
        "url.full": `${tokenEndpoint.origin}${tokenEndpoint.pathname}?<query removed>`,
        "http.response.status_code": 200,
      },
    });
    // The request's body (the client secret) and the answer (the token) are never attributes.
    expect(JSON.stringify(telemetry.spans().map((span) => span.attributes))).not.toContain(
      app.credential.auth.clientSecret,
    );
  });

  it("serves a warm acquisition from the cache: source cache, no request span, a debug line and no Information", async () => {
    const { source, log } = tokenSource();
    await source.getToken();
    log.entries.length = 0;

    const token = await source.getToken();

    expect(token.fromCache).toBe(true);
    const [, warm] = named("token acquire");
    expect(warm).toMatchObject({ attributes: { "m2m.token.source": "cache" } });
    expect(childrenOf(warm!)).toEqual([]);
    expect(named("POST")).toHaveLength(1);
    expect(log.entries.map((entry) => [entry.level, entry.message])).toEqual([
      ["debug", "Access token acquired"],
    ]);
  });

  it("writes the network acquisition at Information, and not MSAL's 'No client info in response' warning", async () => {
    const { source, log } = tokenSource();

    await source.getToken();

    expect(log.entries.map((entry) => [entry.level, entry.message])).toEqual([
      ["info", "Access token acquired"],
    ]);
  });

  it("counts acquisitions by source, and a failed one as source none", async () => {
    const { source } = tokenSource();
    await source.getToken();
    await source.getToken();
    await source.getToken({ scope: "api://not-in-the-tenant/.default" }).catch(() => undefined);

    expect(await tokenPoints()).toEqual([
      { attributes: { "m2m.token.source": "network", "m2m.outcome": "ok" }, value: 1 },
      { attributes: { "m2m.token.source": "cache", "m2m.outcome": "ok" }, value: 1 },
      { attributes: { "m2m.token.source": "none", "m2m.outcome": "failed" }, value: 1 },
    ]);
  });

  it("marks a refused acquisition failed, with the endpoint's 400 on its request span", async () => {
    const { source } = tokenSource();

    const error = await source
      .getToken({ scope: "api://not-in-the-tenant/.default" })
      .catch((e: unknown) => e);

    const [acquire] = named("token acquire");
    expect(acquire).toMatchObject({
      status: { code: SpanStatusCode.ERROR },
      attributes: {
        "m2m.token.scope": "api://not-in-the-tenant/.default",
        "m2m.error.code": (error as { code: string }).code,
      },
    });
    expect(acquire!.attributes).not.toHaveProperty("m2m.token.source");
    expect(childrenOf(acquire!)).toMatchObject([
      {
        name: "POST",
        status: { code: SpanStatusCode.ERROR },
        attributes: { "http.response.status_code": 400, "error.type": "400" },
      },
    ]);
  });
});
