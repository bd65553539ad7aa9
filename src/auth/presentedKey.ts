/**
 * The key a caller presented, where the Functions host looks for it: the `x-functions-key` header, else the `code`
 * query parameter; the header wins even when empty, and an empty key is none (as the host's AuthenticationLevelHandler
 * reads it: https://learn.microsoft.com/azure/azure-functions/function-keys-how-to#use-access-keys).
 */
export function presentedKey(header: string | null, code: string | null): string | null {
  const key = header ?? code;
  return key === "" ? null : key;
}
