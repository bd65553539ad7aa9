import type { AppRegistration, KeyCredential, PasswordCredential } from "./Directory.js";

/** A keyCredential as Graph serialises it: binary properties in base64. */
export interface GraphKeyCredentialJson {
  /** Base64 of the SHA-1 thumbprint's 20 bytes (not the hex the portal shows). */
  customKeyIdentifier: string;
  displayName: string;
  endDateTime: string;
  /** Base64 DER, only when the request `$select`s keyCredentials of a single application; else null. */
  key: string | null;
  keyId: string;
  startDateTime: string;
  type: string;
  usage: string;
}

/** A passwordCredential as Graph serialises it: the secret is never returned after addPassword. */
export interface GraphPasswordCredentialJson {
  customKeyIdentifier: null;
  displayName: string;
  endDateTime: string;
  hint: string;
  keyId: string;
  secretText: null;
  startDateTime: string;
}

export interface GraphApplicationJson {
  "@odata.context": string;
  id?: string;
  appId?: string;
  displayName?: string;
  keyCredentials?: GraphKeyCredentialJson[];
  passwordCredentials?: GraphPasswordCredentialJson[];
}

/** The application properties the stand-in models, in Graph's order. */
export const APPLICATION_PROPERTIES = [
  "id",
  "appId",
  "displayName",
  "keyCredentials",
  "passwordCredentials",
] as const;
export type ApplicationProperty = (typeof APPLICATION_PROPERTIES)[number];

/**
 * The directory's application in Graph's representation. `select` is the parsed `$select` (null: all modelled
 * properties); `serviceRoot` is the Graph base URL the `@odata.context` names.
 */
export function toGraphApplication(
  app: AppRegistration,
  select: readonly ApplicationProperty[] | null,
  serviceRoot: string,
): GraphApplicationJson {
  const context = select
    ? `${serviceRoot}/$metadata#applications(${select.join(",")})/$entity`
    : `${serviceRoot}/$metadata#applications/$entity`;
  // Graph returns `key` only when keyCredentials are selected explicitly for one object.
  const withKey = select?.includes("keyCredentials") ?? false;
  return { "@odata.context": context, ...graphApplicationProperties(app, select, withKey) };
}

/**
 * The application's selected properties (null: all modelled), as an entry of a list's `value` has them: `withKey`
 * says whether keyCredentials carry their `key` (never in a list).
 */
export function graphApplicationProperties(
  app: AppRegistration,
  select: readonly ApplicationProperty[] | null,
  withKey: boolean,
): Omit<GraphApplicationJson, "@odata.context"> {
  const selected = new Set<ApplicationProperty>(select ?? APPLICATION_PROPERTIES);
  return {
    ...(selected.has("id") ? { id: app.objectId } : {}),
    ...(selected.has("appId") ? { appId: app.clientId } : {}),
    ...(selected.has("displayName") ? { displayName: app.displayName } : {}),
    ...(selected.has("keyCredentials")
      ? { keyCredentials: app.keyCredentials.map((k) => toGraphKeyCredential(k, withKey)) }
      : {}),
    ...(selected.has("passwordCredentials")
      ? { passwordCredentials: app.passwordCredentials.map(toGraphPasswordCredential) }
      : {}),
  };
}

export function toGraphKeyCredential(credential: KeyCredential, withKey: boolean): GraphKeyCredentialJson {
  return {
    customKeyIdentifier: Buffer.from(credential.customKeyIdentifier, "hex").toString("base64"),
    displayName: credential.displayName,
    endDateTime: graphDateTime(credential.endDateTime),
    key: withKey ? credential.key : null,
    keyId: credential.keyId,
    startDateTime: graphDateTime(credential.startDateTime),
    type: credential.type,
    usage: credential.usage,
  };
}

function toGraphPasswordCredential(credential: PasswordCredential): GraphPasswordCredentialJson {
  return {
    customKeyIdentifier: null,
    displayName: credential.displayName,
    endDateTime: graphDateTime(credential.endDateTime),
    hint: credential.hint,
    keyId: credential.keyId,
    secretText: null,
    startDateTime: graphDateTime(credential.startDateTime),
  };
}

/** Graph writes whole-second times without fractions: "2026-05-01T10:00:00Z". */
function graphDateTime(iso: string): string {
  return iso.replace(/\.000Z$/, "Z");
}
