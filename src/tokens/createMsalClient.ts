import {
  ConfidentialClientApplication,
  LogLevel,
  type INetworkModule,
  type NodeAuthOptions,
} from "@azure/msal-node";
import type { Config } from "../config/Config.js";
import type { Logger } from "../logging/Logger.js";
import { buildAuthorityMetadata } from "./buildAuthorityMetadata.js";

/**
 * MSAL warnings that are expected on the token path and ask nothing of anyone, by their text (MSAL Node 7 / msal-common
 * 16). "No client info in response": client_info describes a signed-in user, so a client credentials response never
 * has it, and MSAL Node warns on every token request.
 */
const EXPECTED_MSAL_WARNINGS = ["No client info in response"];

/**
 * The one place MSAL clients are configured: the authority with its metadata supplied (no discovery request),
 * instance discovery off for the authority's host, PII logging off, MSAL's errors and its warnings (but the expected
 * ones) to `logger`, and the token path's network client (see fetchNetworkClient: requests bounded by the caller's
 * deadline, failures MSAL would garble or throttle locally passed through for the token path to classify).
 */
export function createMsalClient(
  config: Pick<Config, "clientId" | "tenantId" | "authorityHost" | "authority">,
  credential: Pick<NodeAuthOptions, "clientCertificate" | "clientSecret" | "clientAssertion">,
  options: { networkClient: INetworkModule; logger?: Logger },
): ConfidentialClientApplication {
  const { logger } = options;
  return new ConfidentialClientApplication({
    auth: {
      clientId: config.clientId,
      authority: config.authority,
      knownAuthorities: [new URL(config.authorityHost).host],
      authorityMetadata: buildAuthorityMetadata(config.authorityHost, config.tenantId),
      ...credential,
    },
    system: {
      networkClient: options.networkClient,
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (level, message) => {
          if (level === LogLevel.Error) logger?.error(`MSAL: ${message}`);
          else if (level === LogLevel.Warning && !isExpectedWarning(message))
            logger?.warn(`MSAL: ${message}`);
        },
      },
    },
  });
}

/** MSAL hands its callback "[time] : [correlation id] : @azure/msal-node@7.2.1 : Warning - <message>". */
function isExpectedWarning(line: string): boolean {
  return EXPECTED_MSAL_WARNINGS.some((message) => line.endsWith(` - ${message}`));
}
