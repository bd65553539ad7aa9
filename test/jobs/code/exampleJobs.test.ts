import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import directoryReport from "../../../examples/jobs/directory-report.js";
import syncChanges from "../../../examples/jobs/sync-changes.js";
import { JobInputError } from "../../../src/jobs/code/checkJobInput.js";
import { runJobForTest } from "../../../src/jobs/code/runJobForTest.js";
import { memoryCheckpointStore } from "../../../src/state/memoryCheckpointStore.js";

// The example modules as a job's own unit tests would drive them: runJobForTest against a small API on loopback.
let server: Server;
let base = "";
let changes: { seq: number; id: string; name: string; quantity: number; changedAt: string }[] = [];
const puts: string[] = [];
let failPuts = 0;
/** The feed sends the change a reader resumes after once more, as a feed with an off-by-one bug would. */
let staleFeed = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", base);
      const send = (status: number, json: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
      if (req.method === "GET" && url.pathname === "/changes") {
        const after = Number(url.searchParams.get("after"));
        const page = changes.filter((c) => c.seq > after).slice(0, 2);
        if (staleFeed && after > 0) page.unshift(changes.find((c) => c.seq === after)!);
        const more = changes.some((c) => c.seq > (page.at(-1)?.seq ?? after));
        return send(200, {
          value: page,
          ...(more ? { "@odata.nextLink": `${base}/changes?after=${page.at(-1)!.seq}` } : {}),
        });
      }
      if (req.method === "PUT" && url.pathname.startsWith("/inventory/")) {
        if (failPuts-- > 0) return send(400, { error: { code: "BadRequest", message: "refused" } });
        puts.push(`${url.pathname.slice("/inventory/".length)}@${(JSON.parse(body) as { seq: number }).seq}`);
        return send(200, {});
      }
      if (req.method === "GET" && url.pathname === "/v1.0/users") {
        const skip = Number(url.searchParams.get("$skiptoken") ?? 0);
        const users = [true, false, true].map((accountEnabled, i) => ({
          id: `u${i}`,
          displayName: `U${i}`,
          accountEnabled,
        }));
        const page = users.slice(skip, skip + 2);
        const next = skip + 2 < users.length ? `${base}/v1.0/users?$skiptoken=${skip + 2}` : null;
        return send(200, { value: page, ...(next ? { "@odata.nextLink": next } : {}) });
      }
      return send(404, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
  changes = [1, 2, 3, 4, 5].map((seq) => ({
    seq,
    id: `item-${seq}`,
    name: `Item ${seq}`,
    quantity: seq,
    changedAt: "2026-12-01T00:00:00Z",
  }));
  puts.length = 0;
  failPuts = 0;
  staleFeed = false;
});

const settings = () => ({ SYNC_SOURCE_URL: base, SYNC_TARGET_URL: base, SYNC_SCHEDULE: "0 */15 * * * *" });

describe("examples/jobs/sync-changes.ts", () => {
  it("copies every change page by page, committing after each", async () => {
    const checkpoints = memoryCheckpointStore();
    const run = await runJobForTest(syncChanges, { settings: settings(), checkpoints });
    expect(run).toMatchObject({
      status: "succeeded",
      summary: { pages: 3, pushed: 5, after: 5 },
      checkpoint: { after: 5 },
    });
    expect(puts).toEqual(["item-1@1", "item-2@2", "item-3@3", "item-4@4", "item-5@5"]);
    expect(checkpoints.writes.map((w) => w.value)).toEqual([{ after: 2 }, { after: 4 }, { after: 5 }]);
  });

  it("resumes after the last committed page when a push fails", async () => {
    const checkpoints = memoryCheckpointStore();
    await checkpoints.write("sync-changes", { after: 2 }, { expectedEtag: null, runId: "before" });
    failPuts = 1;
    const failed = await runJobForTest(syncChanges, { settings: settings(), checkpoints });
    expect(failed).toMatchObject({ status: "failed", errorCode: "HTTP_STATUS", checkpoint: { after: 2 } });
    const next = await runJobForTest(syncChanges, { settings: settings(), checkpoints });
    expect(next).toMatchObject({ status: "succeeded", summary: { pushed: 3, after: 5 } });
    expect(puts).toEqual(["item-3@3", "item-4@4", "item-5@5"]);
  });

  it("refuses a feed out of order rather than skip or repeat", async () => {
    staleFeed = true;
    const run = await runJobForTest(syncChanges, { settings: settings() });
    expect(run).toMatchObject({ status: "failed", errorCode: "SOURCE_OUT_OF_ORDER" });
  });

  it("replays from a manual run's `from`, and refuses an input it cannot use", async () => {
    const checkpoints = memoryCheckpointStore();
    await checkpoints.write("sync-changes", { after: 5 }, { expectedEtag: null, runId: "before" });
    const replay = await runJobForTest(syncChanges, {
      settings: settings(),
      checkpoints,
      input: { from: 3 },
    });
    expect(replay.summary).toEqual({ pages: 1, pushed: 2, after: 5 });
    await expect(
      runJobForTest(syncChanges, { settings: settings(), input: { from: "3" } }),
    ).rejects.toBeInstanceOf(JobInputError);
  });
});

describe("examples/jobs/directory-report.ts", () => {
  it("pages through the users with ctx.graph and counts the disabled ones", async () => {
    const run = await runJobForTest(directoryReport, {
      settings: { DIRECTORY_REPORT_SCHEDULE: "0 0 6 * * *" },
      graphUrl: base,
    });
    expect(run).toMatchObject({ status: "succeeded", summary: { users: 3, disabled: 1, pages: 2 } });
  });
});
