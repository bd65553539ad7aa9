/**
 * The first of each certificate in `certificates`, in order — one is the same as another when its vault (without a
 * trailing slash) and name match in any case. Linear: one key per certificate, whatever a vault holds.
 */
export function firstOfEach<T extends { vaultUrl: string; name: string }>(certificates: readonly T[]): T[] {
  const seen = new Set<string>();
  return certificates.filter((certificate) => {
    const key = `${certificate.vaultUrl.replace(/\/+$/, "").toLowerCase()}\n${certificate.name.toLowerCase()}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
