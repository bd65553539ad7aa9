// @azure/functions is a CommonJS bundle: in an ES module, import its default export.
import azureFunctions from "@azure/functions";
import { getServices } from "../container.js";
import { listCertificatesHandler } from "./listCertificatesHandler.js";
import { renewCertificateHandler } from "./renewCertificateHandler.js";

azureFunctions.app.http("certificates-renew", {
  route: "certificates/{name}/renew",
  methods: ["POST"],
  authLevel: "function",
  handler: (request, context) => renewCertificateHandler(request, context, () => getServices().rotation),
});

azureFunctions.app.http("certificates-list", {
  route: "certificates",
  methods: ["GET"],
  authLevel: "function",
  handler: (request, context) => listCertificatesHandler(request, context, () => getServices().inventory),
});
