import { ConfidentialClientApplication } from "@azure/msal-node";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AppRegistration } from "../../dev/entra/Directory.js";
import { startEntraStandIn, type EntraStandIn } from "../../dev/entra/startEntraStandIn.js";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";
import { systemClock } from "../../src/clock/Clock.js";
import { createDeadline } from "../../src/clock/Deadline.js";
import { parseCertificateMaterial } from "../../src/credentials/certificate/parseCertificateMaterial.js";
import { localSigner } from "../../src/credentials/signing/localSigner.js";
import { buildKeyProof } from "../../src/graph/buildKeyProof.js";
import { graphApplicationsClient, type GraphClientOptions } from "../../src/graph/graphApplicationsClient.js";
import { inSpan } from "../../src/telemetry/tracer.js";
import type { TokenSource } from "../../src/tokens/TokenSource.js";
import { captureTelemetry, type TelemetryCapture } from "../support/telemetryCapture.js";

let standIn: EntraStandIn;
let current: IssuedCertificate;
let next: IssuedCertificate;

beforeAll(async () => {
  [standIn, current, next] = await Promise.all([
    startEntraStandIn(),
    issueCertificate({ subject: "CN=client-current" }),
    issueCertificate({ subject: "CN=client-next" }),
  ]);
});
afterAll(async () => {
  await standIn?.stop();
});
afterEach(() => {
  standIn.graphFaults.clear();
  standIn.resetCounters();
});

/** The app's tokens through MSAL Node with one certificate, as the product's TokenSource hands them out. */
function tokensWith(clientId: string, certificate: IssuedCertificate): TokenSource {
  const client = new ConfidentialClientApplication({
    auth: {
      clientId,
      authority: standIn.authority,
      knownAuthorities: [new URL(standIn.authorityHost).host],
      authorityMetadata: JSON.stringify(standIn.metadata),
      clientCertificate: { thumbprintSha256: certificate.thumbprintSha256, privateKey: certificate.keyPem },
    },
  });
  return {
    async getToken(options) {
      const scope = options?.scope ?? "";
      const result = await client.acquireTokenByClientCredential({ scopes: [scope] });
      if (!result) throw new Error("MSAL returned no result");
      return {
        token: result.accessToken,
        expiresOn: result.expiresOn ?? new Date(),
        scope,
        fromCache: result.fromCache ?? false,
        credentialId: certificate.thumbprintSha256,
      };
    },
  };
}

const signer = async (c: IssuedCertificate) =>
  localSigner(await parseCertificateMaterial({ kind: "pem", text: c.keyPem + c.certPem }, "test"));

/** An app registration with `current` registered and, unless told otherwise, Application.ReadWrite.OwnedBy. */
function newApp(graphRoles: string[] = ["Application.ReadWrite.OwnedBy"]): AppRegistration {
  const app = standIn.registerApp({ displayName: "product client" });
  standIn.addCertificate(app.clientId, { certPem: current.certPem });
  if (graphRoles.length > 0) standIn.assignRoles(app.clientId, "https://graph.microsoft.com", graphRoles);
  standIn.addOwner(app.clientId, app.servicePrincipalObjectId);
  return app;
}

/** The product's client for `app`; waits between attempts are recorded, not slept. */
function clientFor(app: AppRegistration, options: Partial<GraphClientOptions> = {}) {
  const waits: number[] = [];
  const graph = graphApplicationsClient({
    graphUrl: standIn.graphBaseUrl,
    tokens: tokensWith(app.clientId, current),
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    ...options,
  });
  return { graph, waits };
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** A message asserted literally, with "{id}" where a request id (a fresh GUID) stands. */
const literally = (message: string) =>
  new RegExp(`^${message.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replaceAll("{id}", UUID)}$`);

const gets = () => standIn.graphRequests.filter((r) => r.method === "GET").length;

describe("the product's Graph client against the stand-in", () => {
  it("finds its application by appId, adds the new certificate and removes the old one", async () => {
    const app = newApp();
    const { graph } = clientFor(app);

    const found = await graph.getByAppId(app.clientId);
    expect(found).toMatchObject({ id: app.objectId, appId: app.clientId });
    const [old] = found.keyCredentials;
    expect(old).toMatchObject({ key: current.derBase64 }); // $select=keyCredentials returns the key
    expect(Object.keys(found)).toEqual([
      "id",
      "appId",
      "displayName",
      "keyCredentials",
      "passwordCredentials",
    ]);

    const added = await graph.addKey(
      found.id,
      next.derBase64,
      "CN=client-next",
      await buildKeyProof(await signer(current), found.id, new Date()),
    );
    expect(added.customKeyIdentifier).toBe(Buffer.from(next.thumbprintSha1, "hex").toString("base64"));

    await graph.removeKey(
      found.id,
      old?.keyId ?? "",
      await buildKeyProof(await signer(next), found.id, new Date()),
    );
    expect(standIn.getApp(app.clientId)?.keyCredentials.map((k) => k.customKeyIdentifier)).toEqual([
      next.thumbprintSha1,
    ]);
    expect(standIn.graphRequests.map((r) => `${r.method} ${r.status}`)).toEqual([
      "GET 200",
      "POST 200",
      "POST 204",
    ]);
  });

  it("rolls its own keys without a Graph permission, but cannot read itself: GRAPH_FORBIDDEN with the fix", async () => {
    const app = newApp([]);
    const { graph } = clientFor(app);

    const added = await graph.addKey(
      app.objectId,
      next.derBase64,
      "CN=client-next",
      await buildKeyProof(await signer(current), app.objectId, new Date()),
    );
    expect(added.keyId).toMatch(new RegExp(`^${UUID}$`));

    const error = await graph.getByAppId(app.clientId).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "GRAPH_FORBIDDEN" });
    expect((error as Error).message).toMatch(
      literally(
        `Microsoft Graph answered GET /applications(appId='${app.clientId}') with 403 Authorization_RequestDenied: ` +
          `Insufficient privileges to complete the operation. (client-request-id {id}, request-id {id}). ` +
          `Reading its app registration (to see the registered keys before addKey and removeKey, which need no permission) ` +
          `needs the Microsoft Graph application permission Application.ReadWrite.OwnedBy, with the app's service principal ` +
          `an owner of the registration, or Application.Read.All. Its Graph token carries no application permission (no roles claim). ` +
          `Fix, as an administrator: az ad app permission add --id ${app.clientId} --api 00000003-0000-0000-c000-000000000000 ` +
          `--api-permissions 18a4783c-866b-4cc7-a460-3d5e5662c884=Role; az ad app permission admin-consent --id ${app.clientId}; ` +
          `az ad app owner add --id ${app.clientId} --owner-object-id ${app.servicePrincipalObjectId} ` +
          `(or, read-only: --api-permissions 9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30=Role for Application.Read.All, and no owner). ` +
          `The app sees the permission in its next Graph token: restart it, or wait until its cached token expires (at most about an hour).`,
      ),
    );
    expect(gets()).toBe(1); // a 403 is final: not retried
  });

  it("says GRAPH_NOT_FOUND, with what to check, for an appId the tenant does not have", async () => {
    const app = newApp(["Application.Read.All"]);
    const missing = "0f0f0f0f-0000-4000-8000-000000000000";
    const error = await clientFor(app)
      .graph.getByAppId(missing)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "GRAPH_NOT_FOUND" });
    expect((error as Error).message).toMatch(
      literally(
        `Microsoft Graph answered GET /applications(appId='${missing}') with 404 Request_ResourceNotFound: ` +
          `Resource '${missing}' does not exist or one of its queried reference-property objects are not present. ` +
          `(client-request-id {id}, request-id {id}). Check M2M_CLIENT_ID and M2M_TENANT_ID: Graph has no such application in the tenant of the app's token.`,
      ),
    );
  });
});

describe("retries", () => {
  it("waits what a 429's Retry-After asks, then reads", async () => {
    const app = newApp();
    const { graph, waits } = clientFor(app);
    standIn.graphFaults.enqueue({ kind: "throttle", retryAfter: "2" });

    await expect(graph.get(app.objectId)).resolves.toMatchObject({ id: app.objectId });
    expect(waits).toEqual([2_000]);
    expect(standIn.graphRequests.map((r) => r.status)).toEqual([429, 200]);
  });

  it("retries a read after 503, 504 and a reset connection, with backoff when Graph names no wait", async () => {
    const app = newApp();
    const { graph, waits } = clientFor(app);
    standIn.graphFaults.enqueue(
      { kind: "status", status: 503 },
      { kind: "status", status: 504 },
      { kind: "reset" },
    );

    await expect(graph.get(app.objectId)).resolves.toMatchObject({ id: app.objectId });
    // Full jitter (random 0.5) of 1 s, 2 s, 4 s.
    expect(waits).toEqual([500, 1_000, 2_000]);
    expect(standIn.graphRequests.map((r) => [r.status, r.fault])).toEqual([
      [503, "status"],
      [504, "status"],
      [0, "reset"],
      [200, undefined],
    ]);
  });

  it("gives up after four attempts with GRAPH_UNAVAILABLE naming Graph's answer", async () => {
    const app = newApp();
    const { graph, waits } = clientFor(app);
    standIn.graphFaults.enqueue(
      ...Array.from({ length: 4 }, () => ({ kind: "status" as const, status: 503 })),
    );

    const error = await graph.get(app.objectId).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "TransientError", code: "GRAPH_UNAVAILABLE" });
    expect((error as Error).message).toMatch(
      literally(
        `Microsoft Graph answered GET /applications/${app.objectId} with 503 serviceNotAvailable: Injected fault. (after 4 attempts) (client-request-id {id}, request-id {id}).`,
      ),
    );
    expect(waits).toHaveLength(3);
  });

  it("repeats addKey after 429 and 503, which say Graph did not add it, but not after a 504", async () => {
    const app = newApp();
    const { graph, waits } = clientFor(app);
    const proof = await buildKeyProof(await signer(current), app.objectId, new Date());
    standIn.graphFaults.enqueue({ kind: "throttle", retryAfter: "1" }, { kind: "status", status: 503 });
    await expect(graph.addKey(app.objectId, next.derBase64, "next", proof)).resolves.toMatchObject({
      type: "AsymmetricX509Cert",
    });
    expect(waits).toEqual([1_000, 1_000]);

    const another = await issueCertificate({ subject: "CN=client-another" });
    standIn.graphFaults.enqueue({ kind: "status", status: 504 });
    const error = await graph
      .addKey(app.objectId, another.derBase64, "another", proof)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "GRAPH_UNAVAILABLE" });
    expect((error as Error).message).toContain(
      `Microsoft Graph answered POST /applications/${app.objectId}/addKey with 504 generalException: Injected fault. (client-request-id`,
    );
    expect(standIn.graphRequests.filter((r) => r.method === "POST")).toHaveLength(4);
  });

  it("does not start a wait that would pass the deadline: fails at once, saying how long Graph asked", async () => {
    const app = newApp();
    const { graph, waits } = clientFor(app);
    standIn.graphFaults.enqueue({ kind: "throttle", retryAfter: "120" });
    const deadline = createDeadline({ budgetMs: 10_000, clock: systemClock });

    const error = await graph.get(app.objectId, deadline).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "GRAPH_UNAVAILABLE" });
    expect((error as Error).message).toMatch(
      literally(
        `Microsoft Graph answered GET /applications/${app.objectId} with 429 TooManyRequests: Too many requests. Please try again later. (Injected fault.) ` +
          `(after 1 attempt; waiting 120 s for another would pass the deadline) (client-request-id {id}, request-id {id}).`,
      ),
    );
    expect(waits).toEqual([]);
    expect(deadline.leftMs()).toBeGreaterThan(5_000);
  });
});

describe("bounds", () => {
  it("gives a hung Graph no more than the caller's deadline: TIMED_OUT naming Microsoft Graph", async () => {
    const app = newApp();
    const { graph } = clientFor(app, { timeoutMs: 60_000 });
    await graph.get(app.objectId); // the token is cached: the deadline is Graph's alone
    standIn.graphFaults.enqueue({ kind: "hang" });
    const deadline = createDeadline({ budgetMs: 1_500, clock: systemClock });
    const started = Date.now();

    const error = await graph.get(app.objectId, deadline).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: "TimedOutError", code: "TIMED_OUT", edge: "Microsoft Graph" });
    expect(Date.now() - started).toBeLessThan(1_500 + 1_000);
  });

  it("tries a read again when one attempt hangs longer than its timeout and the deadline leaves time", async () => {
    const app = newApp();
    const { graph, waits } = clientFor(app, { timeoutMs: 300 });
    await graph.get(app.objectId);
    standIn.resetCounters();
    standIn.graphFaults.enqueue({ kind: "hang" });

    await expect(
      graph.get(app.objectId, createDeadline({ budgetMs: 5_000, clock: systemClock })),
    ).resolves.toMatchObject({ id: app.objectId });
    expect(waits).toEqual([500]);
    expect(standIn.graphRequests.map((r) => r.fault ?? r.status)).toEqual(["hang", 200]);
  });

  it("bounds a call made without a deadline by its own timeout: GRAPH_TIMEOUT", async () => {
    const app = newApp();
    const { graph } = clientFor(app, { timeoutMs: 1_000 });
    await graph.get(app.objectId);
    standIn.graphFaults.enqueue({ kind: "hang" });

    const error = await graph.get(app.objectId).catch((e: unknown) => e);

    expect(error).toMatchObject({ name: "TransientError", code: "GRAPH_TIMEOUT" });
    expect((error as Error).message).toBe(
      `Microsoft Graph did not answer GET /applications/${app.objectId} within the Graph client's 1 s (every attempt and wait included).`,
    );
  });

  it("stops reading a body over the cap: 200 MB cost neither the time nor the memory to read it", async () => {
    const app = newApp();
    const { graph } = clientFor(app);
    await graph.get(app.objectId);
    standIn.graphFaults.enqueue({ kind: "large", bytes: 200 * 1024 * 1024 });
    const rssBefore = process.memoryUsage().rss;
    const deadline = createDeadline({ budgetMs: 10_000, clock: systemClock });

    const error = await graph.get(app.objectId, deadline).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "GRAPH_RESPONSE_TOO_LARGE" });
    expect((error as Error).message).toMatch(
      literally(
        `Microsoft Graph answered GET /applications/${app.objectId} with 200 and a body over 1048576 bytes, far more than an application object; it was not read (client-request-id {id}, request-id {id}). ` +
          `Check that M2M_GRAPH_URL (${standIn.authorityHost}) is Microsoft Graph's root (https://graph.microsoft.com, or a national cloud's) and that no proxy answers in its place.`,
      ),
    );
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
    expect(deadline.leftMs()).toBeGreaterThan(0);
  });

  it("refuses a 2xx that is not JSON, and JSON that is not an application: GRAPH_RESPONSE_INVALID", async () => {
    const app = newApp();
    const { graph } = clientFor(app);
    standIn.graphFaults.enqueue(
      { kind: "status", status: 200, body: "<html><body>Sign in to the proxy</body></html>" },
      { kind: "status", status: 200, body: { value: [] } },
    );

    const html = await graph.get(app.objectId).catch((e: unknown) => e);
    expect(html).toMatchObject({ code: "GRAPH_RESPONSE_INVALID" });
    expect((html as Error).message).toMatch(
      literally(
        `Microsoft Graph answered GET /applications/${app.objectId} with 200 and a body that is not JSON (content-type text/html: "<html><body>Sign in to the proxy</body></html>") (client-request-id {id}, request-id {id}). ` +
          `Check that M2M_GRAPH_URL (${standIn.authorityHost}) is Microsoft Graph's root (https://graph.microsoft.com, or a national cloud's) and that no proxy answers in its place.`,
      ),
    );
    const other = await graph.get(app.objectId).catch((e: unknown) => e);
    expect(other).toMatchObject({ code: "GRAPH_RESPONSE_INVALID" });
    expect((other as Error).message).toContain(
      "with 200 and JSON that is not an application object: id is missing, not a non-empty string (client-request-id",
    );
  });
});

describe("telemetry", () => {
  let telemetry: TelemetryCapture;
  beforeEach(() => {
    telemetry = captureTelemetry();
  });
  afterEach(async () => {
    await telemetry.stop();
  });

  const graphSpans = () => telemetry.spans().filter((span) => span.kind === SpanKind.CLIENT);

  it("traces each attempt of a throttled read as a CLIENT span in the caller's span, the retry marked", async () => {
    const app = newApp();
    const { graph } = clientFor(app);
    standIn.graphFaults.enqueue({ kind: "throttle", retryAfter: "2" });

    await inSpan("certificate check", {}, () => graph.get(app.objectId));

    const [caller] = telemetry.spans().filter((span) => span.name === "certificate check");
    const url = `${standIn.graphBaseUrl}/applications/${app.objectId}?<query removed>`;
    expect(graphSpans()).toMatchObject([
      {
        name: "GET",
        parentSpanContext: { spanId: caller!.spanContext().spanId },
        status: { code: SpanStatusCode.ERROR },
        attributes: {
          "http.request.method": "GET",
          "server.address": new URL(standIn.graphBaseUrl).hostname,
          "url.full": url,
          "http.response.status_code": 429,
          "error.type": "429",
          "m2m.attempt": 1,
          "m2m.attempt.retry": false,
        },
      },
      {
        name: "GET",
        parentSpanContext: { spanId: caller!.spanContext().spanId },
        status: { code: SpanStatusCode.UNSET },
        attributes: {
          "url.full": url,
          "http.response.status_code": 200,
          "m2m.attempt": 2,
          "m2m.attempt.retry": true,
        },
      },
    ]);
    expect(graphSpans()[1]!.attributes).not.toHaveProperty("error.type");
  });

  it("marks an attempt that got no answer in time with error.type timeout, and never records the proof", async () => {
    const app = newApp();
    const { graph } = clientFor(app, { timeoutMs: 300 });
    await graph.get(app.objectId);
    standIn.graphFaults.enqueue({ kind: "hang" });
    await graph.get(app.objectId, createDeadline({ budgetMs: 5_000, clock: systemClock }));
    const proof = await buildKeyProof(await signer(current), app.objectId, new Date());
    await graph.addKey(app.objectId, next.derBase64, "next", proof);

    expect(graphSpans().map((span) => [span.name, span.attributes["error.type"] ?? null])).toEqual([
      ["GET", null],
      ["GET", "timeout"],
      ["GET", null],
      ["POST", null],
    ]);
    expect(graphSpans()[1]!.attributes).not.toHaveProperty("http.response.status_code");
    expect(JSON.stringify(telemetry.spans().map((span) => span.attributes))).not.toContain(proof);
  });
});
