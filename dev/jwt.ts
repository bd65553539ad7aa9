// Minimal JWS compact serialisation for the stand-ins: RS256/PS256 signing and verification with node:crypto.
import {
  constants,
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  type JsonWebKey,
  type KeyObject,
} from "node:crypto";

export type JwtAlgorithm = "RS256" | "PS256";
export type JwtHeader = {
  alg: string;
  typ?: string;
  kid?: string;
  x5t?: string;
  "x5t#S256"?: string;
  x5c?: string[];
};
export type JwtClaims = Record<string, unknown>;

const b64url = (input: Buffer | string) => Buffer.from(input).toString("base64url");

function signatureOptions(alg: string, key: KeyObject) {
  if (alg === "PS256") return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
  if (alg === "RS256") return { key, padding: constants.RSA_PKCS1_PADDING };
  throw new Error(`unsupported JWT alg ${alg}`);
}

/** Signs claims as a compact JWS. `header.alg` defaults to RS256. */
export function signJwt(
  claims: JwtClaims,
  privateKey: KeyObject | string,
  header: Partial<JwtHeader> = {},
): string {
  const fullHeader = { typ: "JWT", ...header, alg: header.alg ?? "RS256" };
  const input = `${b64url(JSON.stringify(fullHeader))}.${b64url(JSON.stringify(claims))}`;
  const signature = createSign("SHA256")
    .update(input)
    .sign(
      signatureOptions(
        fullHeader.alg,
        typeof privateKey === "string" ? createPrivateKey(privateKey) : privateKey,
      ),
    );
  return `${input}.${b64url(signature)}`;
}

export interface DecodedJwt {
  header: JwtHeader;
  claims: JwtClaims;
  signingInput: string;
  signature: Buffer;
}

/** Splits and parses a compact JWS without checking anything. Throws on malformed input. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split(".");
  if (parts.length !== 3) throw new Error("not a compact JWS: expected three dot-separated parts");
  const [h, c, s] = parts as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as JwtHeader,
    claims: JSON.parse(Buffer.from(c, "base64url").toString("utf8")) as JwtClaims,
    signingInput: `${h}.${c}`,
    signature: Buffer.from(s, "base64url"),
  };
}

/** Checks the signature of a decoded JWS with a public key (PEM, KeyObject or JWK). */
export function verifySignature(decoded: DecodedJwt, publicKey: KeyObject | string | JsonWebKey): boolean {
  const key =
    typeof publicKey === "string"
      ? createPublicKey(publicKey)
      : "asymmetricKeyType" in publicKey
        ? (publicKey as KeyObject).type === "public"
          ? (publicKey as KeyObject)
          : createPublicKey(publicKey as KeyObject)
        : createPublicKey({ key: publicKey as JsonWebKey, format: "jwk" });
  return createVerify("SHA256")
    .update(decoded.signingInput)
    .verify(signatureOptions(decoded.header.alg, key), decoded.signature);
}
