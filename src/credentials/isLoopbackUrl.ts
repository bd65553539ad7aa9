import { isLoopbackHost } from "../net/isLoopbackHost.js";

/** True for URLs on this machine (localhost, 127.0.0.0/8, ::1): where the local stand-ins live. */
export function isLoopbackUrl(url: string): boolean {
  return isLoopbackHost(new URL(url).hostname);
}
