// @azure/functions is a CommonJS bundle: in an ES module, import its default export.
import azureFunctions from "@azure/functions";
import { authorized } from "../auth/authorized.js";
import { getServices } from "../container.js";
import { checkCertificatesHandler } from "./checkCertificatesHandler.js";
import { listCertificatesHandler } from "./listCertificatesHandler.js";
import { renewCertificateHandler } from "./renewCertificateHandler.js";

// The routes are anonymous at the host: the app decides who gets through (see src/auth/authorized.ts).
azureFunctions.app.http("certificates-renew", {
  route: "certificates/{name}/renew",
  methods: ["POST"],
  authLevel: "anonymous",
  handler: authorized("operate", (request, context) =>
    renewCertificateHandler(request, context, getServices),
  ),
});

azureFunctions.app.http("certificates-list", {
  route: "certificates",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: authorized("read", (request, context) => listCertificatesHandler(request, context, getServices)),
});

// The schedule is an app setting reference, resolved by the host (default set in local settings and README).
azureFunctions.app.timer("certificates-check", {
  schedule: process.env.M2M_CERT_CHECK_SCHEDULE?.trim() ? "%M2M_CERT_CHECK_SCHEDULE%" : "0 0 6 * * *",
  runOnStartup: false,
  useMonitor: true,
  handler: (timer, context) => checkCertificatesHandler(timer, context, getServices),
});
