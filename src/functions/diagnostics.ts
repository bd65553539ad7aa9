// @azure/functions is a CommonJS bundle: in an ES module, import its default export.
import azureFunctions from "@azure/functions";
import { authorized } from "../auth/authorized.js";
import { diagnosticsNeed } from "../auth/diagnosticsNeed.js";
import { getConfig } from "../container.js";
import { diagnosticsHandler } from "./diagnosticsHandler.js";

// Anonymous at the host: the app decides who gets through (see src/auth/authorized.ts). A token for a scope the app
// was not configured with needs an operator.
azureFunctions.app.http("diagnostics", {
  route: "diagnostics/token",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: authorized(
    (request) => {
      const config = getConfig();
      return diagnosticsNeed(request.query.get("scope"), {
        scope: config.scope,
        jobScopes: config.jobs.map((job) => job.scope),
      });
    },
    (request, context) => diagnosticsHandler(request, context),
  ),
});
