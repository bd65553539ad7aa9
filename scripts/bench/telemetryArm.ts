import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ChildMessage, DriverMessage } from "./telemetryMessages.js";

export type ArmName = "off" | "on";

/** One arm of the telemetry benchmark: a child process with the app loaded in the local host. */
export interface Arm {
  readonly name: ArmName;
  /** The wall time of each measured run, in milliseconds (the driver pushes them). */
  readonly times: number[];
  /**
   * Fires the job's timer once; resolves with the wall time seen from here and the child's CPU time so far (user +
   * system, its background work included), in milliseconds.
   */
  run(): Promise<{ ms: number; cpuMs: number }>;
  /** Starts the child's CPU profiler, or stops it and writes the profile to `path`. */
  profile(action: "start"): Promise<void>;
  profile(action: "stop", path: string): Promise<void>;
  /** Asks the child to stop its host (flushing telemetry) and exit; kills it (by its pid) after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

/**
 * Starts scripts/bench/telemetryChild.ts with `env` (the app's settings) and resolves once the app is loaded in its
 * host; rejects with the child's own reason when it cannot load the app.
 */
export function startArm(name: ArmName, env: NodeJS.ProcessEnv): Promise<Arm> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", fileURLToPath(new URL("./telemetryChild.ts", import.meta.url))],
    { env: { ...env, BENCH_ARM: name }, stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const runs = new Map<number, Pending<number>>();
  let nextId = 0;
  let ready: Pending<void> | null = null;
  let profiled: Pending<void> | null = null;
  let onStopped: (() => void) | null = null;
  let failure: string | null = null;
  let exited: Error | null = null;

  child.on("message", (message: ChildMessage) => {
    switch (message.type) {
      case "ready":
        return ready?.resolve();
      case "profiled":
        return profiled?.resolve();
      case "stopped":
        return onStopped?.();
      case "failed":
        failure = message.message;
        return profiled?.reject(new Error(`the "${name}" arm: ${failure}`));
      case "ran": {
        const pending = runs.get(message.id);
        runs.delete(message.id);
        if (message.error) {
          pending?.reject(new Error(`the "${name}" arm's timer invocation threw: ${message.error}`));
        } else pending?.resolve(message.cpuMs);
      }
    }
  });
  child.on("exit", (code, signal) => {
    exited = new Error(
      `the "${name}" arm's process (pid ${child.pid}) exited with ${signal ?? `code ${code}`}` +
        (failure ? `: ${failure}` : ""),
    );
    ready?.reject(exited);
    profiled?.reject(exited);
    onStopped?.();
    for (const pending of runs.values()) pending.reject(exited);
    runs.clear();
  });

  const arm: Arm = {
    name,
    times: [],
    run() {
      if (exited) return Promise.reject(exited);
      const id = (nextId += 1);
      return new Promise((resolve, reject) => {
        const started = performance.now();
        runs.set(id, { resolve: (cpuMs) => resolve({ ms: performance.now() - started, cpuMs }), reject });
        child.send({ type: "run", id } satisfies DriverMessage);
      });
    },
    profile(action: "start" | "stop", path?: string) {
      if (exited) return Promise.reject(exited);
      return new Promise<void>((resolve, reject) => {
        profiled = { resolve, reject };
        child.send(
          (action === "start"
            ? { type: "profile", action }
            : { type: "profile", action, path: path ?? "" }) satisfies DriverMessage,
        );
      });
    },
    async stop(graceMs = 15_000) {
      if (exited) return;
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      const stopped = new Promise<void>((resolve) => (onStopped = resolve));
      if (child.connected) child.send({ type: "stop" } satisfies DriverMessage);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), graceMs)));
      if ((await Promise.race([stopped.then(() => gone), late])) === "late") {
        console.error(`The "${name}" arm did not stop within ${graceMs} ms; killing pid ${child.pid}.`);
        child.kill("SIGKILL");
        await gone;
      }
      clearTimeout(timer);
      if (failure) throw new Error(`the "${name}" arm: ${failure}`);
    },
  };
  return new Promise<Arm>((resolve, reject) => {
    ready = { resolve: () => resolve(arm), reject };
  });
}
