import { createHash } from "node:crypto";
import type { GraphKeyCredential } from "../graph/GraphApplications.js";
import { normalizeThumbprint } from "./normalizeThumbprint.js";

/** A registered certificate in Graph's shape; `key` (base64 DER) is used when Graph returned it. */
export type RegisteredKey = Pick<
  GraphKeyCredential,
  "keyId" | "customKeyIdentifier" | "displayName" | "endDateTime"
> & {
  startDateTime?: string | null;
  key?: string | null;
};

/**
 * The SHA-1 thumbprint (hex upper case) of a registered certificate: from its `customKeyIdentifier` (base64 of
 * the thumbprint in Graph, hex accepted), else from its `key` when Graph returned it; null when neither tells.
 */
export function registeredKeyThumbprint(key: RegisteredKey): string | null {
  const fromIdentifier = normalizeThumbprint(key.customKeyIdentifier);
  if (fromIdentifier) return fromIdentifier;
  if (!key.key) return null;
  return createHash("sha1").update(Buffer.from(key.key, "base64")).digest("hex").toUpperCase();
}
