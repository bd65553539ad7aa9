// @azure/functions is a CommonJS bundle: in an ES module, import its default export.
import azureFunctions from "@azure/functions";
import { diagnosticsHandler } from "./diagnosticsHandler.js";

azureFunctions.app.http("diagnostics", {
  route: "diagnostics/token",
  methods: ["GET"],
  authLevel: "function",
  handler: (request, context) => diagnosticsHandler(request, context),
});
