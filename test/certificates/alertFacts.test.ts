import { describe, expect, it } from "vitest";
import { alertFacts } from "../../src/certificates/alertFacts.js";

describe("alertFacts", () => {
  it("keeps the pairs in order and leaves out those whose value is null", () => {
    expect(
      alertFacts([
        ["B", "2"],
        ["A", null],
        ["C", ""],
        ["A", "1"],
      ]),
    ).toEqual([
      { name: "B", value: "2" },
      { name: "C", value: "" },
      { name: "A", value: "1" },
    ]);
  });
});
