import { describe, expect, it } from "vitest";
import { createKeyVerdictCache } from "../../src/auth/createKeyVerdictCache.js";
import { manualClock } from "../support/manualClock.js";

describe("createKeyVerdictCache", () => {
  it("knows nothing it was not told", () => {
    const cache = createKeyVerdictCache({ clock: manualClock().clock });
    expect(cache.get("fp", "admin")).toBeUndefined();
  });

  it("keeps each question's answer apart", () => {
    const cache = createKeyVerdictCache({ clock: manualClock().clock });
    cache.set("fp", "admin", false);
    cache.set("fp", "function", true);
    expect(cache.get("fp", "admin")).toBe(false);
    expect(cache.get("fp", "function")).toBe(true);
    expect(cache.get("other", "function")).toBeUndefined();
  });

  it("believes a yes for 5 minutes and a no for 1 minute by default", () => {
    const time = manualClock();
    const cache = createKeyVerdictCache({ clock: time.clock });
    cache.set("yes", "function", true);
    cache.set("no", "function", false);
    time.advance(59_999);
    expect(cache.get("no", "function")).toBe(false);
    time.advance(1);
    expect(cache.get("no", "function")).toBeUndefined();
    time.advance(240_000 - 1);
    expect(cache.get("yes", "function")).toBe(true);
    time.advance(1);
    expect(cache.get("yes", "function")).toBeUndefined();
  });

  it("takes other lifetimes", () => {
    const time = manualClock();
    const cache = createKeyVerdictCache({ clock: time.clock, acceptedMs: 10, refusedMs: 5 });
    cache.set("yes", "admin", true);
    cache.set("no", "admin", false);
    time.advance(5);
    expect([cache.get("yes", "admin"), cache.get("no", "admin")]).toEqual([true, undefined]);
    time.advance(5);
    expect(cache.get("yes", "admin")).toBeUndefined();
  });

  it("takes a new answer for an expired one", () => {
    const time = manualClock();
    const cache = createKeyVerdictCache({ clock: time.clock, refusedMs: 10, maxEntries: 1 });
    cache.set("fp", "admin", false);
    time.advance(10);
    expect(cache.get("fp", "admin")).toBeUndefined();
    cache.set("fp", "admin", true);
    expect(cache.get("fp", "admin")).toBe(true);
  });

  it("keeps at most maxEntries answers, dropping the oldest first", () => {
    const cache = createKeyVerdictCache({ clock: manualClock().clock, maxEntries: 2 });
    cache.set("a", "function", true);
    cache.set("b", "function", true);
    cache.set("a", "function", false); // answered again: now the newest
    cache.set("c", "function", true);
    expect([cache.get("a", "function"), cache.get("b", "function"), cache.get("c", "function")]).toEqual([
      false,
      undefined,
      true,
    ]);
  });

  it("keeps 1000 answers by default", () => {
    const cache = createKeyVerdictCache({ clock: manualClock().clock });
    for (let i = 0; i <= 1000; i++) cache.set(`fp${i}`, "function", true);
    expect(cache.get("fp0", "function")).toBeUndefined();
    expect(cache.get("fp1", "function")).toBe(true);
    expect(cache.get("fp1000", "function")).toBe(true);
  });
});
