import { describe, expect, it } from "vitest";
import { checkpointJson, MAX_CHECKPOINT_BYTES } from "../../src/state/checkpointJson.js";

const circular: Record<string, unknown> = { since: "a" };
circular.self = circular;

class Cursor {
  since = "a";
}

describe("checkpointJson", () => {
  it.each([
    ["null", null, "null"],
    ["a string", "2030-01-01T00:00:00.000Z", '"2030-01-01T00:00:00.000Z"'],
    ["a finite number", -1.5, "-1.5"],
    ["false", false, "false"],
    [
      "nested arrays and plain objects",
      { ids: [1, [2, { a: null }]], done: true },
      '{"ids":[1,[2,{"a":null}]],"done":true}',
    ],
    ["an object without a prototype", Object.assign(Object.create(null) as object, { a: 1 }), '{"a":1}'],
  ])("writes %s as its JSON", (_what, value, json) => {
    expect(checkpointJson("report-sync", value)).toBe(json);
  });

  it("writes the same object held twice side by side (not a cycle)", () => {
    const shared = { since: "a" };
    expect(checkpointJson("report-sync", { from: shared, to: shared })).toBe(
      '{"from":{"since":"a"},"to":{"since":"a"}}',
    );
  });

  it.each([
    ["undefined", undefined, "undefined"],
    ["undefined in an object", { since: undefined }, "undefined"],
    ["undefined in an array", [1, undefined], "undefined"],
    ["an empty array slot", [1, , 3], "an empty array slot"], // eslint-disable-line no-sparse-arrays
    ["a function", { next: () => 1 }, "a function"],
    ["a symbol", Symbol("x"), "a symbol"],
    ["a symbol-keyed property", { [Symbol("x")]: 1 }, "a symbol-keyed property"],
    ["NaN", [Number.NaN], "NaN"],
    ["Infinity", { limit: Number.POSITIVE_INFINITY }, "Infinity"],
    ["-Infinity", -Infinity, "-Infinity"],
    ["a BigInt", { id: 10n }, "a BigInt"],
    ["a Date", { since: new Date(0) }, "a Date object"],
    ["a Map", new Map([["a", 1]]), "a Map object"],
    ["a class instance", new Cursor(), "a Cursor object"],
    ["a circular reference", circular, "a circular reference"],
    [
      "an object whose prototype has no constructor",
      Object.create(Object.create(null) as object) as object,
      "an object that is not plain",
    ],
    [
      "an object whose constructor has no name",
      Object.create({ constructor: {} }) as object,
      "an object that is not plain",
    ],
    [
      "an object whose constructor's name is not text",
      Object.create({ constructor: { name: 42 } }) as object,
      "an object that is not plain",
    ],
    [
      "an object whose constructor's name is empty",
      Object.create({ constructor: { name: "" } }) as object,
      "an object that is not plain",
    ],
  ])("refuses %s with CHECKPOINT_INVALID", (_what, value, found) => {
    expect(() => checkpointJson("report-sync", value)).toThrow(
      expect.objectContaining({
        code: "CHECKPOINT_INVALID",
        message:
          `The checkpoint of job 'report-sync' cannot be stored: it holds ${found}, which JSON does not read back ` +
          "as it was written. A checkpoint is JSON data — null, booleans, finite numbers, strings, arrays and plain " +
          "objects; keep a Date as its toISOString() and a BigInt as a string.",
      }),
    );
  });

  it("takes JSON of exactly MAX_CHECKPOINT_BYTES and refuses one byte more, counting UTF-8 bytes", () => {
    // "é" is 2 bytes in UTF-8: 16,383 of them and the quotes make 32,768 bytes.
    expect(checkpointJson("report-sync", "é".repeat(16_383))).toHaveLength(16_385);
    expect(() => checkpointJson("report-sync", `${"é".repeat(16_383)}x`)).toThrow(
      expect.objectContaining({
        code: "CHECKPOINT_TOO_LARGE",
        message:
          `The checkpoint of job 'report-sync' is ${MAX_CHECKPOINT_BYTES + 1} bytes of JSON (UTF-8); at most 32768 ` +
          "bytes (32 KiB) fit. Keep a cursor in it (a timestamp, a delta link, the last id), not the data itself.",
      }),
    );
  });

  it("never puts the value in its messages", () => {
    const secret = "s3cr3t-token";
    const messages = [
      { token: secret, bad: Number.NaN },
      { token: secret, pad: "x".repeat(MAX_CHECKPOINT_BYTES) },
    ].map((value) => {
      try {
        checkpointJson("report-sync", value);
        return "accepted";
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(messages.filter((m) => m.includes(secret) || m === "accepted")).toEqual([]);
  });
});
