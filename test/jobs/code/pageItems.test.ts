import { describe, expect, it } from "vitest";
import { JobError } from "../../../src/jobs/code/JobError.js";
import { pageItems } from "../../../src/jobs/code/pageItems.js";

const WHERE = "GET https://api.example/v1/items (page 2)";

function failureOf(body: unknown): JobError {
  try {
    pageItems(body, WHERE);
  } catch (error) {
    if (error instanceof JobError) return error;
    throw error;
  }
  throw new Error("expected a JobError, but nothing was thrown");
}

function expectedGot(got: string): string {
  return `${WHERE}: expected a page of a list (a JSON array, or an object with a "value" array); got ${got}.`;
}

describe("pageItems: the items of a page", () => {
  it("takes a body that is an array as the items themselves", () => {
    const body = [{ id: 1 }, { id: 2 }];
    expect(pageItems(body, WHERE)).toBe(body);
  });

  it("takes an empty array as a page with no items", () => {
    expect(pageItems([], WHERE)).toEqual([]);
  });

  it("takes an object's value array as the items (OData, Graph)", () => {
    const value = [{ id: "a" }];
    expect(pageItems({ "@odata.nextLink": "https://api.example/v1/items?page=3", value }, WHERE)).toBe(value);
  });

  it("takes an object whose value array is empty as a page with no items", () => {
    expect(pageItems({ value: [] }, WHERE)).toEqual([]);
  });
});

describe("pageItems: a body that is not a page", () => {
  it("is RESPONSE_NOT_A_PAGE, naming the request", () => {
    const error = failureOf({ value: "not a list" });
    expect(error.code).toBe("RESPONSE_NOT_A_PAGE");
    expect(error.message).toBe(expectedGot('an object with "value"'));
  });

  it.each([
    ["null", null, "null"],
    ["a string", "items", "a string"],
    ["a number", 3, "a number"],
    ["a boolean", true, "a boolean"],
    ["an empty object", {}, "an empty object"],
    ["an object whose value is null", { value: null }, 'an object with "value"'],
    ["an object whose value is an object", { value: { items: [] } }, 'an object with "value"'],
  ])("refuses %s, saying what it was", (_what, body, got) => {
    expect(failureOf(body).message).toBe(expectedGot(got));
  });

  it("refuses a missing body as not a page", () => {
    expect(failureOf(undefined).code).toBe("RESPONSE_NOT_A_PAGE");
  });

  it("names an object's keys as JSON strings, never their values", () => {
    const message = failureOf({ 'say "hi"': "secret-value", items: [1] }).message;
    expect(message).toBe(expectedGot('an object with "say \\"hi\\"", "items"'));
    expect(message).not.toContain("secret-value");
  });

  it("names all of five keys", () => {
    expect(failureOf({ a: 1, b: 2, c: 3, d: 4, e: 5 }).message).toBe(
      expectedGot('an object with "a", "b", "c", "d", "e"'),
    );
  });

  it("names the first five of six keys and marks the rest", () => {
    expect(failureOf({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }).message).toBe(
      expectedGot('an object with "a", "b", "c", "d", "e", …'),
    );
  });
});
