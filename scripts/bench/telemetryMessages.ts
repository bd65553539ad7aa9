/** What the telemetry benchmark's driver asks of a child (scripts/bench/telemetryChild.ts), over the IPC channel. */
export type DriverMessage =
  /** Fire the job's timer function once, as its schedule would. */
  | { type: "run"; id: number }
  /** Start the V8 CPU profiler (`--cpu-prof`: the measured runs only, not start-up or warm-up). */
  | { type: "profile"; action: "start" }
  /** Stop it and write the profile (a .cpuprofile, as Chrome DevTools and speedscope open) to `path`. */
  | { type: "profile"; action: "stop"; path: string }
  /** Stop the host (the app's appTerminate hooks export what telemetry is buffered), then exit. */
  | { type: "stop" };

/** What a child answers. */
export type ChildMessage =
  /** The app is loaded in the local host and the job's timer function is registered. */
  | { type: "ready" }
  /**
   * The run `id` ended; `error` when the invocation threw (a failed run is a result, not an error). `cpuMs`: the
   * process's CPU time so far (user + system, background work such as exports included).
   */
  | { type: "ran"; id: number; cpuMs: number; error?: string }
  /** The profiler started, or stopped and its profile is written. */
  | { type: "profiled" }
  /** The host has stopped; the process exits next. */
  | { type: "stopped" }
  /** The app could not be loaded or the host could not stop: the child exits with code 1 after this. */
  | { type: "failed"; message: string };
