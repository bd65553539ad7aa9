// One arm of the telemetry benchmark (scripts/bench/telemetry.ts starts two): loads the app (src/index.ts) in the local
// Functions host with the app settings in its environment — telemetry on or off is decided there, at import, as on
// Azure — and fires the job's timer function each time the driver asks, over the IPC channel. Not run by hand.
//
//   BENCH_JOB=report-pull node --import tsx scripts/bench/telemetryChild.ts   (spawned with an IPC channel)
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { fileURLToPath } from "node:url";
import { startLocalHost, type LocalHost } from "../../dev/host/startLocalHost.js";
import type { ChildMessage, DriverMessage } from "./telemetryMessages.js";
import { turnOffAzureSdkSpans } from "./telemetryAzureSdkSpans.js";

const send = (message: ChildMessage) => {
  if (process.connected) process.send?.(message);
};
const describe = (error: unknown) =>
  error instanceof Error ? (error.stack ?? error.message) : String(error);

if (!process.send) {
  console.error(
    "telemetryChild.ts is started by scripts/bench/telemetry.ts (npm run bench:telemetry), not by hand.",
  );
  process.exit(2);
}
const job = process.env.BENCH_JOB ?? "report-pull";
const timer = `job-${job}`;

let host: LocalHost;
try {
  host = await startLocalHost({
    entry: fileURLToPath(new URL("../../src/index.ts", import.meta.url)),
    // The app's settings are already this process's environment (the driver set them).
    env: {},
    // Timers fire only when the driver asks. Host log lines are dropped in both arms: the console is not what is
    // measured, and the app's own telemetry does not depend on them. Errors still reach the driver's console.
    runTimers: false,
    logger: {
      log: (entry) => {
        if (entry.level === "error" || entry.level === "critical") {
          console.error(
            `[${process.env.BENCH_ARM}] ${entry.message}${entry.error ? `: ${describe(entry.error)}` : ""}`,
          );
        }
      },
    },
  });
  if (!host.functions.some((fn) => fn.name === timer)) {
    throw new Error(
      `the app registered no timer function "${timer}" (registered: ${host.functions.map((fn) => fn.name).join(", ")})`,
    );
  }
  // A diagnostic the driver's --on-env can set (see telemetryAzureSdkSpans.ts).
  if (process.env.BENCH_AZURE_SDK_SPANS === "off") turnOffAzureSdkSpans();
} catch (error) {
  send({ type: "failed", message: `the app did not load in the local host: ${describe(error)}` });
  process.exit(1);
}

let stopping: Promise<void> | undefined;
async function stop(): Promise<void> {
  stopping ??= host.stop().then(
    () => void send({ type: "stopped" }),
    (error: unknown) =>
      void send({ type: "failed", message: `the host did not stop cleanly: ${describe(error)}` }),
  );
  await stopping;
  // SDK clients keep sockets and timers alive; the CPU profile (--cpu-prof) is written on exit.
  process.exit(0);
}

const profiler = new Session();
async function profile(message: Extract<DriverMessage, { type: "profile" }>): Promise<void> {
  if (message.action === "start") {
    profiler.connect();
    await profiler.post("Profiler.enable");
    // 250 µs rather than the default 1 ms: a run's telemetry is a few milliseconds of CPU.
    await profiler.post("Profiler.setSamplingInterval", { interval: 250 });
    await profiler.post("Profiler.start");
  } else {
    const { profile } = await profiler.post("Profiler.stop");
    profiler.disconnect();
    await writeFile(message.path, JSON.stringify(profile));
  }
}

process.on("message", (message: DriverMessage) => {
  if (message.type === "stop") {
    void stop();
    return;
  }
  if (message.type === "profile") {
    profile(message).then(
      () => send({ type: "profiled" }),
      (error: unknown) => send({ type: "failed", message: `the CPU profiler failed: ${describe(error)}` }),
    );
    return;
  }
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  host.invokeTimer(timer).then(
    () => send({ type: "ran", id: message.id, cpuMs: cpuMs() }),
    (error: unknown) => send({ type: "ran", id: message.id, cpuMs: cpuMs(), error: describe(error) }),
  );
});
// The driver went away (crashed, or was killed): do not outlive it.
process.on("disconnect", () => void stop());
send({ type: "ready" });
