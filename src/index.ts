// Entry point ("main" in package.json). Telemetry starts first, so the function files and the services they build
// use the registered providers; importing the function files then registers them with the host.
import azureFunctions from "@azure/functions";
import { instrumentFunctionsApp } from "./telemetry/instrumentFunctionsApp.js";
import { startTelemetry } from "./telemetry/startTelemetry.js";

instrumentFunctionsApp(azureFunctions.app, await startTelemetry(process.env));

await import("./functions/diagnostics.js");
await import("./functions/jobs.js");
await import("./functions/keyVaultEvents.js");
await import("./functions/certificates.js");
await import("./functions/dashboard.js");
await import("./functions/authKeyCheck.js");
