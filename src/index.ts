// Entry point ("main" in package.json): importing the function files registers them with the host.
import "./functions/diagnostics.js";
import "./functions/jobs.js";
import "./functions/keyVaultEvents.js";
import "./functions/certificates.js";
import "./functions/dashboard.js";
import "./functions/authKeyCheck.js";
