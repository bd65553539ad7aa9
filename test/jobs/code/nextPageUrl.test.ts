import { describe, expect, it } from "vitest";
import { M2mError } from "../../../src/errors.js";
import { nextPageUrl } from "../../../src/jobs/code/nextPageUrl.js";

const PAGE = "https://api.example/v1/items?page=1";
const PAGE_2 = "https://api.example/v1/items?page=2";

function fromBody(body: unknown, url = PAGE): string | null {
  return nextPageUrl({ url, headers: {}, body });
}

function fromLink(link: string, url = PAGE): string | null {
  return nextPageUrl({ url, headers: { Link: link }, body: null });
}

function failureOf(read: () => unknown): M2mError {
  try {
    read();
  } catch (error) {
    if (error instanceof M2mError) return error;
    throw error;
  }
  throw new Error("expected an M2mError, but nothing was thrown");
}

describe("nextPageUrl: OData's next link in the body", () => {
  it.each([
    ["OData 4.0's @odata.nextLink (Graph)", { "@odata.nextLink": PAGE_2, value: [] }],
    ["OData 4.01's @nextLink", { "@nextLink": PAGE_2 }],
    ["OData 3's odata.nextLink (SharePoint)", { "odata.nextLink": PAGE_2 }],
    ["@odata.nextLink before @nextLink", { "@odata.nextLink": PAGE_2, "@nextLink": `${PAGE_2}0` }],
    ["@nextLink before odata.nextLink", { "@nextLink": PAGE_2, "odata.nextLink": `${PAGE_2}0` }],
    ["a string after a value that is not one", { "@odata.nextLink": 2, "@nextLink": PAGE_2 }],
    ["a string after an empty one", { "@odata.nextLink": " ", "odata.nextLink": PAGE_2 }],
  ])("reads %s", (_, body) => {
    expect(fromBody(body)).toBe(PAGE_2);
  });

  it.each([
    ["a query", "?page=2", PAGE, "https://api.example/v1/items?page=2"],
    ["a sibling path", "orders?page=2", PAGE, "https://api.example/v1/orders?page=2"],
    ["an absolute path", "/v2/items?page=2", PAGE, "https://api.example/v2/items?page=2"],
    ["a dot segment", "../v2/items", PAGE, "https://api.example/v2/items"],
    ["a scheme-relative URL", "//api.example/v1/items?page=2", PAGE, PAGE_2],
  ])(
    "resolves a relative link (%s) against the page's URL without a context URL",
    (_, link, url, expected) => {
      expect(fromBody({ "@odata.nextLink": link }, url)).toBe(expected);
    },
  );

  it.each([
    [
      "an absolute @odata.context",
      { "@odata.context": "https://api.example/svc/$metadata#Orders", "@odata.nextLink": "Orders?$skip=2" },
    ],
    [
      "a relative @odata.context",
      { "@odata.context": "../$metadata#Orders", "@odata.nextLink": "Orders?$skip=2" },
    ],
    ["4.01's @context", { "@context": "/svc/$metadata#Orders", "@nextLink": "Orders?$skip=2" }],
    [
      "OData 3's odata.metadata",
      { "odata.metadata": "/svc/$metadata#Orders", "odata.nextLink": "Orders?$skip=2" },
    ],
    [
      "@odata.context before @context",
      {
        "@odata.context": "/svc/$metadata",
        "@context": "/other/$metadata",
        "@odata.nextLink": "Orders?$skip=2",
      },
    ],
    [
      "@context before odata.metadata",
      {
        "@context": "/svc/$metadata",
        "odata.metadata": "/other/$metadata",
        "@odata.nextLink": "Orders?$skip=2",
      },
    ],
    [
      "a string context after a value that is not one",
      { "@odata.context": 1, "@context": "/svc/$metadata", "@odata.nextLink": "Orders?$skip=2" },
    ],
  ])("resolves a relative link against the payload's context URL: %s", (_, body) => {
    // OData JSON Format, "Relative URLs": the base is the context URL, itself relative to the request URL.
    expect(fromBody(body, "https://api.example/svc/Customers(1)/Orders")).toBe(
      "https://api.example/svc/Orders?$skip=2",
    );
  });

  it("resolves against the page's URL when the context URL is not a URL", () => {
    expect(fromBody({ "@odata.context": "http://[bad", "@odata.nextLink": "?page=2" })).toBe(PAGE_2);
  });

  it.each([
    ["a null body", null],
    ["no body", undefined],
    ["a string body", PAGE_2],
    ["a number body", 2],
    ["an array body", [{ "@odata.nextLink": PAGE_2 }]],
    ["an empty object", {}],
    ["the last page of a collection", { "@odata.context": "https://api.example/$metadata#items", value: [] }],
    ["a null link", { "@odata.nextLink": null }],
    ["a number", { "@odata.nextLink": 2 }],
    ["an object", { "@odata.nextLink": { href: PAGE_2 } }],
    ["an array", { "@odata.nextLink": [PAGE_2] }],
    ["an empty string", { "@odata.nextLink": "" }],
    ["white space", { "@odata.nextLink": "  " }],
    ["a delta link (the end of the changes)", { "@odata.deltaLink": PAGE_2 }],
    ["the next link of an expanded property", { "orders@odata.nextLink": PAGE_2 }],
    ["a next link inside an item", { value: [{ "@odata.nextLink": PAGE_2 }] }],
    // Azure Resource Manager's plain `nextLink` is not OData's and is not read.
    ["a plain nextLink", { nextLink: PAGE_2 }],
  ])("finds no next page in %s", (_, body) => {
    expect(fromBody(body)).toBeNull();
  });
});

describe("nextPageUrl: the Link header's rel=next", () => {
  it.each([
    ["a quoted rel", `<${PAGE_2}>; rel="next"`],
    ["an unquoted rel", `<${PAGE_2}>; rel=next`],
    ["no white space", `<${PAGE_2}>;rel=next`],
    ["white space around ; and =", `<${PAGE_2}> ;  rel = "next" `],
    ["next first of several relation types", `<${PAGE_2}>; rel="next last"`],
    ["next last of several relation types", `<${PAGE_2}>; rel="last next"`],
    ["an upper-case relation type", `<${PAGE_2}>; rel="NEXT"`],
    ["an upper-case parameter name", `<${PAGE_2}>; REL=Next`],
    ["a quoted-pair in the relation type", `<${PAGE_2}>; rel="n\\ext"`],
    ["other parameters first", `<${PAGE_2}>; title="Page 2"; type="application/json"; rel="next"`],
    ["the second of several links", `<${PAGE}>; rel="prev", <${PAGE_2}>; rel="next"`],
    ["a link among several, without spaces", `<${PAGE}>;rel=prev,<${PAGE_2}>;rel=next,<${PAGE}0>;rel=last`],
    ["the first of two next links", `<${PAGE_2}>; rel=next, <${PAGE}0>; rel=next`],
    ["the first rel of a link (later ones are ignored)", `<${PAGE_2}>; rel=next; rel=prev`],
    ["an anchor that is the page itself", `<${PAGE_2}>; rel=next; anchor="?page=1"`],
    [
      "a backslash outside quotes, which escapes nothing",
      `<${PAGE}>; rel=prev; title=a\\, <${PAGE_2}>; rel=next`,
    ],
  ])("reads %s", (_, link) => {
    expect(fromLink(link)).toBe(PAGE_2);
  });

  it.each([
    ["commas in the URL", `<https://api.example/v1/items?ids=1,2,3&page=2>; rel="next"`],
    [
      "commas in the URL of an earlier link",
      `<https://api.example/v1/items?ids=1,2>; rel=prev, <${PAGE_2}>; rel=next`,
    ],
    ["a comma in a quoted parameter", `<${PAGE}>; rel="prev"; title="a, b", <${PAGE_2}>; rel="next"`],
    ["a semicolon in the URL", `<https://api.example/v1/items;page=2>; rel=next`],
    [
      "an escaped quote in a quoted parameter",
      `<${PAGE}>; title="say \\"hi, <x>\\""; rel=prev, <${PAGE_2}>; rel=next`,
    ],
  ])("keeps a link whole: %s", (_, link) => {
    const expected = /<([^>]*)>; rel="?next/.exec(link)![1];
    expect(fromLink(link)).toBe(expected);
  });

  it.each([
    ["a query", "<?page=2>; rel=next", PAGE_2],
    ["a sibling path", "<orders?page=2>; rel=next", "https://api.example/v1/orders?page=2"],
    ["an absolute path", "</v2/items>; rel=next", "https://api.example/v2/items"],
    ["a dot segment", "<../v2/items>; rel=next", "https://api.example/v2/items"],
    ["a scheme-relative URL", "<//api.example/v1/items?page=2>; rel=next", PAGE_2],
  ])("resolves a relative URI (%s) against the page's URL (RFC 3986 §5)", (_, link, expected) => {
    expect(fromLink(link)).toBe(expected);
  });

  it.each([
    ["Link", { Link: `<${PAGE_2}>; rel=next` }],
    ["link", { link: `<${PAGE_2}>; rel=next` }],
    ["LINK", { LINK: `<${PAGE_2}>; rel=next` }],
    ["two spellings, combined", { Link: `<${PAGE}>; rel=prev`, link: `<${PAGE_2}>; rel=next` }],
  ])("finds the header in a plain record spelt %s", (_, headers) => {
    expect(nextPageUrl({ url: PAGE, headers, body: null })).toBe(PAGE_2);
  });

  it("reads every Link header of a Headers object", () => {
    const headers = new Headers();
    headers.append("Link", `<${PAGE}>; rel=prev`);
    headers.append("Link", `<${PAGE_2}>; rel=next`);
    expect(nextPageUrl({ url: PAGE, headers, body: null })).toBe(PAGE_2);
  });

  it.each([
    ["only other relation types", `<${PAGE}>; rel="prev", <${PAGE}0>; rel="last"`],
    ["a relation type that only starts with next", `<${PAGE_2}>; rel="next-archive nextpage"`],
    ["an empty rel", `<${PAGE_2}>; rel=""`],
    ["a rel without a value", `<${PAGE_2}>; rel`],
    ["an empty rel before the real one", `<${PAGE_2}>; rel; rel=next`],
    ["next as another parameter's value", `<${PAGE_2}>; title=next`],
    ["next as a parameter name", `<${PAGE_2}>; next`],
    ["no parameters", `<${PAGE_2}>`],
    ["a later rel=next of the same link (only the first rel counts)", `<${PAGE_2}>; rel=prev; rel=next`],
    ["rel=next inside a quoted parameter", `<${PAGE_2}>; title="x; rel=next; y"`],
    ["rel=next after an escaped quote", `<${PAGE_2}>; title="say \\"hi; rel=next; \\""`],
    ["a URI without angle brackets", `${PAGE_2}; rel=next`],
    ["text before the angle brackets", `x<${PAGE_2}>; rel=next`],
    ["no semicolon before the parameter", `<${PAGE_2}> rel=next`],
    ["an unterminated quote", `<${PAGE_2}>; rel="next`],
    ["text before the quote", `<${PAGE_2}>; rel=x"next"`],
    ["text after the quote", `<${PAGE_2}>; rel="next"x`],
    ["an anchor elsewhere (the next of another resource)", `<${PAGE_2}>; rel=next; anchor="/v1/other"`],
    ["an anchor that is not a URL", `<${PAGE_2}>; rel=next; anchor="http://[bad"`],
    ["an empty header", ""],
  ])("finds no next page in %s", (_, link) => {
    expect(fromLink(link)).toBeNull();
  });

  it("finds no next page without a Link header", () => {
    expect(
      nextPageUrl({ url: PAGE, headers: { "Content-Type": "application/json" }, body: null }),
    ).toBeNull();
    expect(nextPageUrl({ url: PAGE, headers: new Headers(), body: null })).toBeNull();
  });
});

describe("nextPageUrl: the body and the Link header together", () => {
  it("follows the body's OData link over the Link header", () => {
    const headers = { Link: `<https://api.example/v1/items?page=9>; rel=next` };
    expect(nextPageUrl({ url: PAGE, headers, body: { "@odata.nextLink": PAGE_2 } })).toBe(PAGE_2);
  });

  it.each([
    ["no OData link", { value: [] }],
    ["an empty OData link", { "@odata.nextLink": "" }],
    ["an OData link that is not a string", { "@odata.nextLink": null }],
  ])("follows the Link header when the body has %s", (_, body) => {
    expect(nextPageUrl({ url: PAGE, headers: { Link: `<${PAGE_2}>; rel=next` }, body })).toBe(PAGE_2);
  });
});

describe("nextPageUrl: a next link on another origin", () => {
  it.each([
    ["another host", "https://evil.example/v1/items?page=2", "https://evil.example"],
    ["a sub-domain", "https://eu.api.example/v1/items?page=2", "https://eu.api.example"],
    ["plain http", "http://api.example/v1/items?page=2", "http://api.example"],
    ["another port", "https://api.example:8443/v1/items?page=2", "https://api.example:8443"],
    ["user info that hides the host", "https://api.example@evil.example/v1/items", "https://evil.example"],
    ["a scheme-relative URL", "//evil.example/v1/items", "https://evil.example"],
  ])("refuses %s", (_, link, origin) => {
    for (const read of [() => fromBody({ "@odata.nextLink": link }), () => fromLink(`<${link}>; rel=next`)]) {
      const error = failureOf(read);
      expect(error.code).toBe("PAGING_LINK_OFF_ORIGIN");
      expect(error.message).toContain(`points to ${origin}, not to the page's origin https://api.example:`);
    }
  });

  it.each([
    ["http://localhost:7071/api/items", "http://127.0.0.1:7071/api/items?page=2", "http://127.0.0.1:7071"],
    ["http://localhost:7071/api/items", "http://localhost:7072/api/items?page=2", "http://localhost:7072"],
    ["http://localhost:7071/api/items", "https://localhost:7071/api/items?page=2", "https://localhost:7071"],
  ])("refuses, from %s, %s", (page, link, origin) => {
    const error = failureOf(() => fromBody({ "@odata.nextLink": link }, page));
    expect(error.code).toBe("PAGING_LINK_OFF_ORIGIN");
    expect(error.message).toContain(`points to ${origin}, not to the page's origin http://localhost:7071:`);
  });

  it("says where the link came from, both origins and what to do", () => {
    const body = { "@odata.nextLink": "https://evil.example/v1/items?$skiptoken=secret" };
    const error = failureOf(() => fromBody(body, "https://api.example/v1/items?$top=2&code=key"));
    expect(error).toBeInstanceOf(M2mError);
    expect(error.message).toBe(
      `The next page link in the body's "@odata.nextLink" of https://api.example/v1/items?<query removed> points ` +
        `to https://evil.example, not to the page's origin https://api.example: following it would send the ` +
        `job's bearer token there, so it was not followed. If the API really pages across hosts, request ` +
        `https://evil.example yourself with a token for its own scope; otherwise the API (or a proxy in front of ` +
        `it) sends a wrong link.`,
    );
    expect(error.detail).toEqual({ link: "https://evil.example/v1/items?$skiptoken=secret" });
    expect(JSON.stringify(error)).not.toContain("secret");
  });

  it("names the Link header when the link came from there", () => {
    const error = failureOf(() => fromLink("<https://evil.example/>; rel=next"));
    expect(error.message).toMatch(
      /^The next page link in the Link header's rel="next" of https:\/\/api\.example\//,
    );
  });

  it.each([
    ["a host in upper case", "https://API.EXAMPLE/v1/items?page=2", PAGE, PAGE_2],
    ["the default port spelt out", "https://api.example:443/v1/items?page=2", PAGE, PAGE_2],
    ["a page with the default port spelt out", PAGE_2, "https://api.example:443/v1/items?page=1", PAGE_2],
    ["the same port", "http://localhost:7071/api/items?page=2", "http://localhost:7071/api/items", null],
  ])("follows a link on the same origin: %s", (_, link, page, expected) => {
    expect(fromBody({ "@odata.nextLink": link }, page)).toBe(expected ?? link);
  });
});

describe("nextPageUrl: a next link that is the page itself", () => {
  it.each([
    ["the same URL", { "@odata.nextLink": PAGE }, {}],
    ["the same URL spelt differently", { "@odata.nextLink": "https://API.example:443/v1/items?page=1" }, {}],
    ["a relative link to the same query", { "@odata.nextLink": "?page=1" }, {}],
    ["a link that differs in the fragment only", { "@odata.nextLink": `${PAGE}#more` }, {}],
    ["an empty Link URI", null, { Link: "<>; rel=next" }],
    ["a Link to the same URL", null, { Link: `<${PAGE}>; rel="next"` }],
  ])("refuses %s", (_, body, headers) => {
    const error = failureOf(() => nextPageUrl({ url: PAGE, headers, body }));
    expect(error.code).toBe("PAGING_LINK_LOOP");
  });

  it("refuses a link without the fragment of a page that has one", () => {
    const error = failureOf(() => fromBody({ "@odata.nextLink": PAGE }, `${PAGE}#top`));
    expect(error.code).toBe("PAGING_LINK_LOOP");
  });

  it("says where the link came from and what to do", () => {
    const error = failureOf(() => fromBody({ "@odata.nextLink": PAGE }));
    expect(error.message).toBe(
      `The next page link in the body's "@odata.nextLink" of https://api.example/v1/items?<query removed> is that ` +
        `page itself: following it would read the same page forever. The API (or a proxy in front of it) sends a ` +
        `wrong link: report it to its owners.`,
    );
  });

  it.each([
    ["a query in another case", "https://api.example/v1/items?Page=1"],
    ["a trailing slash", "https://api.example/v1/items/?page=1"],
    ["another path", "https://api.example/v1/item?page=1"],
    ["a fragment kept", `${PAGE_2}#more`],
  ])("follows a link that differs from the page: %s", (_, link) => {
    expect(fromBody({ "@odata.nextLink": link })).toBe(link);
  });
});

describe("nextPageUrl: a next link that is not a URL", () => {
  it.each([
    ["the body", { "@odata.nextLink": "http://[::1" }, {}],
    ["the body, with a space in the host", { "@odata.nextLink": "https://api .example/v1" }, {}],
    ["the Link header", null, { Link: "<https://[bad>; rel=next" }],
  ])("refuses one in %s", (_, body, headers) => {
    const error = failureOf(() => nextPageUrl({ url: PAGE, headers, body }));
    expect(error.code).toBe("PAGING_LINK_INVALID");
  });

  it("says where the link came from and what to do, keeping the link out of the message", () => {
    const error = failureOf(() => fromBody({ "@nextLink": "https://[bad?$skiptoken=secret" }));
    expect(error.message).toBe(
      `The next page link in the body's "@nextLink" of https://api.example/v1/items?<query removed> is not a URL, ` +
        `so the pages after it cannot be read. The API (or a proxy in front of it) sends a broken link: report it ` +
        `to its owners.`,
    );
    expect(error.detail).toEqual({ link: "https://[bad?$skiptoken=secret" });
  });
});
