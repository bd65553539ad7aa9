import { describe, expect, it } from "vitest";
import type { DriftFinding } from "../../src/certificates/DriftFinding.js";
import {
  driftAlertWording,
  driftFacts,
  driftResolvedWording,
  type AlertedDriftCode,
} from "../../src/certificates/driftAlertWording.js";

type AlertedFinding = DriftFinding & { code: AlertedDriftCode };

const finding = (overrides: Partial<AlertedFinding> = {}): AlertedFinding => ({
  code: "NOT_REGISTERED",
  severity: "critical",
  thumbprintSha1: "CC".repeat(20),
  keyIds: [],
  message: "Certificate 'app' is not registered.",
  ...overrides,
});

describe("driftAlertWording", () => {
  it.each<[AlertedDriftCode, string]>([
    ["NOT_REGISTERED", "The app's certificate is not registered on its app registration"],
    ["ORPHANED_KEYS", "Unknown certificates are registered on the app registration"],
    ["REGISTERED_EXPIRED", "The registration of the app's certificate has ended"],
  ])("titles %s %j and tells the finding's own message", (code, title) => {
    expect(driftAlertWording(finding({ code }))).toEqual({
      title,
      text: "Certificate 'app' is not registered.",
    });
    expect(driftResolvedWording(code)).toEqual({
      title: `${title}: resolved`,
      text: "The certificate check no longer finds it.",
    });
  });
});

describe("driftFacts", () => {
  it("lists the finding, its thumbprint and its key ids when it has them", () => {
    expect(driftFacts(finding())).toEqual([
      { name: "Finding", value: "NOT_REGISTERED" },
      { name: "SHA-1 thumbprint", value: "CC".repeat(20) },
    ]);
    expect(
      driftFacts(finding({ code: "ORPHANED_KEYS", thumbprintSha1: null, keyIds: ["k2", "k1"] })),
    ).toEqual([
      { name: "Finding", value: "ORPHANED_KEYS" },
      { name: "Key ids", value: "k2, k1" },
    ]);
  });
});
