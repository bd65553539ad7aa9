// @azure/functions is a CommonJS bundle: in an ES module, import its default export.
import azureFunctions from "@azure/functions";
import { getServices } from "../container.js";
import { dashboardHandler } from "./dashboardHandler.js";

azureFunctions.app.http("dashboard", {
  route: "dashboard",
  methods: ["GET"],
  authLevel: "function",
  handler: (request, context) => dashboardHandler(request, context, () => getServices().dashboard),
});
