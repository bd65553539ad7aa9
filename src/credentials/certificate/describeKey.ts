import type { KeyObject } from "node:crypto";

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  secp256k1: 256,
  secp384r1: 384,
  secp521r1: 521,
};
const CURVE_NAMES: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };
const EDWARDS_BITS: Record<string, number> = { ed25519: 256, ed448: 448, x25519: 256, x448: 448 };

/** A key's algorithm and size in words ("RSA 2048 bits", "EC P-256"). Reads only public parameters. */
export function describeKey(key: KeyObject): { type: string; bits: number; label: string } {
  const type = key.asymmetricKeyType ?? "unknown";
  const details = key.asymmetricKeyDetails ?? {};
  if (type === "rsa" || type === "rsa-pss") {
    const bits = details.modulusLength ?? 0;
    return { type, bits, label: `${type === "rsa" ? "RSA" : "RSA-PSS"} ${bits} bits` };
  }
  if (type === "ec") {
    const curve = details.namedCurve ?? "unknown curve";
    return { type, bits: CURVE_BITS[curve] ?? 0, label: `EC ${CURVE_NAMES[curve] ?? curve}` };
  }
  return { type, bits: EDWARDS_BITS[type] ?? 0, label: type === "dsa" ? "DSA" : type };
}
