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

/** The slice of Microsoft Graph the app uses to see and roll its own keys. No Graph permission is needed for that. */
export interface GraphApplications {
  get(objectId: string): Promise<GraphApplication>;
  /** The application with this client id (appId): how the app finds its own object id. */
  getByAppId(appId: string): Promise<GraphApplication>;
  /** Registers a certificate (base64 DER); `proof` is signed by a currently valid registered certificate. */
  addKey(
    objectId: string,
    certificateDerBase64: string,
    displayName: string,
    proof: string,
  ): Promise<GraphKeyCredential>;
  /** Removes a key; `proof` is signed by a currently valid registered certificate. */
  removeKey(objectId: string, keyId: string, proof: string): Promise<void>;
}
