/** The statuses Stryker gives a mutant (`MutantStatus` in @stryker-mutator/api). */
export type MutantStatus =
  "Killed" | "Survived" | "NoCoverage" | "Timeout" | "CompileError" | "RuntimeError" | "Ignored" | "Pending";

/** What the score reads of one mutant result. */
export interface ScoredMutant {
  status: MutantStatus;
  mutatorName: string;
  replacement?: string | undefined;
  location: { start: { line: number; column: number } };
}

export interface ModuleScore {
  module: string;
  killed: number;
  timedOut: number;
  survived: number;
  noCoverage: number;
  /** Marked equivalent (`// Stryker disable … : reason`) or otherwise excluded: not in the score. */
  ignored: number;
  /** Mutants that do not compile or crash before a test runs: not in the score, as in Stryker's own report. */
  invalid: number;
  /** (killed + timed out) / (killed + timed out + survived + no coverage) × 100; 100 when no mutant is valid. */
  score: number;
  /** The mutants that lived, as `line:column mutator → replacement`, for the failure message. */
  undetected: string[];
}

/**
 * Pure: a module's mutation score from Stryker's results, computed the way Stryker's report does (a timeout counts
 * as detected: the mutant made the tests hang).
 */
export function scoreModule(module: string, mutants: readonly ScoredMutant[]): ModuleScore {
  const count = (status: MutantStatus): number => mutants.filter((m) => m.status === status).length;
  const killed = count("Killed");
  const timedOut = count("Timeout");
  const survived = count("Survived");
  const noCoverage = count("NoCoverage");
  const valid = killed + timedOut + survived + noCoverage;
  return {
    module,
    killed,
    timedOut,
    survived,
    noCoverage,
    ignored: count("Ignored"),
    invalid: count("CompileError") + count("RuntimeError"),
    score: valid === 0 ? 100 : ((killed + timedOut) / valid) * 100,
    undetected: mutants
      .filter((m) => m.status === "Survived" || m.status === "NoCoverage")
      .map(
        (m) =>
          `${m.location.start.line}:${m.location.start.column + 1} ${m.mutatorName}` +
          `${m.replacement === undefined ? "" : ` → ${oneLine(m.replacement)}`}` +
          `${m.status === "NoCoverage" ? " (no test reaches it)" : ""}`,
      ),
  };
}

/**
 * Pure: why a module fails the gate, or null when it passes: a score below `threshold`, or any mutant no test
 * reaches (code without a specification, whatever the score).
 */
export function gateFailure(score: ModuleScore, threshold: number): string | null {
  const reasons: string[] = [];
  if (score.score < threshold) reasons.push(`score ${score.score.toFixed(1)}% is below ${threshold}%`);
  if (score.noCoverage > 0) {
    reasons.push(`${score.noCoverage} mutant${score.noCoverage === 1 ? "" : "s"} no test reaches`);
  }
  return reasons.length === 0 ? null : `${score.module}: ${reasons.join("; ")}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}
