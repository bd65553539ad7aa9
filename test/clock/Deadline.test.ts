import { describe, expect, it } from "vitest";
import { createDeadline } from "../../src/clock/Deadline.js";
import { systemClock } from "../../src/clock/Clock.js";
import { TimedOutError } from "../../src/errors.js";
import { manualClock } from "../support/manualClock.js";

const never = () => new Promise<never>(() => undefined);

describe("createDeadline", () => {
  it("counts the time left on its clock, never below 0", () => {
    const time = manualClock(1_000_000);
    const deadline = createDeadline({ budgetMs: 60_000, clock: time.clock });

    expect(deadline.atMs).toBe(1_060_000);
    expect(deadline.leftMs()).toBe(60_000);
    time.advance(59_000);
    expect(deadline.leftMs()).toBe(1_000);
    time.advance(5_000);
    expect(deadline.leftMs()).toBe(0);
  });

  it("takes a fractional budget (half of the time left, say) as whole milliseconds", () => {
    const time = manualClock(1_000_000);
    const deadline = createDeadline({ budgetMs: 994.5, clock: time.clock });
    expect(deadline.atMs).toBe(1_000_994);
    expect(deadline.signal.aborted).toBe(false);
  });

  it("aborts its signal when the budget has passed, with a TimeoutError as the reason", async () => {
    const deadline = createDeadline({ budgetMs: 20, clock: systemClock });
    expect(deadline.signal.aborted).toBe(false);
    await new Promise((resolve) => deadline.signal.addEventListener("abort", resolve, { once: true }));
    expect((deadline.signal.reason as Error).name).toBe("TimeoutError");
  });

  it("aborts with the parent's reason when the parent aborts first (the host shutting down)", () => {
    const parent = new AbortController();
    const deadline = createDeadline({ budgetMs: 60_000, clock: systemClock, parent: parent.signal });
    const reason = new Error("host shutting down");
    parent.abort(reason);
    expect(deadline.signal.reason).toBe(reason);
  });

  it("is aborted from the start when the parent already was", () => {
    const parent = new AbortController();
    parent.abort(new Error("gone"));
    expect(
      createDeadline({ budgetMs: 60_000, clock: systemClock, parent: parent.signal }).signal.aborted,
    ).toBe(true);
  });
});

describe("Deadline.bound", () => {
  it("passes the work's result through and gives it the deadline's signal", async () => {
    const deadline = createDeadline({ budgetMs: 60_000, clock: systemClock });
    await expect(
      deadline.bound("Key Vault", (signal) => Promise.resolve(signal === deadline.signal)),
    ).resolves.toBe(true);
  });

  it("passes the work's own error through while time is left", async () => {
    const deadline = createDeadline({ budgetMs: 60_000, clock: systemClock });
    const failure = new Error("403 Forbidden");
    await expect(deadline.bound("Key Vault", () => Promise.reject(failure))).rejects.toBe(failure);
  });

  it("settles at the deadline with TIMED_OUT naming the edge, even when the work ignores its signal", async () => {
    const time = manualClock(0);
    const deadline = createDeadline({ budgetMs: 30, clock: time.clock });

    const error = await deadline.bound("Key Vault", never).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TimedOutError);
    expect((error as Error).cause).toMatchObject({ name: "TimeoutError" });
    expect(error).toMatchObject({
      code: "TIMED_OUT",
      edge: "Key Vault",
      message:
        "Key Vault did not answer within 0 s: the invocation's deadline was reached. Check that Key Vault is reachable from the app; a slow answer now and then is retried on the next run.",
    });
  });

  it("names the time the edge was given when the call began", async () => {
    const time = manualClock(0);
    const deadline = createDeadline({ budgetMs: 40, clock: time.clock });
    time.advance(-41_960); // 42 s left when the call begins
    const error = await deadline.bound("the token endpoint", never).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^the token endpoint did not answer within 42 s:/);
  });

  it("reports work that failed because the deadline aborted it as the edge's timeout, not as its own error", async () => {
    const deadline = createDeadline({ budgetMs: 20, clock: systemClock });
    const error = await deadline
      .bound(
        "Microsoft Graph",
        (signal) =>
          new Promise((_resolve, reject) =>
            signal.addEventListener("abort", () => reject(new Error("This operation was aborted")), {
              once: true,
            }),
          ),
      )
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "TIMED_OUT", edge: "Microsoft Graph" });
  });

  it("rejects at once, without starting the work, when the deadline has already passed", async () => {
    const parent = new AbortController();
    const reason = new Error("host shutting down");
    parent.abort(reason);
    const deadline = createDeadline({ budgetMs: 60_000, clock: systemClock, parent: parent.signal });
    let started = false;
    await expect(
      deadline.bound("Key Vault", () => {
        started = true;
        return Promise.resolve();
      }),
    ).rejects.toBe(reason);
    expect(started).toBe(false);
  });

  it("gives fractional seconds below 10 s to one decimal", async () => {
    const time = manualClock(0);
    const deadline = createDeadline({ budgetMs: 20, clock: time.clock });
    time.advance(-2_280); // 2.3 s left when the call begins
    const error = await deadline.bound("Table Storage", never).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^Table Storage did not answer within 2\.3 s:/);
  });
});
