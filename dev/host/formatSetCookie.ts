import type { RpcHttpCookie } from "./functionsCoreTypes.js";

const sameSiteAttribute: Record<string, string | undefined> = {
  lax: "lax",
  strict: "strict",
  explicitNone: "none",
};

/**
 * A Set-Cookie header value for a cookie the function returned, with the attributes ASP.NET Core writes (lower
 * case, `path=/` by default). "none" is the library's "not set"; an explicit `sameSite: "None"` arrives as
 * "explicitNone".
 */
export function formatSetCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ""}=${encodeURIComponent(cookie.value ?? "")}`];
  const seconds = cookie.expires?.value?.seconds;
  if (typeof seconds === "number") parts.push(`expires=${new Date(seconds * 1000).toUTCString()}`);
  const maxAge = cookie.maxAge?.value;
  if (typeof maxAge === "number") parts.push(`max-age=${Math.trunc(maxAge)}`);
  if (cookie.domain?.value) parts.push(`domain=${cookie.domain.value}`);
  parts.push(`path=${cookie.path?.value || "/"}`);
  if (cookie.secure?.value) parts.push("secure");
  const sameSite = sameSiteAttribute[cookie.sameSite ?? "none"];
  if (sameSite) parts.push(`samesite=${sameSite}`);
  if (cookie.httpOnly?.value) parts.push("httponly");
  return parts.join("; ");
}
