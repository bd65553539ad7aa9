/** True for https URLs on this machine (localhost, 127.0.0.0/8, ::1): where the local stand-ins live. */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}
