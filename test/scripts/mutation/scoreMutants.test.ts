import { describe, expect, it } from "vitest";
import {
  gateFailure,
  scoreModule,
  type MutantStatus,
  type ScoredMutant,
} from "../../../scripts/mutation/scoreMutants.js";

const mutant = (status: MutantStatus, line = 1, replacement?: string): ScoredMutant => ({
  status,
  mutatorName: "ConditionalExpression",
  replacement,
  location: { start: { line, column: 4 } },
});

const many = (status: MutantStatus, n: number): ScoredMutant[] =>
  Array.from({ length: n }, () => mutant(status));

describe("scoreModule", () => {
  it("scores detected (killed or timed out) over killed, timed out, survived and unreached mutants", () => {
    const score = scoreModule("src/a.ts", [
      ...many("Killed", 15),
      ...many("Timeout", 2),
      ...many("Survived", 2),
      mutant("NoCoverage"),
    ]);
    expect(score).toMatchObject({ killed: 15, timedOut: 2, survived: 2, noCoverage: 1, score: 85 });
  });

  it("leaves mutants marked equivalent, and mutants that do not compile or crash, out of the score", () => {
    const score = scoreModule("src/a.ts", [
      ...many("Killed", 3),
      mutant("Survived"),
      ...many("Ignored", 5),
      mutant("CompileError"),
      mutant("RuntimeError"),
      mutant("Pending"),
    ]);
    expect(score).toMatchObject({ ignored: 5, invalid: 2, score: 75 });
  });

  it("scores a module with no valid mutant 100", () => {
    expect(scoreModule("src/a.ts", many("Ignored", 2)).score).toBe(100);
    expect(scoreModule("src/a.ts", []).score).toBe(100);
  });

  it("lists each undetected mutant by position (1-based column), mutator and replacement on one line", () => {
    const score = scoreModule("src/a.ts", [
      mutant("Killed", 3),
      mutant("Survived", 7, "a >=\n    b"),
      mutant("NoCoverage", 9),
      mutant("Survived", 11, "y".repeat(80)),
    ]);
    expect(score.undetected).toEqual([
      "7:5 ConditionalExpression → a >= b",
      "9:5 ConditionalExpression (no test reaches it)",
      `11:5 ConditionalExpression → ${"y".repeat(59)}…`,
    ]);
  });
});

describe("gateFailure", () => {
  const scored = (killed: number, survived: number, noCoverage = 0) =>
    scoreModule("src/a.ts", [
      ...many("Killed", killed),
      ...many("Survived", survived),
      ...many("NoCoverage", noCoverage),
    ]);

  it("passes a module at exactly the threshold", () => {
    expect(gateFailure(scored(19, 1), 95)).toBeNull();
  });

  it("fails a module below the threshold, naming it and its score", () => {
    expect(gateFailure(scored(18, 2), 95)).toBe("src/a.ts: score 90.0% is below 95%");
  });

  it("fails a module with a mutant no test reaches, whatever its score", () => {
    expect(gateFailure(scored(99, 0, 1), 95)).toBe("src/a.ts: 1 mutant no test reaches");
    expect(gateFailure(scored(10, 0, 2), 95)).toBe(
      "src/a.ts: score 83.3% is below 95%; 2 mutants no test reaches",
    );
  });
});
