import azureFunctions from "@azure/functions";
import { build } from "esbuild";
import { bundleOptions } from "../../scripts/esbuildOptions.mjs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HostLogEntry, HostLogger } from "../../dev/host/HostLogger.js";
import { memoryScheduleStatusStore } from "../../dev/host/ScheduleStatus.js";
import { startLocalHost, type LocalHost } from "../../dev/host/startLocalHost.js";
import { hostAppRecord } from "./fixtures/hostAppRecord.js";

const entry = fileURLToPath(new URL("./fixtures/hostApp.ts", import.meta.url));
const hostKey = "test-host-key";

function recordingHostLogger() {
  const entries: HostLogEntry[] = [];
  const logger: HostLogger = { log: (entry) => entries.push(entry) };
  return { logger, entries };
}

/** Waits until `condition` holds, polling every 20 ms, for at most `timeoutMs`. */
async function eventually(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("local host", () => {
  const { logger, entries } = recordingHostLogger();
  let host: LocalHost;

  beforeAll(async () => {
    host = await startLocalHost({ entry, env: { FIXTURE_SCHEDULE: "0 */5 * * * *" }, hostKey, logger });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it("captures every registration with its trigger options", () => {
    const byName = Object.fromEntries(host.functions.map((f) => [f.name, f]));
    expect(byName.hello).toMatchObject({
      triggerType: "httpTrigger",
      route: "hello/{name}",
      methods: ["GET"],
      authLevel: "anonymous",
    });
    expect(byName.echo).toMatchObject({ route: "echo", methods: ["POST"], authLevel: "function" });
    expect(byName.tick).toMatchObject({
      triggerType: "timerTrigger",
      schedule: "%FIXTURE_SCHEDULE%",
      runOnStartup: false,
    });
    expect(byName.onCertificateEvent).toMatchObject({ triggerType: "eventGridTrigger" });
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("resolves a timer's %SETTING% schedule from the app settings", () => {
    const schedule = host.timerSchedule("tick");
    expect(schedule.expression).toBe("0 */5 * * * *");
    expect(schedule.useMonitor).toBe(true);
    expect(schedule.next.getTime() % 300_000).toBe(0);
  });

  it("routes GET /api/hello/{name} with the route parameter, query and headers", async () => {
    const response = await fetch(`${host.url}/api/hello/Ada%20Lovelace?greeting=hi`, {
      headers: { "x-test-agent": "vitest" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({
      name: "Ada Lovelace",
      greeting: "hi",
      agent: "vitest",
      url: `${host.url}/api/hello/Ada%20Lovelace?greeting=hi`,
    });
  });

  it("matches the route prefix and literal segments case-insensitively, and ignores a trailing slash", async () => {
    const response = await fetch(`${host.url}/API/Hello/x/`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: "x" });
  });

  it("passes the function's context.log to the logger, with the function's name", async () => {
    await fetch(`${host.url}/api/hello/Logger`);
    expect(entries).toContainEqual(
      expect.objectContaining({
        category: "user",
        level: "information",
        functionName: "hello",
        message: "hello called for Logger",
      }),
    );
  });

  it("runs the app's hooks around each invocation as the worker does, sharing hookData", async () => {
    expect(hostAppRecord().hooks).toContain("appStart:object");
    const before = hostAppRecord().hooks.length;
    await fetch(`${host.url}/api/hello/hooks`);
    expect(hostAppRecord().hooks.slice(before)).toEqual([
      "preInvocation:hello",
      "postInvocation:hello:preInvocation",
    ]);
  });

  it("answers 401 without a key on a function-level route, as the host does", async () => {
    const response = await fetch(`${host.url}/api/echo`, { method: "POST", body: "{}" });
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("");
  });

  it("answers 401 for a wrong key", async () => {
    const response = await fetch(`${host.url}/api/echo?code=wrong`, { method: "POST", body: "{}" });
    expect(response.status).toBe(401);
  });

  it("accepts the key as ?code= and round-trips a JSON body, status, headers and cookies", async () => {
    const response = await fetch(`${host.url}/api/echo?code=${hostKey}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ job: "report-sync", attempts: [1, 2] }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("x-echo")).toBe("yes");
    expect(response.headers.getSetCookie()).toEqual(["seen=1; path=/; samesite=strict; httponly"]);
    expect(await response.json()).toEqual({ received: { job: "report-sync", attempts: [1, 2] } });
  });

  it("accepts the key as the x-functions-key header", async () => {
    const response = await fetch(`${host.url}/api/echo`, {
      method: "POST",
      headers: { "x-functions-key": hostKey },
      body: JSON.stringify({ ok: true }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ received: { ok: true } });
  });

  it("answers 404 for an unknown route, a path outside the prefix, and a method the function does not take", async () => {
    expect((await fetch(`${host.url}/api/nope`)).status).toBe(404);
    expect((await fetch(`${host.url}/hello/x`)).status).toBe(404);
    expect((await fetch(`${host.url}/api/echo?code=${hostKey}`)).status).toBe(404);
  });

  it("answers 500 when the handler throws, and logs the failure with the error", async () => {
    const response = await fetch(`${host.url}/api/fails`);
    expect(response.status).toBe(500);
    const failure = entries.find((e) => e.functionName === "fails" && e.level === "error");
    expect(failure?.message).toMatch(
      /^Executed 'Functions\.fails' \(Failed, Id=[0-9a-f-]{36}, Duration=\d+ms\)$/,
    );
    expect(failure?.error).toEqual(new Error("the handler failed on purpose"));
  });

  it("invokeHttp calls a function by name, filling the route and adding the key it needs", async () => {
    const hello = await host.invokeHttp("hello", { params: { name: "by name" }, query: { greeting: "hey" } });
    expect(hello.json()).toMatchObject({ name: "by name", greeting: "hey" });
    const echo = await host.invokeHttp("echo", { body: { n: 1 } });
    expect(echo.status).toBe(201);
    expect(echo.json()).toEqual({ received: { n: 1 } });
    const byPath = await host.invokeHttp({ method: "POST", path: "/api/echo" }, { body: "{}" });
    expect(byPath.status).toBe(401);
  });

  it("invokeTimer delivers isPastDue and a real InvocationContext through the library's invocation model", async () => {
    const before = hostAppRecord().timerRuns.length;
    const result = await host.invokeTimer("tick", { isPastDue: true });
    const run = hostAppRecord().timerRuns[before];
    expect(run?.timer.isPastDue).toBe(true);
    expect(run?.timer.schedule).toEqual({ adjustForDST: true });
    expect(run?.timer.scheduleStatus.last).toBe("0001-01-01T00:00:00");
    expect(run?.timer.scheduleStatus.next).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d[05]:00\+00:00$/);
    expect(run?.context).toBeInstanceOf(azureFunctions.InvocationContext);
    expect(run?.context.functionName).toBe("tick");
    expect(run?.context.invocationId).toBe(result.invocationId);
    expect(run?.context.options.trigger).toMatchObject({
      type: "timerTrigger",
      schedule: "%FIXTURE_SCHEDULE%",
    });
    expect(entries).toContainEqual(
      expect.objectContaining({
        functionName: "tick",
        invocationId: result.invocationId,
        message: "tick isPastDue=true",
      }),
    );
  });

  it("invokeTimer defaults isPastDue to false", async () => {
    const before = hostAppRecord().timerRuns.length;
    await host.invokeTimer("tick");
    expect(hostAppRecord().timerRuns[before]?.timer.isPastDue).toBe(false);
  });

  it("invokeTimer names the timer functions when the name is not one", async () => {
    await expect(host.invokeTimer("hello")).rejects.toThrow(
      'No timer function named "hello". Timer functions: tick.',
    );
  });

  it("invokeEventGrid delivers the event with the fields Event Grid stamps", async () => {
    const before = hostAppRecord().events.length;
    await host.invokeEventGrid("onCertificateEvent", {
      id: "e-1",
      subject: "m2m-client",
      eventType: "Microsoft.KeyVault.CertificateNearExpiry",
      eventTime: "2025-01-01T00:00:00Z",
      data: { ObjectName: "m2m-client" },
    });
    const delivered = hostAppRecord().events[before];
    expect(delivered?.event).toEqual({
      id: "e-1",
      subject: "m2m-client",
      eventType: "Microsoft.KeyVault.CertificateNearExpiry",
      eventTime: "2025-01-01T00:00:00Z",
      data: { ObjectName: "m2m-client" },
      topic: "",
      dataVersion: "",
      metadataVersion: "1",
    });
    expect(delivered?.context.triggerMetadata?.data).toEqual({ objectName: "m2m-client" });
  });

  it("serves the Event Grid webhook: validation handshake, then notifications (202), with the master key", async () => {
    const webhook = `${host.url}/runtime/webhooks/eventgrid?functionName=onCertificateEvent`;
    const handshake = await fetch(`${webhook}&code=${host.masterKey}`, {
      method: "POST",
      headers: { "aeg-event-type": "SubscriptionValidation" },
      body: JSON.stringify([{ data: { validationCode: "abc-123" } }]),
    });
    expect(await handshake.json()).toEqual({ validationResponse: "abc-123" });

    const before = hostAppRecord().events.length;
    const event = { id: "e-2", subject: "s", eventType: "t", eventTime: "2025-01-01T00:00:00Z", data: {} };
    const notification = await fetch(webhook, {
      method: "POST",
      headers: { "aeg-event-type": "Notification", "x-functions-key": host.masterKey },
      body: JSON.stringify([event]),
    });
    expect(notification.status).toBe(202);
    expect(hostAppRecord().events[before]?.event.id).toBe("e-2");
    expect((await fetch(webhook, { method: "POST", body: "[]" })).status).toBe(401);
    const withHostKey = { "aeg-event-type": "Notification", "x-functions-key": hostKey };
    expect((await fetch(webhook, { method: "POST", headers: withHostKey, body: "[]" })).status).toBe(401);
  });

  it("runs a non-HTTP function through the admin API with the master key (202, in the background)", async () => {
    const before = hostAppRecord().timerRuns.length;
    const response = await fetch(`${host.url}/admin/functions/tick`, {
      method: "POST",
      headers: { "x-functions-key": host.masterKey, "content-type": "application/json" },
      body: "{}",
    });
    expect(response.status).toBe(202);
    const withHostKey = { "x-functions-key": hostKey };
    expect((await fetch(`${host.url}/admin/host/status`, { headers: withHostKey })).status).toBe(401);
    await eventually(() => hostAppRecord().timerRuns.length > before);
    expect((await fetch(`${host.url}/admin/functions/tick`, { method: "POST", body: "{}" })).status).toBe(
      401,
    );
  });
});

describe("local host timers", () => {
  it("fires a timer on its schedule when runTimers is on (no schedule monitor below a minute)", async () => {
    const before = hostAppRecord().timerRuns.length;
    const host = await startLocalHost({
      entry,
      env: { FIXTURE_SCHEDULE: "*/1 * * * * *" },
      runTimers: true,
      logger: recordingHostLogger().logger,
    });
    try {
      await eventually(() => hostAppRecord().timerRuns.length > before);
    } finally {
      await host.stop();
    }
    const run = hostAppRecord().timerRuns[before];
    expect(run?.timer.isPastDue).toBe(false);
    expect(run?.timer.scheduleStatus).toBeNull();
  });

  it("runs an occurrence missed while the host was stopped at once, with isPastDue true", async () => {
    const fiveMinutes = 300_000;
    const lastRun = Math.floor(Date.now() / fiveMinutes) * fiveMinutes - 2 * fiveMinutes;
    const store = memoryScheduleStatusStore({
      tick: {
        last: new Date(lastRun),
        next: new Date(lastRun + fiveMinutes),
        lastUpdated: new Date(lastRun),
      },
    });
    const before = hostAppRecord().timerRuns.length;
    const host = await startLocalHost({
      entry,
      env: { FIXTURE_SCHEDULE: "0 */5 * * * *" },
      runTimers: true,
      scheduleStatusStore: store,
      logger: recordingHostLogger().logger,
    });
    try {
      await eventually(() => hostAppRecord().timerRuns.length > before);
    } finally {
      await host.stop();
    }
    const run = hostAppRecord().timerRuns[before];
    expect(run?.timer.isPastDue).toBe(true);
    expect(run?.timer.scheduleStatus.next).toBe(
      new Date(lastRun + fiveMinutes).toISOString().replace(".000Z", "+00:00"),
    );
    const recorded = await store.get("tick");
    expect(recorded?.next.getTime()).toBeGreaterThan(Date.now());
  });

  it("refuses to start when a schedule's %SETTING% is not set, naming the setting, and restores process.env", async () => {
    delete process.env.FIXTURE_SCHEDULE;
    await expect(
      startLocalHost({ entry, env: { OTHER_SETTING: "x" }, logger: recordingHostLogger().logger }),
    ).rejects.toThrow(
      "tick: '%FIXTURE_SCHEDULE%' does not resolve to a value: set the app setting FIXTURE_SCHEDULE.",
    );
    expect(process.env.OTHER_SETTING).toBeUndefined();
  });
});

describe("local host with the esbuild bundle", () => {
  let outdir: string;
  let host: LocalHost;

  beforeAll(async () => {
    // The same bundling as scripts/build.mjs: the library inside, @azure/functions-core left to the host.
    outdir = await mkdtemp(join(tmpdir(), "m2m-host-bundle-"));
    await build({
      ...bundleOptions,
      entryPoints: { index: entry },
      outdir,
      logLevel: "silent",
    });
    host = await startLocalHost({
      entry: join(outdir, "index.js"),
      env: { FIXTURE_SCHEDULE: "0 0 * * * *" },
      hostKey,
      logger: recordingHostLogger().logger,
    });
  });
  afterAll(async () => {
    await host?.stop();
    await rm(outdir, { recursive: true, force: true });
  });

  it("registers the bundled app's functions through its own copy of the library", async () => {
    expect(host.functions.map((f) => f.name)).toEqual([
      "hello",
      "echo",
      "fails",
      "tick",
      "onCertificateEvent",
    ]);
    const response = await fetch(`${host.url}/api/hello/bundle`);
    expect(await response.json()).toMatchObject({ name: "bundle" });
  });

  it("invokes the bundled timer with its payload", async () => {
    const before = hostAppRecord().timerRuns.length;
    await host.invokeTimer("tick", { isPastDue: true });
    const run = hostAppRecord().timerRuns[before];
    expect(run?.timer.isPastDue).toBe(true);
    expect(run?.context.functionName).toBe("tick");
  });
});
