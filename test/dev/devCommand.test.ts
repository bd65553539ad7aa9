import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { afterAll, describe, expect, it } from "vitest";

/** `npm run dev` as a user runs it (under the dev CA wrapper), on a free port. */
let child: ChildProcess | undefined;
afterAll(() => {
  try {
    if (child?.pid) process.kill(-child.pid, "SIGKILL");
  } catch {
    // the group has exited
  }
});

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("npm run dev", () => {
  it("starts the demo with the app's functions, and Ctrl+C stops everything: nothing is left listening", async () => {
    // What `npm run dev` runs (npm itself only relays the signal): node with tsx's loader, not tsx's CLI, whose
    // signal relay kills a child that does not acknowledge Ctrl+C within 30 ms (a busy machine: Azurite left behind).
    const node = ["--import", "tsx"];
    child = spawn(
      process.execPath,
      [...node, "dev/withDevCa.ts", process.execPath, ...node, "dev/dev.ts", "--port", "0"],
      {
        detached: true, // its own process group, as a terminal's foreground job
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child!.once("exit", (code) => resolve(code)));

    const deadline = Date.now() + 60_000;
    while (!output.includes("Press Ctrl+C to stop.")) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`dev did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const ports = [...output.matchAll(/(?:https?:\/\/127\.0\.0\.1):(\d+)/g)].map((m) => Number(m[1]));
    const unique = [...new Set(ports)];
    expect(output).toMatch(/Status page: http:\/\/127\.0\.0\.1:\d+\/api\/dashboard\?code=/);
    expect(output).toContain("job-report-pull: timerTrigger");
    // The example job modules run in the demo too.
    expect(output).toContain("job-sync-changes: timerTrigger (%SYNC_SCHEDULE% = ");
    expect(output).toContain("job-directory-report: timerTrigger (%DIRECTORY_REPORT_SCHEDULE% = ");
    // The host, Entra ID, Key Vault and Azurite at least.
    expect(unique.length).toBeGreaterThanOrEqual(4);
    for (const port of unique) expect(await listening(port)).toBe(true);

    process.kill(-child.pid!, "SIGINT"); // Ctrl+C
    // 0, or 130 where tsx reports the interrupt the conventional way (128 + SIGINT).
    expect([0, 130]).toContain(await exited);
    expect(output).toContain(
      "Stopping: the host (waiting for running functions), the stand-ins and Azurite...",
    );
    expect(output).toContain("Stopped; nothing is left running.");
    const open = [];
    for (const port of unique) if (await listening(port)) open.push(port);
    expect(open).toEqual([]);
  }, 90_000);
});
