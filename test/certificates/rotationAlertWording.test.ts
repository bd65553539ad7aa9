import { describe, expect, it } from "vitest";
import {
  manualRenewalWording,
  renewalFailedWording,
  renewalProgressWording,
  rotationFacts,
  rotationResolvedWording,
  rotationSwitchedWording,
} from "../../src/certificates/rotationAlertWording.js";
import { rotationRecordFor } from "../support/rotationRecordFor.js";

const VAULT = "https://kv-m2m.vault.azure.net";
const OLD = rotationRecordFor().oldThumbprintSha1;
const NEW = "BB".repeat(20);

const record = rotationRecordFor;

const RETRY =
  "The app tries again on every check (M2M_CERT_CHECK_SCHEDULE) and on POST /api/certificates/app/renew; the token path keeps the current certificate meanwhile.";

describe("renewalFailedWording", () => {
  it("tells the step and attempt of a failure the rotation recorded", () => {
    const failed = record({ step: "failed", resumeStep: "verifying", attempts: 2 });
    expect(renewalFailedWording("app", "Entra ID refused the token request", failed)).toEqual({
      title: "Renewal of certificate 'app' failed",
      text: `Entra ID refused the token request (step 'verifying', attempt 2). ${RETRY}`,
    });
    expect(renewalFailedWording("app", "boom", record({ step: "failed", attempts: 1 })).text).toBe(
      `boom (step 'renewing', attempt 1). ${RETRY}`,
    );
  });

  it("tells only the error when the renewal failed before recording a step", () => {
    expect(renewalFailedWording("app", "Graph unreachable", null).text).toBe(`Graph unreachable. ${RETRY}`);
  });
});

describe("manualRenewalWording", () => {
  it("gives the CSR steps for the certificate's own vault, in order", () => {
    const { title, text } = manualRenewalWording({ name: "app", vaultUrl: VAULT });
    expect(title).toBe("Certificate 'app' needs a manual renewal");
    expect(text).toMatch(
      /^Key Vault cannot renew 'app' itself: .*\(1\) az keyvault certificate create --vault-name kv-m2m --name app --policy "\$\(az keyvault certificate show --vault-name kv-m2m --name app --query policy\)" .*\(2\) az keyvault certificate pending show --vault-name kv-m2m --name app --query csr -o tsv .*\(3\) az keyvault certificate pending merge --vault-name kv-m2m --name app --file <signed>\.cer completes it\. /,
    );
  });
});

describe("renewalProgressWording", () => {
  it("tells when the renewal started and at which step it is", () => {
    expect(renewalProgressWording("app", record({ step: "verifying" }))).toEqual({
      title: "Renewing certificate 'app'",
      text: "Renewal started at 2026-11-20T06:00:00.000Z (step 'verifying'). The app creates the new version in Key Vault, registers its key on the app registration, proves it gets a token with it and switches to it on its own.",
    });
  });
});

describe("rotationSwitchedWording", () => {
  const switched = record({
    step: "switched",
    newVersion: "v2",
    newThumbprintSha1: NEW,
    switchedAt: "2026-11-20T07:00:00.000Z",
    retireAfter: "2026-11-21T07:00:00.000Z",
  });

  it("tells the new version and when the old key is removed", () => {
    expect(rotationSwitchedWording("app", switched)).toEqual({
      title: "Certificate 'app' renewed; the app uses the new version",
      text: `Version v2 (SHA-1 ${NEW}) is registered on the app registration, got a token, and signs the app's token requests since 2026-11-20T07:00:00.000Z. The old key (SHA-1 ${OLD}) is removed after 2026-11-21T07:00:00.000Z (M2M_ROTATION_GRACE_HOURS).`,
    });
  });

  it("tells when the old key was removed once the rotation completed", () => {
    const completed = { ...switched, step: "completed" as const, completedAt: "2026-11-21T08:00:00.000Z" };
    expect(rotationSwitchedWording("app", completed).text).toMatch(
      new RegExp(`The old key \\(SHA-1 ${OLD}\\) was removed at 2026-11-21T08:00:00\\.000Z\\.$`),
    );
  });

  it("says what is not known yet", () => {
    expect(rotationSwitchedWording("app", record({ step: "switched" })).text).toBe(
      `Version ? (SHA-1 ?) is registered on the app registration, got a token, and signs the app's token requests since ?. The old key (SHA-1 ${OLD}) is removed after the grace period (M2M_ROTATION_GRACE_HOURS).`,
    );
  });
});

describe("rotationResolvedWording", () => {
  it("tells a completed rotation's outcome", () => {
    const completed = record({
      step: "completed",
      newVersion: "v2",
      newThumbprintSha1: NEW,
      completedAt: "2026-11-21T08:00:00.000Z",
    });
    expect(rotationResolvedWording("app", completed)).toEqual({
      title: "Certificate 'app' rotated",
      text: `The app uses version v2 (SHA-1 ${NEW}) and the old key (SHA-1 ${OLD}) was removed from the app registration at 2026-11-21T08:00:00.000Z. Nothing is left to do.`,
    });
  });

  it("says only that the renewal no longer needs attention otherwise", () => {
    expect(rotationResolvedWording("app", null).text).toBe("The renewal of 'app' no longer needs attention.");
    expect(rotationResolvedWording("app", record({ step: "failed" })).text).toBe(
      "The renewal of 'app' no longer needs attention.",
    );
  });
});

describe("rotationFacts", () => {
  it("lists the rotation's known fields, and attempts only once there were some", () => {
    expect(rotationFacts({ name: "app", vaultUrl: VAULT }, record())).toEqual([
      { name: "Certificate", value: "app" },
      { name: "Vault", value: VAULT },
      { name: "Step", value: "renewing" },
      { name: "Started", value: "2026-11-20T06:00:00.000Z" },
      { name: "Old version", value: "v1" },
      { name: "Old SHA-1", value: OLD },
    ]);
    const facts = rotationFacts(
      { name: "app", vaultUrl: VAULT },
      record({
        newVersion: "v2",
        newThumbprintSha1: NEW,
        retireAfter: "2026-11-21T07:00:00.000Z",
        attempts: 3,
      }),
    );
    expect(facts.slice(6)).toEqual([
      { name: "New version", value: "v2" },
      { name: "New SHA-1", value: NEW },
      { name: "Old key removed after", value: "2026-11-21T07:00:00.000Z" },
      { name: "Attempts", value: "3" },
    ]);
  });

  it("lists only the certificate when there is no rotation record", () => {
    expect(rotationFacts({ name: "app", vaultUrl: VAULT }, null)).toEqual([
      { name: "Certificate", value: "app" },
      { name: "Vault", value: VAULT },
    ]);
  });
});
