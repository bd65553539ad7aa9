import { beforeAll, describe, expect, it } from "vitest";
import { issueCertificate } from "../../dev/pki/issueCertificate.js";
import type { StandIns } from "../../dev/startStandIns.js";
import { loadConfig } from "../../src/config/loadConfig.js";
import { parseCertificateMaterial } from "../../src/credentials/certificate/parseCertificateMaterial.js";
import { acquireWithCertificate } from "../../src/tokens/acquireWithCertificate.js";
import { localSigner } from "../../src/credentials/signing/localSigner.js";
import { testScenario, useStandIns } from "../support/useStandIns.js";

const scenario = testScenario({ certificates: [{ name: "app" }] });
const stand = useStandIns(scenario);
let standIns: StandIns;
beforeAll(() => {
  standIns = stand();
});

describe("acquireWithCertificate", () => {
  it("succeeds with a registered certificate through a fresh client, and names the refusal of an unknown one", async () => {
    const config = loadConfig({ ...standIns.settings, AzureWebJobsStorage: "UseDevelopmentStorage=true" });
    const registered = await issueCertificate({ subject: "CN=next" });
    standIns.entra.addCertificate(scenario.app.clientId, { certPem: registered.certPem });
    const credential = async (cert: typeof registered) =>
      localSigner(
        await parseCertificateMaterial(
          { kind: "pem", text: cert.keyPem + cert.certPem },
          "candidate certificate",
        ),
      );

    const before = standIns.entra.tokenRequests.length;
    await acquireWithCertificate(config, await credential(registered));
    await acquireWithCertificate(config, await credential(registered));
    expect(standIns.entra.tokenRequests.length - before).toBe(2);

    const stranger = await issueCertificate({ subject: "CN=stranger" });
    await expect(acquireWithCertificate(config, await credential(stranger))).rejects.toMatchObject({
      code: "CERTIFICATE_NOT_REGISTERED",
      aadsts: 700027,
      message: expect.stringContaining(
        "Entra ID did not accept candidate certificate: AADSTS700027: the assertion was signed by a key Entra ID does not know",
      ) as string,
    });
  });
});
