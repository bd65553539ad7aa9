import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../src/errorCodes.js";

const SRC = join(import.meta.dirname, "..", "src");
const CODE = String.raw`[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*`;
/**
 * Where src/ gives an error or a run its code: the first argument of an error's constructor (`new TokenError("X"`,
 * `super("X"`) or of the helpers that build one (certificateError, the AADSTS table's plain/cert, a run's
 * failed/stop), and the value of a `code:` / `errorCode:` property or a `const code =` (ternaries included).
 * A comparison (`code === "X"`) reads a code and is not counted.
 */
const FIRST_ARGUMENT = new RegExp(
  String.raw`\b(?:new\s+\w+|super|certificateError|plain|cert|failed|stop)\(\s*"(${CODE})"`,
  "g",
);
const ASSIGNED = /\b(?:code|errorCode)\s*:\s*([^,;\n]*)|\bconst code\s*=\s*([^;\n]*)/g;
const LITERAL = new RegExp(String.raw`"(${CODE})"`, "g");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Drift findings (DriftFinding.code) name what the certificate check found: they are not errors. */
const FINDING_CODES = new Set(
  [...readFileSync(join(SRC, "certificates", "DriftFinding.ts"), "utf8").matchAll(LITERAL)].map((m) => m[1]!),
);

/** Every code src/ gives, with the files that give it. */
function codesInSource(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (code: string, file: string) => {
    if (FINDING_CODES.has(code)) return;
    const files = found.get(code) ?? [];
    if (!files.includes(file)) files.push(file);
    found.set(code, files);
  };
  for (const path of sourceFiles(SRC)) {
    const file = relative(SRC, path);
    if (file === "errorCodes.ts") continue;
    const text = readFileSync(path, "utf8");
    for (const match of text.matchAll(FIRST_ARGUMENT)) add(match[1]!, file);
    for (const match of text.matchAll(ASSIGNED)) {
      for (const literal of (match[1] ?? match[2] ?? "").matchAll(LITERAL)) add(literal[1]!, file);
    }
  }
  return found;
}

/** The codes passed to `new <Class>("X"` for one error class. */
function codesThrownAs(errorClass: string): Set<string> {
  const pattern = new RegExp(String.raw`\bnew\s+${errorClass}\(\s*"(${CODE})"`, "g");
  return new Set(
    sourceFiles(SRC).flatMap((path) => [...readFileSync(path, "utf8").matchAll(pattern)].map((m) => m[1]!)),
  );
}

describe("ERROR_CODES", () => {
  const listed = ERROR_CODES as Record<string, { meaning: string; retryable: unknown }>;

  it("lists every code src/ gives an error or a run (add a new code to src/errorCodes.ts)", () => {
    const missing = [...codesInSource()]
      .filter(([code]) => !(code in listed))
      .map(([code, files]) => `${code} (${files.join(", ")})`);
    expect(missing).toEqual([]);
  });

  it("lists no code that src/ no longer gives (remove it from src/errorCodes.ts)", () => {
    const given = codesInSource();
    expect(Object.keys(listed).filter((code) => !given.has(code))).toEqual([]);
  });

  it("gives each code a one-line meaning and says whether a retry may help", () => {
    for (const [code, info] of Object.entries(listed)) {
      expect(code).toMatch(new RegExp(`^${CODE}$`));
      expect(info.meaning, code).toMatch(/^\S.*\.$/);
      expect(info.meaning, code).not.toContain("\n");
      expect([true, false, "per-failure"], code).toContain(info.retryable);
    }
  });

  it("agrees with the error classes: a TransientError may pass, a ConfigurationError or CredentialError will not", () => {
    for (const code of codesThrownAs("TransientError")) expect(listed[code]?.retryable, code).toBe(true);
    for (const code of codesThrownAs("CredentialError")) expect(listed[code]?.retryable, code).toBe(false);
    expect(listed.CONFIGURATION_INVALID?.retryable).toBe(false);
  });

  it("finds the codes where src/ gives them", () => {
    const given = codesInSource();
    // One of each form: a constructor, super(...), a helper, a property, a ternary, a `const code =`.
    expect(given.get("STATE_UNAVAILABLE")).toContain(join("state", "stateError.ts"));
    expect(given.get("TIMED_OUT")).toContain("errors.ts");
    expect(given.get("CERTIFICATE_KEY_NOT_RSA")).toContain(
      join("credentials", "certificate", "certificateError.ts"),
    );
    expect(given.get("TOKEN_ENDPOINT_THROTTLED")).toContain(join("tokens", "describeTokenFailure.ts"));
    expect(given.get("LEASE_UNAVAILABLE")).toContain(join("jobs", "runJob.ts"));
    expect(given.get("GRAPH_NOT_FOUND")).toContain(join("graph", "graphFailure.ts"));
    // Reading a code is not giving it; findings are not errors.
    expect(given.has("PARSE_ERROR")).toBe(false);
    expect(given.has("ORPHANED_KEYS")).toBe(false);
  });
});
