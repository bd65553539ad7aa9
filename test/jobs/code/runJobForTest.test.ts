import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { defineJob, JobError } from "../../../src/jobs/code/defineJob.js";
import { JobInputError } from "../../../src/jobs/code/checkJobInput.js";
import { runJobForTest, testTokens } from "../../../src/jobs/code/runJobForTest.js";
import { memoryCheckpointStore } from "../../../src/state/memoryCheckpointStore.js";
import { ConfigurationError } from "../../../src/errors.js";

/** A test API on loopback: answers by path; records the requests. */
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server;
let base = "";
const routes = new Map<string, Handler>();
const seen: {
  method: string;
  url: string;
  authorization: string | undefined;
  clientRequestId: string | undefined;
}[] = [];

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        authorization: req.headers.authorization,
        clientRequestId: req.headers["x-ms-client-request-id"] as string | undefined,
      });
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const handler = routes.get(`${req.method} ${path}`);
      if (handler) handler(req, res, body);
      else json(res, 404, { error: { code: "NotFound", message: `no ${req.method} ${path}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  routes.clear();
  seen.length = 0;
});

/** Seven numbered items served three per page, the next page linked as `style` says. */
function pagedItems(style: "odata" | "link") {
  routes.set("GET /items", (req, res) => {
    const url = new URL(req.url ?? "/", base);
    const after = Number(url.searchParams.get("after") ?? 0);
    const items = [1, 2, 3, 4, 5, 6, 7].filter((n) => n > after).slice(0, 3);
    const last = items.at(-1) ?? after;
    const next = last < 7 ? `/items?after=${last}` : null;
    if (style === "odata")
      json(res, 200, { value: items, ...(next ? { "@odata.nextLink": `${base}${next}` } : {}) });
    else json(res, 200, items, next ? { link: `<${next}>; rel="next"` } : {});
  });
}

const pager = defineJob({
  name: "pager",
  schedule: "0 0 * * * *",
  settings: ["API"],
  async run(ctx) {
    const all: number[] = [];
    let pages = 0;
    for await (const page of ctx.http.pages<number>(`${ctx.setting("API")}/items`)) {
      pages = page.number;
      all.push(...page.items);
    }
    return { pages, all };
  },
});

describe("runJobForTest: a job module run as the app runs it, against a local API", () => {
  it.each(["odata", "link"] as const)(
    "follows %s next links across three pages and keeps the summary",
    async (style) => {
      pagedItems(style);
      const run = await runJobForTest(pager, { settings: { API: base } });
      expect(run).toMatchObject({ status: "succeeded", summary: { pages: 3, all: [1, 2, 3, 4, 5, 6, 7] } });
      expect(seen.map((r) => r.url)).toEqual(["/items", "/items?after=3", "/items?after=6"]);
      // Every request carries the job's bearer token and its own client request id.
      expect(new Set(seen.map((r) => r.authorization))).toEqual(
        new Set(["Bearer test-token:api://test/.default:1"]),
      );
      expect(new Set(seen.map((r) => r.clientRequestId)).size).toBe(3);
    },
  );

  it("refuses a next link to another origin: the bearer token never follows it", async () => {
    routes.set("GET /items", (_req, res) =>
      json(res, 200, { value: [1], "@odata.nextLink": "https://elsewhere.example/items?page=2" }),
    );
    const run = await runJobForTest(pager, { settings: { API: base } });
    expect(run).toMatchObject({ status: "failed", errorCode: "PAGING_LINK_OFF_ORIGIN" });
    expect(seen).toHaveLength(1);
  });

  it("stops a list whose next link leads back to a page already read", async () => {
    routes.set("GET /items", (req, res) => {
      const page = new URL(req.url ?? "/", base).searchParams.get("page") ?? "1";
      // Page 2 links back to the first page's URL.
      json(res, 200, {
        value: [Number(page)],
        "@odata.nextLink": page === "1" ? `${base}/items?page=2` : `${base}/items`,
      });
    });
    const run = await runJobForTest(pager, { settings: { API: base } });
    expect(run).toMatchObject({ status: "failed", errorCode: "PAGING_LINK_LOOP" });
    expect(seen).toHaveLength(2);
  });

  it("fails a page too large to read whole (RESPONSE_TOO_LARGE) rather than parse part of it", async () => {
    routes.set("GET /items", (_req, res) =>
      json(res, 200, { value: Array.from({ length: 500 }, (_, i) => i) }),
    );
    const run = await runJobForTest(pager, { settings: { API: base }, maxBodyBytes: 100 });
    expect(run).toMatchObject({ status: "failed", errorCode: "RESPONSE_TOO_LARGE" });
  });

  it("names a page that is not a list (RESPONSE_NOT_A_PAGE)", async () => {
    routes.set("GET /items", (_req, res) => json(res, 200, { items: [1] }));
    const run = await runJobForTest(pager, { settings: { API: base } });
    expect(run.errorCode).toBe("RESPONSE_NOT_A_PAGE");
    expect(run.errorMessage).toContain('"items"');
  });
});

describe("the checkpoint", () => {
  const cursor = defineJob<undefined, { at: number }, "API">({
    name: "cursor",
    schedule: "0 0 * * * *",
    settings: ["API"],
    async run(ctx) {
      const at = ctx.checkpoint.value?.at ?? 0;
      ctx.checkpoint.set({ at: at + 1 });
      await ctx.http.get(`${ctx.setting("API")}/work?at=${at}`);
      return { from: at };
    },
  });

  it("is written when the run succeeds and read by the next run", async () => {
    routes.set("GET /work", (_req, res) => json(res, 200, {}));
    const checkpoints = memoryCheckpointStore();
    const first = await runJobForTest(cursor, { settings: { API: base }, checkpoints });
    const second = await runJobForTest(cursor, { settings: { API: base }, checkpoints });
    expect([first.summary, second.summary]).toEqual([{ from: 0 }, { from: 1 }]);
    expect(second.checkpoint).toEqual({ at: 2 });
  });

  it("is not written when the run fails: the next run redoes the same window", async () => {
    const checkpoints = memoryCheckpointStore();
    routes.set("GET /work", (_req, res) => json(res, 403, { error: { code: "Forbidden", message: "no" } }));
    const failed = await runJobForTest(cursor, { settings: { API: base }, checkpoints });
    expect(failed).toMatchObject({ status: "failed", errorCode: "FORBIDDEN", checkpoint: null });
    routes.set("GET /work", (_req, res) => json(res, 200, {}));
    const next = await runJobForTest(cursor, { settings: { API: base }, checkpoints });
    expect(next).toMatchObject({ status: "succeeded", summary: { from: 0 }, checkpoint: { at: 1 } });
  });

  it("keeps what the job committed before it failed", async () => {
    const job = defineJob<undefined, { page: number }, never>({
      name: "committer",
      schedule: "0 0 * * * *",
      async run(ctx) {
        await ctx.checkpoint.commit({ page: 1 });
        ctx.checkpoint.set({ page: 2 });
        throw new JobError("TARGET_REFUSED", "The target refused page 2.");
      },
    });
    const run = await runJobForTest(job);
    expect(run).toMatchObject({
      status: "failed",
      errorCode: "TARGET_REFUSED",
      errorMessage: "The target refused page 2.",
      checkpoint: { page: 1 },
    });
  });

  it("refuses a value JSON cannot keep where it is set", async () => {
    const job = defineJob({
      name: "bad-cursor",
      schedule: "0 0 * * * *",
      run(ctx) {
        ctx.checkpoint.set({ at: new Date(0) });
        return Promise.resolve();
      },
    });
    expect(await runJobForTest(job)).toMatchObject({ errorCode: "CHECKPOINT_INVALID", checkpoint: null });
  });

  it("fails the run with CHECKPOINT_CONFLICT when another run moved it meanwhile", async () => {
    const checkpoints = memoryCheckpointStore();
    const job = defineJob({
      name: "racer",
      schedule: "0 0 * * * *",
      async run(ctx) {
        // Another run writes first (a lease that expired under this one).
        await checkpoints.write("racer", { by: "other" }, { expectedEtag: null, runId: "other" });
        ctx.checkpoint.set({ by: "me" });
      },
    });
    expect(await runJobForTest(job, { checkpoints })).toMatchObject({
      status: "failed",
      errorCode: "CHECKPOINT_CONFLICT",
      checkpoint: { by: "other" },
    });
  });
});

describe("tokens", () => {
  it("answers a 401 to a cached token with one fresh token, once", async () => {
    let refusals = 1;
    routes.set("GET /items", (_req, res) => {
      if (refusals-- > 0)
        json(res, 401, { error: { code: "InvalidAuthenticationToken", message: "expired" } });
      else json(res, 200, { value: [1] });
    });
    const tokens = testTokens();
    // The cache holds a token before the run, as on a warm instance.
    await tokens.getToken({ scope: "api://test/.default" });
    const run = await runJobForTest(pager, { settings: { API: base }, tokens });
    expect(run.status).toBe("succeeded");
    expect(seen.map((r) => r.authorization)).toEqual([
      "Bearer test-token:api://test/.default:1",
      "Bearer test-token:api://test/.default:2",
    ]);
  });

  it("stops at a second 401 (UNAUTHORIZED) and never records the token", async () => {
    routes.set("GET /items", (_req, res) =>
      json(res, 401, { error: { code: "InvalidAuthenticationToken", message: "no" } }),
    );
    const tokens = testTokens();
    await tokens.getToken({ scope: "api://test/.default" });
    const run = await runJobForTest(pager, { settings: { API: base }, tokens });
    expect(run).toMatchObject({ status: "failed", errorCode: "UNAUTHORIZED" });
    expect(seen).toHaveLength(2);
    expect(JSON.stringify(run)).not.toContain("test-token:");
  });

  it("gets tokens for other scopes and for Graph, each request with its own", async () => {
    routes.set("GET /v1.0/users", (_req, res) => json(res, 200, { value: [{ id: "u1" }] }));
    routes.set("GET /other", (_req, res) => json(res, 200, {}));
    const job = defineJob({
      name: "scopes",
      schedule: "0 0 * * * *",
      async run(ctx) {
        const users = [];
        for await (const user of ctx.graph.items("/v1.0/users?$top=1")) users.push(user);
        await ctx.httpFor("api://other/.default").get(`${base}/other`);
        return { users: users.length, token: (await ctx.token("api://third/.default")).length > 0 };
      },
    });
    const run = await runJobForTest(job, { graphUrl: base });
    expect(run).toMatchObject({ status: "succeeded", summary: { users: 1, token: true } });
    expect(seen.map((r) => r.authorization)).toEqual([
      "Bearer test-token:https://graph.microsoft.com/.default:1",
      "Bearer test-token:api://other/.default:1",
    ]);
  });

  it("keeps ctx.graph on Graph: an absolute URL elsewhere is refused before any token is sent", async () => {
    const job = defineJob({
      name: "graph-elsewhere",
      schedule: "0 0 * * * *",
      run: async (ctx) => void (await ctx.graph.get("https://evil.example/v1.0/users")),
    });
    const run = await runJobForTest(job, { graphUrl: base });
    expect(run).toMatchObject({ status: "failed", errorCode: "REQUEST_INVALID" });
    expect(run.errorMessage).toContain("ctx.httpFor");
    expect(seen).toHaveLength(0);
  });
});

describe("the deadline", () => {
  it("ends a run whose code does not return in time: timed-out, naming the job's code", async () => {
    let requestAfterEnd: Promise<unknown> = Promise.resolve();
    const job = defineJob({
      name: "slow",
      schedule: "0 0 * * * *",
      async run(ctx) {
        // Ignores ctx.signal: a wait the app cannot see into.
        await new Promise((resolve) => setTimeout(resolve, 2_500));
        requestAfterEnd = ctx.http.get(`${base}/late`).catch((error: unknown) => error);
      },
    });
    const run = await runJobForTest(job, { deadlineMs: 1_000 });
    expect(run).toMatchObject({ status: "timed-out", errorCode: "DEADLINE" });
    expect(run.errorMessage).toMatch(/^The job's code did not finish within the run's deadline \(1 s\)/);
    await new Promise((resolve) => setTimeout(resolve, 1_700));
    // What the code tries after its run ended is refused, not sent.
    expect(await requestAfterEnd).toMatchObject({ code: "RUN_ENDED" });
    expect(seen).toHaveLength(0);
  });

  it("stops a request that outlives the deadline (DEADLINE): the signal reaches fetch", async () => {
    routes.set("GET /items", () => undefined); // never answers
    const run = await runJobForTest(pager, { settings: { API: base }, deadlineMs: 1_000 });
    expect(run).toMatchObject({ status: "timed-out", errorCode: "DEADLINE" });
  });
});

describe("input, settings and failures", () => {
  const echo = defineJob<{ day: string }, unknown, never>({
    name: "echo",
    schedule: "0 0 * * * *",
    input(raw) {
      if (raw === undefined) return { day: "today" };
      const day = (raw as { day?: unknown }).day;
      if (typeof day !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(day))
        throw new Error('expected {"day": "YYYY-MM-DD"}');
      return { day };
    },
    run: (ctx) => Promise.resolve({ day: ctx.input.day, trigger: ctx.trigger }),
  });

  it("gives a manual run its checked input, and a timer run what input(undefined) makes", async () => {
    expect((await runJobForTest(echo, { input: { day: "2026-12-01" } })).summary).toEqual({
      day: "2026-12-01",
      trigger: "manual",
    });
    expect((await runJobForTest(echo)).summary).toEqual({ day: "today", trigger: "timer" });
  });

  it("refuses an input the module refuses, with the module's words, before the run starts", async () => {
    await expect(runJobForTest(echo, { input: { day: "yesterday" } })).rejects.toThrow(
      new JobInputError(`Job 'echo' refused its input: expected {"day": "YYYY-MM-DD"}`),
    );
  });

  it("checks the module as start-up does: a missing setting is a configuration problem", async () => {
    await expect(runJobForTest(pager)).rejects.toBeInstanceOf(ConfigurationError);
  });

  it("names a setting the module did not list (SETTING_NOT_DECLARED)", async () => {
    const job = defineJob({
      name: "sneaky",
      schedule: "0 0 * * * *",
      run: (ctx) => Promise.resolve((ctx.setting as (name: string) => string)("OTHER")),
    });
    expect(await runJobForTest(job)).toMatchObject({ errorCode: "SETTING_NOT_DECLARED" });
  });

  it("records an unexpected error as JOB_FAILED with its name, scrubbing what looks like a credential", async () => {
    const job = defineJob({
      name: "thrower",
      schedule: "0 0 * * * *",
      run: () => Promise.reject(new RangeError("bad index with Bearer abc.def.ghi")),
    });
    const run = await runJobForTest(job);
    expect(run.errorCode).toBe("JOB_FAILED");
    expect(run.errorMessage).toContain("threw RangeError: bad index with Bearer");
    expect(run.errorMessage).not.toContain("abc.def.ghi");
  });

  it("succeeds without keeping a summary that is too large", async () => {
    const job = defineJob({
      name: "chatty",
      schedule: "0 0 * * * *",
      run: () => Promise.resolve({ data: "x".repeat(10_000) }),
    });
    expect(await runJobForTest(job)).toMatchObject({ status: "succeeded", summary: null });
  });
});
