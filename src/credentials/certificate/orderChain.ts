import type { X509Certificate } from "node:crypto";

/**
 * The chain from `leaf` up: each next certificate is the one that issued the previous (names and key
 * identifiers match; a verified signature is preferred when several match). Stops at a self-issued
 * certificate or when no issuer is present. Certificates that are not on the leaf's path are left out:
 * an x5c chain must be a path.
 */
export function orderChain(
  leaf: X509Certificate,
  certificates: readonly X509Certificate[],
): X509Certificate[] {
  const chain = [leaf];
  const remaining = certificates.filter((certificate) => certificate !== leaf);
  let current = leaf;
  while (!current.checkIssued(current)) {
    const candidates = remaining.filter((candidate) => current.checkIssued(candidate));
    const issuer = candidates.find((candidate) => verifies(current, candidate)) ?? candidates[0];
    if (issuer === undefined) break;
    chain.push(issuer);
    remaining.splice(remaining.indexOf(issuer), 1);
    current = issuer;
  }
  return chain;
}

function verifies(certificate: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}
