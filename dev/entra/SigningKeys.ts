import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { signJwt, type JwtClaims } from "../jwt.js";
import { issueCertificate } from "../pki/issueCertificate.js";
import { recordSecret } from "../secrets/recordSecret.js";

/** One key of the JWKS document, in the shape Entra ID publishes. */
export interface SigningJwk {
  kty: "RSA";
  use: "sig";
  kid: string;
  x5t: string;
  n: string;
  e: string;
  x5c: string[];
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: SigningJwk;
}

/**
 * The stand-in's token-signing keys: RSA keys with self-signed certificates (for `x5c`), newest first. As in Entra
 * ID, `kid` equals `x5t` (the base64url SHA-1 thumbprint of the certificate). Rotation keeps the previous keys
 * listed, so tokens signed before a rotation still verify.
 */
export class SigningKeys {
  private constructor(private keys: SigningKey[]) {}

  static async create(): Promise<SigningKeys> {
    return new SigningKeys([await newSigningKey()]);
  }

  /** The key new tokens are signed with. */
  get currentKid(): string {
    return this.current().kid;
  }

  /** Adds a new key in front; tokens from now on are signed with it. Returns its kid. */
  async rotate(): Promise<string> {
    const key = await newSigningKey();
    this.keys = [key, ...this.keys];
    return key.kid;
  }

  /** The JWKS document. */
  jwks(): { keys: SigningJwk[] } {
    return { keys: this.keys.map((key) => structuredClone(key.jwk)) };
  }

  /** The public key for `kid`, if it is (still) listed. */
  publicKey(kid: string): KeyObject | undefined {
    return this.keys.find((key) => key.kid === kid)?.publicKey;
  }

  /** Signs claims RS256 with the current key; the header carries `kid` and `x5t` as Entra ID's tokens do. */
  sign(claims: JwtClaims): string {
    const key = this.current();
    return signJwt(claims, key.privateKey, { alg: "RS256", typ: "JWT", x5t: key.kid, kid: key.kid });
  }

  private current(): SigningKey {
    const key = this.keys[0];
    if (!key) throw new Error("no signing key");
    return key;
  }
}

async function newSigningKey(): Promise<SigningKey> {
  // Entra ID's signing certificates are self-signed for this subject.
  const cert = await issueCertificate({ subject: "CN=accounts.accesscontrol.windows.net", validDays: 365 });
  recordSecret("entra-signing-key", cert.keyPem);
  const kid = Buffer.from(cert.thumbprintSha1, "hex").toString("base64url");
  const publicKey = createPublicKey(cert.certPem);
  const { n, e } = publicKey.export({ format: "jwk" });
  if (!n || !e) throw new Error("signing key is not RSA");
  return {
    kid,
    privateKey: createPrivateKey(cert.keyPem),
    publicKey,
    jwk: { kty: "RSA", use: "sig", kid, x5t: kid, n, e, x5c: [cert.derBase64] },
  };
}
