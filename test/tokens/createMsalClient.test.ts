import { describe, expect, it } from "vitest";
import { createMsalClient } from "../../src/tokens/createMsalClient.js";
import { recordingLogger } from "../support/recordingLogger.js";

const config = {
  clientId: "11111111-1111-4111-8111-111111111111",
  tenantId: "22222222-2222-4222-8222-222222222222",
  authorityHost: "https://login.example:8443",
  authority: "https://login.example:8443/22222222-2222-4222-8222-222222222222",
};
const refuse = () => Promise.reject(new Error("this test sends no request"));

/** A client as the token path builds it; MSAL's own logger drives the loggerCallback as it does in a request. */
function clientLogging() {
  const log = recordingLogger();
  const client = createMsalClient(
    config,
    { clientSecret: "not-a-real-secret" },
    { networkClient: { sendGetRequestAsync: refuse, sendPostRequestAsync: refuse }, logger: log.logger },
  );
  return { msal: client.getLogger(), log };
}

describe("createMsalClient's MSAL log", () => {
  it("drops 'No client info in response', which MSAL Node writes for every client credentials token", () => {
    const { msal, log } = clientLogging();
    msal.warning("No client info in response", "3c1e8f4a-0000-4000-8000-000000000001");
    expect(log.entries).toEqual([]);
  });

  it("keeps MSAL's other warnings and its errors, prefixed 'MSAL: '", () => {
    const { msal, log } = clientLogging();
    msal.warning("Claims-based caching is disabled", "3c1e8f4a-0000-4000-8000-000000000002");
    msal.error("No client info in response was expected here", "3c1e8f4a-0000-4000-8000-000000000003");
    expect(log.entries.map((entry) => entry.level)).toEqual(["warn", "error"]);
    expect(log.entries[0]!.message).toMatch(
      /^MSAL: \[.+\] : \[3c1e8f4a-0000-4000-8000-000000000002\] : @azure\/msal-node@[\d.]+ : Warning - Claims-based caching is disabled$/,
    );
    expect(log.entries[1]!.message).toMatch(/ : Error - No client info in response was expected here$/);
  });

  it("keeps a warning that only starts like the dropped one", () => {
    const { msal, log } = clientLogging();
    msal.warning("No client info in response: parsing failed", "3c1e8f4a-0000-4000-8000-000000000004");
    expect(log.entries.map((entry) => entry.level)).toEqual(["warn"]);
  });

  it("does not pass MSAL's info and verbose lines on", () => {
    const { msal, log } = clientLogging();
    msal.info("acquireTokenByClientCredential called", "3c1e8f4a-0000-4000-8000-000000000005");
    msal.verbose("Building client assertion", "3c1e8f4a-0000-4000-8000-000000000006");
    expect(log.entries).toEqual([]);
  });
});
