// @azure/functions is a CommonJS bundle: in an ES module, import its default export.
import azureFunctions from "@azure/functions";
import { appAuthorizer } from "../auth/appAuthorizer.js";
import { KEY_CHECK_ROUTE } from "../auth/hostKeyProbe.js";

// Reading the authorization settings at load makes an invalid M2M_OPERATOR_ROLE / M2M_READER_ROLE a start-up error.
appAuthorizer();

// The one route the host guards with keys: the app asks it whether a presented key opens function-level routes
// (src/auth/hostKeyProbe.ts). It answers 204 and nothing else, so a caller learns only that their key works.
azureFunctions.app.http("auth-key-check", {
  route: KEY_CHECK_ROUTE,
  methods: ["GET"],
  authLevel: "function",
  handler: () => Promise.resolve({ status: 204 }),
});
