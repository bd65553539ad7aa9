import { describe, expect, it } from "vitest";
import { goneAlertWording, type GoneSubject } from "../../src/certificates/goneAlertWording.js";

const CHECKED = new Date("2026-11-21T10:00:00.000Z");

describe("goneAlertWording", () => {
  it.each<[GoneSubject, string, string]>([
    [
      { kind: "certificate", host: "kv-m2m.vault.azure.net", name: "tls", inScope: true },
      "Certificate 'tls' is no longer watched",
      "'tls' is no longer in kv-m2m.vault.azure.net (deleted, or filtered out by M2M_CERT_SCOPE_TAG): nothing more is alerted about it.",
    ],
    [
      { kind: "certificate", host: "kv-m2m.vault.azure.net", name: "tls", inScope: false },
      "Certificate 'tls' is no longer watched",
      "'tls' in kv-m2m.vault.azure.net is outside M2M_CERT_SCOPE now: nothing more is alerted about it.",
    ],
    [
      { kind: "rotation", certificate: "kv-m2m.vault.azure.net/app" },
      "Certificate renewal is no longer managed here",
      "The app no longer renews this certificate (its credential settings changed): nothing more is alerted about kv-m2m.vault.azure.net/app.",
    ],
    [
      { kind: "drift", finding: "ORPHANED_KEYS" },
      "App registration drift resolved",
      "The certificate check no longer finds ORPHANED_KEYS on the app registration.",
    ],
    [
      { kind: "credential", keyId: "k1", alerting: true },
      "App registration credential no longer watched",
      "The credential k1 was removed from the app registration (or replaced).",
    ],
    [
      { kind: "credential", keyId: "k1", alerting: false },
      "App registration credential no longer watched",
      "M2M_CERT_ALERT_APP_CREDENTIALS is off: the app registration's own credentials are no longer alerted on.",
    ],
  ])("resolves %j with what became of it", (gone, title, text) => {
    expect(goneAlertWording(gone, CHECKED)).toEqual({
      title,
      text,
      facts: [{ name: "Checked", value: "2026-11-21T10:00:00.000Z" }],
    });
  });
});
