import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { GraphError } from "./GraphError.js";

/**
 * The Graph stand-in's `$skiptoken`s: opaque to clients (Graph: "Do not try to extract the $skiptoken or $skip value
 * and use it in a different request", https://learn.microsoft.com/graph/paging), signed with a key of this stand-in
 * and bound to the entity set and the query that issued them. A token says where the next page starts: after the
 * object with the id it names, so a page never repeats or skips an object when others are added meanwhile.
 */
export class PageTokens {
  private readonly key = randomBytes(32);

  /** A token for the page after the object `afterId` of `collection`, read with `query` (its `$skiptoken` ignored). */
  issue(collection: string, query: URLSearchParams, afterId: string): string {
    const payload = Buffer.from(
      JSON.stringify({ c: collection, q: fingerprintOf(query), a: afterId }),
      "utf8",
    ).toString("base64url");
    return `${payload}.${this.mac(payload)}`;
  }

  /**
   * The id the page continues after. Throws Graph's 400 `Directory_ExpiredPageToken` for a token this stand-in did
   * not issue (unreadable or altered) and for one issued for another entity set or another query.
   */
  read(token: string, collection: string, query: URLSearchParams): string {
    const [payload = "", mac = "", ...extra] = token.split(".");
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (extra.length > 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw GraphError.pageTokenExpired(
        "This $skiptoken was not issued by the stand-in or was altered: send the @odata.nextLink as it is.",
      );
    }
    const decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      c: string;
      q: string;
      a: string;
    };
    if (decoded.c !== collection || decoded.q !== fingerprintOf(query)) {
      throw GraphError.pageTokenExpired(
        `This $skiptoken continues another query (of /${decoded.c}): a next page must repeat the query that issued the token; send the @odata.nextLink as it is.`,
      );
    }
    return decoded.a;
  }

  private mac(payload: string): string {
    return createHmac("sha256", this.key).update(payload, "utf8").digest("base64url");
  }
}

/** The query's options other than `$skiptoken`, names without regard to case, in a stable order, hashed. */
function fingerprintOf(query: URLSearchParams): string {
  const options = [...query]
    .map(([name, value]) => [name.toLowerCase(), value] as const)
    .filter(([name]) => name !== "$skiptoken")
    .sort(([a, x], [b, y]) => (a === b ? x.localeCompare(y) : a.localeCompare(b)));
  return createHash("sha256").update(JSON.stringify(options), "utf8").digest("base64url").slice(0, 22);
}
