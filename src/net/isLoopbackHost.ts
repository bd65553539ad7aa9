/**
 * True for a host name on this machine: `localhost`, 127.0.0.0/8 or `::1` (with or without the brackets a URL's
 * `hostname` keeps). Where the local stand-ins live, and the only hosts where plain http or a relaxed Key Vault
 * challenge check is allowed.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}
