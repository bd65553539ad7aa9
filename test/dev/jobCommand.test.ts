import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

/** `npm run job -- <args>` as a developer runs it (this process's environment carries the dev CA). */
function job(...args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "dev/job.ts", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

describe("npm run job", () => {
  it("runs one job once against the stand-ins and prints its run record and result", async () => {
    const { code, output } = await job("sync-changes");
    expect(code).toBe(0);
    expect(output).toContain("Run record (as GET /api/jobs/sync-changes/runs shows it):");
    expect(output).toMatch(/"json": \{\s*"pages": 3,\s*"pushed": 7,\s*"after": 7\s*\}/);
    expect(output).toMatch(
      /Result: sync-changes succeeded in \d+ ms; summary \{"pages":3,"pushed":7,"after":7\}/,
    );
  }, 90_000);

  it("refuses input that is not JSON before starting anything (exit 2)", async () => {
    const { code, output } = await job("sync-changes", "--input", "{from: 0}");
    expect(code).toBe(2);
    expect(output).toContain("--input: expected JSON");
    expect(output).not.toContain("Stand-ins:");
  });
});
