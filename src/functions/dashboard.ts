// @azure/functions is a CommonJS bundle: in an ES module, import its default export.
import azureFunctions from "@azure/functions";
import { authorized } from "../auth/authorized.js";
import { getServices } from "../container.js";
import { dashboardHandler } from "./dashboardHandler.js";

// Anonymous at the host: the app decides who gets through (see src/auth/authorized.ts), so on-call people can sign in
// instead of carrying a key in the URL.
azureFunctions.app.http("dashboard", {
  route: "dashboard",
  // HEAD as GET (uptime monitors and link checkers ask it), without the body.
  methods: ["GET", "HEAD"],
  authLevel: "anonymous",
  handler: authorized("read", (request, context) =>
    dashboardHandler(request, context, () => getServices().dashboard),
  ),
});
