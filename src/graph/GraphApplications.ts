import type { Deadline } from "../clock/Deadline.js";

/** A certificate registered on an app registration, as Graph returns it. */
export interface GraphKeyCredential {
  keyId: string;
  /** Base64 of the SHA-1 thumbprint bytes (Graph's form). */
  customKeyIdentifier: string | null;
  displayName: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
  type: string;
  usage: string;
  /** Base64 DER of the certificate: Graph returns it only when `keyCredentials` is `$select`ed on one application. */
  key?: string | null;
}

/** A client secret registered on an app registration (its value is never returned). */
export interface GraphPasswordCredential {
  keyId: string;
  displayName: string | null;
  hint: string | null;
  startDateTime: string | null;
  endDateTime: string | null;
}

export interface GraphApplication {
  id: string;
  appId: string;
  displayName: string;
  keyCredentials: GraphKeyCredential[];
  passwordCredentials: GraphPasswordCredential[];
}

/**
 * The slice of Microsoft Graph the app uses to see and roll its own keys. Reading the application needs a Graph
 * application permission (Application.Read.All, Application.ReadWrite.OwnedBy or Application.ReadWrite.All);
 * addKey and removeKey of its own keys need none: the proof signed by a registered certificate authorises them.
 *
 * Every call is bounded by `deadline` (the invocation's) when given, and otherwise by the client's own timeout, and
 * fails with a coded error: GRAPH_FORBIDDEN (with the permission and the fix), GRAPH_NOT_FOUND, GRAPH_REJECTED,
 * GRAPH_UNAVAILABLE, GRAPH_UNREACHABLE, GRAPH_TIMEOUT, GRAPH_RESPONSE_INVALID, GRAPH_RESPONSE_TOO_LARGE, or TIMED_OUT
 * when the deadline passes.
 */
export interface GraphApplications {
  get(objectId: string, deadline?: Deadline): Promise<GraphApplication>;
  /** The application with this client id (appId): how the app finds its own object id. */
  getByAppId(appId: string, deadline?: Deadline): Promise<GraphApplication>;
  /** Registers a certificate (base64 DER); `proof` is signed by a currently valid registered certificate. */
  addKey(
    objectId: string,
    certificateDerBase64: string,
    displayName: string,
    proof: string,
    deadline?: Deadline,
  ): Promise<GraphKeyCredential>;
  /** Removes a key; `proof` is signed by a currently valid registered certificate. */
  removeKey(objectId: string, keyId: string, proof: string, deadline?: Deadline): Promise<void>;
}
