import { constants, createHash, createPrivateKey, privateEncrypt, randomBytes } from "node:crypto";

/**
 * The signature algorithms Key Vault offers for RSA keys, with the digest each signs
 * (https://learn.microsoft.com/rest/api/keyvault/keys/sign/sign#jsonwebkeysignaturealgorithm). The caller hashes:
 * the sign operation takes the digest, never the message.
 */
export const RSA_SIGNATURE_ALGORITHMS = {
  RS256: { hash: "sha256", digestBytes: 32, padding: "pkcs1" },
  RS384: { hash: "sha384", digestBytes: 48, padding: "pkcs1" },
  RS512: { hash: "sha512", digestBytes: 64, padding: "pkcs1" },
  PS256: { hash: "sha256", digestBytes: 32, padding: "pss" },
  PS384: { hash: "sha384", digestBytes: 48, padding: "pss" },
  PS512: { hash: "sha512", digestBytes: 64, padding: "pss" },
} as const;

export type RsaSignatureAlgorithm = keyof typeof RSA_SIGNATURE_ALGORITHMS;

export const isRsaSignatureAlgorithm = (alg: string): alg is RsaSignatureAlgorithm =>
  Object.hasOwn(RSA_SIGNATURE_ALGORITHMS, alg);

/** DER of the DigestInfo header that precedes the digest in a PKCS#1 v1.5 signature (RFC 8017 section 9.2, note 1). */
const DIGEST_INFO = {
  sha256: "3031300d060960864801650304020105000420",
  sha384: "3041300d060960864801650304020205000430",
  sha512: "3051300d060960864801650304020305000440",
} as const;

/**
 * Signs a precomputed digest as Key Vault's `keys/sign` does: RSASSA-PKCS1-v1_5 for RS*, RSASSA-PSS with MGF1 of the
 * same hash and a salt as long as the hash for PS* (RFC 7518 section 3.5, which JWT verifiers expect). node:crypto's
 * `sign` hashes its input itself, so the encodings (RFC 8017 sections 9.1.1 and 9.2) are built here and the raw RSA
 * operation done with `privateEncrypt`. The digest's length must already have been checked. `random` makes the PSS
 * salt (a parameter so a test can fix it).
 */
export function signDigest(
  keyPem: string,
  alg: RsaSignatureAlgorithm,
  digest: Buffer,
  random: (bytes: number) => Buffer = randomBytes,
): Buffer {
  const key = createPrivateKey(keyPem);
  const { hash, padding } = RSA_SIGNATURE_ALGORITHMS[alg];
  if (padding === "pkcs1") {
    return privateEncrypt(
      { key, padding: constants.RSA_PKCS1_PADDING },
      Buffer.concat([Buffer.from(DIGEST_INFO[hash], "hex"), digest]),
    );
  }
  const modulusBits = key.asymmetricKeyDetails?.modulusLength ?? 2048;
  const modulusBytes = Math.ceil(modulusBits / 8);
  const encoded = emsaPssEncode(digest, hash, modulusBits - 1, random(digest.length));
  const block = Buffer.alloc(modulusBytes);
  encoded.copy(block, modulusBytes - encoded.length);
  return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, block);
}

/** EMSA-PSS-ENCODE (RFC 8017 section 9.1.1) of a message hash `mHash`, with MGF1 over the same hash. */
function emsaPssEncode(mHash: Buffer, hash: string, emBits: number, salt: Buffer): Buffer {
  const hLen = mHash.length;
  const emLen = Math.ceil(emBits / 8);
  const h = createHash(hash)
    .update(Buffer.concat([Buffer.alloc(8), mHash, salt]))
    .digest();
  const db = Buffer.concat([Buffer.alloc(emLen - salt.length - hLen - 2), Buffer.from([1]), salt]);
  const mask = mgf1(h, emLen - hLen - 1, hash);
  for (let i = 0; i < db.length; i += 1) db[i]! ^= mask[i]!;
  // Clear the leftmost 8*emLen - emBits bits so the encoded message is below the modulus.
  db[0]! &= 0xff >> (8 * emLen - emBits);
  return Buffer.concat([db, h, Buffer.from([0xbc])]);
}

function mgf1(seed: Buffer, length: number, hash: string): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * seed.length < length; counter += 1) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(createHash(hash).update(seed).update(c).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}
