// @azure/functions is a CommonJS bundle: in an ES module, import its default export.
import azureFunctions from "@azure/functions";
import { authorized } from "../auth/authorized.js";
import { systemClock } from "../clock/Clock.js";
import { getConfig, getServices } from "../container.js";
import { jobTimerHandler } from "./jobTimerHandler.js";
import { listJobsHandler } from "./listJobsHandler.js";
import { listRunsHandler } from "./listRunsHandler.js";
import { runJobHandler } from "./runJobHandler.js";

const { app } = azureFunctions;
const jobs = () => getServices().jobs;

// The host is shutting down: runs in flight stop calling their API (ABORTED) and are still recorded and alerted.
// A host that loads the app again in the same process (the local host, whose module cache keeps this file) starts
// afresh: later runs get a signal that has not aborted.
let shutdown = new AbortController();
app.hook.appTerminate(() => {
  shutdown.abort(new Error("the Functions host is shutting down"));
  shutdown = new AbortController();
});

// One timer function per enabled job, so each has its own schedule, logs and telemetry. Reading the settings
// here makes a bad job definition a start-up error that names the job and the field.
for (const job of getConfig().jobs) {
  if (!job.enabled) continue;
  app.timer(`job-${job.name}`, {
    schedule: job.schedule,
    runOnStartup: false,
    useMonitor: true,
    handler: (timer, context) => jobTimerHandler(job.name, timer, context, jobs, shutdown.signal),
  });
}

// The routes are anonymous at the host: the app decides who gets through (see src/auth/authorized.ts).
app.http("jobs-list", {
  route: "jobs",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: authorized("read", (request, context) => listJobsHandler(request, context, jobs, systemClock)),
});

app.http("jobs-run", {
  route: "jobs/{name}/run",
  methods: ["POST"],
  authLevel: "anonymous",
  handler: authorized("operate", (request, context) =>
    runJobHandler(request, context, jobs, shutdown.signal),
  ),
});

app.http("jobs-runs", {
  route: "jobs/{name}/runs",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: authorized("read", (request, context) => listRunsHandler(request, context, jobs)),
});
