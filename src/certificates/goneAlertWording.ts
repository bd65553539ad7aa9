import type { AlertResolution } from "../alerts/decideConditionAlert.js";
import type { AlertWording } from "./AlertWording.js";

/** A firing subject the certificate check no longer lists, as far as the check can tell what became of it. */
export type GoneSubject =
  /** A certificate no longer watched: `inScope` when a source that covers it was read without it (deleted, untagged). */
  | { kind: "certificate"; host: string; name: string; inScope: boolean }
  /** The rotation of a certificate (`<vault host>/<name>`) the app no longer renews. */
  | { kind: "rotation"; certificate: string }
  /** A drift finding (its code) no longer found on the app registration. */
  | { kind: "drift"; finding: string }
  /** A credential no longer on the app registration, or no longer alerted on (`alerting` false: the setting is off). */
  | { kind: "credential"; keyId: string; alerting: boolean };

/** The resolution of a firing subject the check no longer lists; `checkedAt` is the check's time. */
export function goneAlertWording(gone: GoneSubject, checkedAt: Date): AlertResolution {
  return { ...goneTitleAndText(gone), facts: [{ name: "Checked", value: checkedAt.toISOString() }] };
}

function goneTitleAndText(gone: GoneSubject): AlertWording {
  switch (gone.kind) {
    case "certificate":
      return {
        title: `Certificate '${gone.name}' is no longer watched`,
        text: gone.inScope
          ? `'${gone.name}' is no longer in ${gone.host} (deleted, or filtered out by M2M_CERT_SCOPE_TAG): nothing more is alerted about it.`
          : `'${gone.name}' in ${gone.host} is outside M2M_CERT_SCOPE now: nothing more is alerted about it.`,
      };
    case "rotation":
      return {
        title: "Certificate renewal is no longer managed here",
        text: `The app no longer renews this certificate (its credential settings changed): nothing more is alerted about ${gone.certificate}.`,
      };
    case "drift":
      return {
        title: "App registration drift resolved",
        text: `The certificate check no longer finds ${gone.finding} on the app registration.`,
      };
    case "credential":
      return {
        title: "App registration credential no longer watched",
        text: gone.alerting
          ? `The credential ${gone.keyId} was removed from the app registration (or replaced).`
          : `M2M_CERT_ALERT_APP_CREDENTIALS is off: the app registration's own credentials are no longer alerted on.`,
      };
  }
}
