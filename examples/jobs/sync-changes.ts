// An incremental sync: copies the changes the source API has made since the last run to the target API. Runs in the
// demo (`npm run dev`), against the downstream stand-in's change feed and inventory (dev/downstream/inventorySync.ts).
import { defineJob, JobError } from "../../src/jobs/code/defineJob.js";

/** One change in the source's feed. */
interface Change {
  seq: number;
  id: string;
  name: string;
  quantity: number;
  changedAt: string;
}

/** Where the next run starts: the last change copied. */
interface Cursor {
  after: number;
}

export default defineJob<{ from?: number }, Cursor, "SYNC_SOURCE_URL" | "SYNC_TARGET_URL">({
  name: "sync-changes",
  description:
    "Copies inventory changes from the source API to the target API, from where the last run left off",
  schedule: "%SYNC_SCHEDULE%",
  settings: ["SYNC_SOURCE_URL", "SYNC_TARGET_URL"],
  // A manual run may start again from an earlier change: POST /api/jobs/sync-changes/run {"from": 0}.
  input(raw) {
    if (raw === undefined) return {};
    const from: unknown = typeof raw === "object" && raw !== null ? Reflect.get(raw, "from") : undefined;
    if (!Number.isInteger(from) || Number(from) < 0) {
      throw new Error('expected {"from": <a change number, 0 or more>}');
    }
    return { from: Number(from) };
  },
  async run(ctx) {
    const source = ctx.setting("SYNC_SOURCE_URL");
    const target = ctx.setting("SYNC_TARGET_URL");
    let after = ctx.input.from ?? ctx.checkpoint.value?.after ?? 0;
    let pushed = 0;
    let pages = 0;
    for await (const page of ctx.http.pages<Change>(`${source}/changes?after=${after}`)) {
      pages += 1;
      for (const change of page.items) {
        if (change.seq <= after) {
          throw new JobError(
            "SOURCE_OUT_OF_ORDER",
            `The source sent change ${change.seq} after change ${after}: its feed is expected in ascending order.`,
          );
        }
        // A PUT of the whole item is an upsert: pushing a change again (after a crash) leaves the same state.
        await ctx.http.put(`${target}/inventory/${encodeURIComponent(change.id)}`, {
          seq: change.seq,
          id: change.id,
          name: change.name,
          quantity: change.quantity,
        });
        pushed += 1;
        after = change.seq;
      }
      // Saved after each page: a failure or a crash later in the run starts again after this page, not from the top.
      await ctx.checkpoint.commit({ after });
    }
    ctx.logger.info("Changes copied", { job: ctx.job, runId: ctx.runId, pages, pushed, after });
    return { pages, pushed, after };
  },
});
