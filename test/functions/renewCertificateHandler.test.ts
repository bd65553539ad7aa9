import { HttpRequest, InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/loadConfig.js";
import { createServices } from "../../src/container.js";
import { renewCertificateHandler } from "../../src/functions/renewCertificateHandler.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { appSettings } from "./appSettings.js";

const renew = (name: string, settings: Record<string, string>) => {
  const services = createServices(loadConfig(settings), { logger: recordingLogger().logger });
  return renewCertificateHandler(
    new HttpRequest({
      method: "POST",
      url: `http://localhost/api/certificates/${name}/renew`,
      params: { name },
    }),
    new InvocationContext({ functionName: "certificates-renew", logHandler: () => undefined }),
    () => services,
  );
};

describe("POST /api/certificates/{name}/renew", () => {
  it("refuses a certificate the app does not manage, naming the one it does", async () => {
    expect(await renew("someone-elses", appSettings([]))).toEqual({
      status: 403,
      jsonBody: {
        error: {
          code: "CERTIFICATE_NOT_MANAGED",
          message:
            "The app manages only its own certificate 'app' in https://kv.test; 'someone-elses' is not it.",
        },
      },
    });
  });

  it("refuses to rotate a pinned version", async () => {
    const response = await renew(
      "app",
      appSettings([], { M2M_KEYVAULT_CERTIFICATE_VERSION: "0123456789abcdef0123456789abcdef" }),
    );
    expect(response).toMatchObject({
      status: 403,
      jsonBody: { error: { code: "CERTIFICATE_VERSION_PINNED" } },
    });
  });

  it("refuses when the app uses a client secret", async () => {
    const response = await renew(
      "app",
      appSettings([], { M2M_CREDENTIAL_SOURCE: "client-secret", M2M_CLIENT_SECRET: "value" }),
    );
    expect(response).toMatchObject({ status: 403, jsonBody: { error: { code: "CERTIFICATE_NOT_MANAGED" } } });
  });
});
