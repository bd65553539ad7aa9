import type { Alert } from "../alerts/Alert.js";
import { alertFacts } from "./alertFacts.js";
import type { AlertWording } from "./AlertWording.js";
import type { AppCredentialItem } from "./CertificateInventoryItem.js";

/** What the plan decided about an app registration credential that reached a reminder step (or expired). */
export interface CredentialExpiry {
  credential: AppCredentialItem;
  /** The credential's end (`credential.endDateTime`, known here). */
  endDateTime: string;
  expired: boolean;
  /** The app's client id: names the app registration. */
  appId: string;
}

/** "Client secret 'name' (keyId …)" or "Certificate 'name' (keyId …, SHA-1 …)": the credential as alerts name it. */
export function describeCredential(credential: AppCredentialItem): string {
  const name = credential.displayName ? `'${credential.displayName}' ` : "";
  return credential.kind === "secret"
    ? `Client secret ${name}(keyId ${credential.keyId})`
    : `Certificate ${name}(keyId ${credential.keyId}${credential.thumbprintSha1 ? `, SHA-1 ${credential.thumbprintSha1}` : ""})`;
}

/** The alert about a credential near (or past) its end: what breaks, and how to replace it. */
export function credentialExpiryWording(expiry: CredentialExpiry): AlertWording {
  const { credential, expired } = expiry;
  const what = describeCredential(credential);
  const days = credential.daysLeft ?? 0;
  const advice =
    credential.kind === "secret"
      ? "Create a new secret, move whatever uses this one to it (better: to a certificate in Key Vault, which this app renews and rotates), then remove this one."
      : "It was uploaded outside Key Vault, so nothing renews it: upload its successor (or move the app that uses it to a Key Vault certificate), then remove this one.";
  return {
    title: expired
      ? `${what} on the app registration has expired`
      : `${what} on the app registration expires in ${days} day${days === 1 ? "" : "s"}`,
    text: `${what} on app registration ${expiry.appId} ${expired ? "expired" : "expires"} on ${expiry.endDateTime}. ${expired ? "Whatever still uses it gets AADSTS7000222 (secret) or AADSTS700027 (certificate). " : ""}${advice}`,
  };
}

/** The resolution of a credential's alert: its end moved (or is no longer known). */
export function credentialResolvedWording(credential: AppCredentialItem): AlertWording {
  const what = describeCredential(credential);
  return {
    title: `${what} no longer expiring`,
    text: `${what} ends on ${credential.endDateTime ?? "an unknown date"} now.`,
  };
}

/** The facts a credential's alerts list. */
export function credentialFacts(credential: AppCredentialItem, appId: string): Alert["facts"] {
  return alertFacts([
    ["App registration", appId],
    ["Credential", credential.kind === "secret" ? "client secret" : "certificate (not in Key Vault)"],
    ["Key id", credential.keyId],
    ["Ends", credential.endDateTime],
    ["Days left", credential.daysLeft !== null ? String(credential.daysLeft) : null],
  ]);
}
