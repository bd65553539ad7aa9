// Entry point ("main" in package.json). Telemetry starts first, so the function files and the services they build
// use the registered providers; the job modules are loaded next; importing the function files then registers them
// with the host.
import azureFunctions from "@azure/functions";
import { instrumentFunctionsApp } from "./telemetry/instrumentFunctionsApp.js";
import { startTelemetry } from "./telemetry/startTelemetry.js";
import { provideJobModules } from "./container.js";
import { loadJobModules } from "./jobs/code/loadJobModules.js";

instrumentFunctionsApp(azureFunctions.app, await startTelemetry(process.env));
// The job modules of jobs/ (and examples/jobs/): each becomes a job like a declared one, with its own timer.
provideJobModules(await loadJobModules());

await import("./functions/diagnostics.js");
await import("./functions/jobs.js");
await import("./functions/keyVaultEvents.js");
await import("./functions/certificates.js");
await import("./functions/dashboard.js");
await import("./functions/authKeyCheck.js");
