import { describe, expect, it } from "vitest";
import { apiErrorMessage } from "../../../src/jobs/downstream/apiErrorMessage.js";
import { bodyExcerpt } from "../../../src/jobs/downstream/bodyExcerpt.js";
import { isJsonContentType } from "../../../src/jobs/downstream/isJsonContentType.js";
import { parseWwwAuthenticate } from "../../../src/jobs/downstream/parseWwwAuthenticate.js";
import { readCappedBody } from "../../../src/jobs/downstream/readCappedBody.js";
import { newSpanId, newTraceId, traceparent } from "../../../src/jobs/downstream/traceparent.js";

const bytes = (text: string) => new TextEncoder().encode(text);

function streamOf(chunks: string[], then?: Error) {
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[pulled++];
      if (chunk !== undefined) controller.enqueue(bytes(chunk));
      else if (then) controller.error(then);
      else controller.close();
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, pulled: () => pulled, cancelled: () => cancelled };
}

describe("readCappedBody", () => {
  it("reads a body under the cap completely", async () => {
    const body = await readCappedBody(streamOf(["ab", "cd"]).stream, 10);
    expect(body).toMatchObject({ complete: true, truncated: false, error: null });
    expect(new TextDecoder().decode(body.data)).toBe("abcd");
  });

  it("keeps exactly the cap, stops pulling and cancels the stream", async () => {
    const source = streamOf(["abc", "def", "ghi", "jkl"]);
    const body = await readCappedBody(source.stream, 4);
    expect(new TextDecoder().decode(body.data)).toBe("abcd");
    expect(body).toMatchObject({ complete: false, truncated: true });
    expect(source.pulled()).toBeLessThanOrEqual(3);
    expect(source.cancelled()).toBe(true);
  });

  it("keeps what arrived before a read error", async () => {
    const failure = new Error("terminated");
    const body = await readCappedBody(streamOf(["abc"], failure).stream, 100);
    expect(new TextDecoder().decode(body.data)).toBe("abc");
    expect(body).toMatchObject({ complete: false, truncated: false, error: failure });
  });

  it("reads no body as empty and complete", async () => {
    expect(await readCappedBody(null, 10)).toMatchObject({ complete: true, data: new Uint8Array(0) });
  });
});

describe("bodyExcerpt", () => {
  it("is null for an empty or blank body", () => {
    expect(bodyExcerpt(bytes(" \n"))).toBeNull();
  });
  it("cuts at maxChars characters, not bytes, and marks the cut", () => {
    expect(bodyExcerpt(bytes("ééééé"), { maxChars: 3 })).toBe("ééé…");
  });
  it("redacts the given secrets", () => {
    expect(bodyExcerpt(bytes("token=abc.def; again abc.def"), { redact: ["abc.def"] })).toBe(
      "token=<redacted>; again <redacted>",
    );
  });
});

describe("apiErrorMessage", () => {
  it.each([
    [
      '{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges"}}',
      "Authorization_RequestDenied: Insufficient privileges",
    ],
    ['{"message":"Role Reports.Write required"}', "Role Reports.Write required"],
    ['{"error":"invalid_token","error_description":"Token expired"}', "invalid_token: Token expired"],
    ['{"type":"about:blank","title":"Forbidden","detail":"Missing role"}', "Missing role"],
    ["plain words", "plain words"],
    ["", null],
  ])("reads %s as %j", (body, expected) => {
    expect(apiErrorMessage(bytes(body))).toBe(expected);
  });
});

describe("parseWwwAuthenticate", () => {
  it("reads quoted and bare parameters, with escapes", () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="api", error=invalid_token, error_description="The \\"aud\\" is wrong"',
      ),
    ).toEqual({ error: "invalid_token", errorDescription: 'The "aud" is wrong' });
  });
  it("gives nulls for a challenge without them", () => {
    expect(parseWwwAuthenticate('Bearer realm="api"')).toEqual({ error: null, errorDescription: null });
    expect(parseWwwAuthenticate(null)).toEqual({ error: null, errorDescription: null });
  });
});

describe("isJsonContentType", () => {
  it.each([
    ["application/json", true],
    ["Application/JSON; charset=utf-8", true],
    ["application/problem+json", true],
    ["application/json-seq", false],
    ["text/json", false],
    [null, false],
  ])("%j → %s", (value, expected) => {
    expect(isJsonContentType(value)).toBe(expected);
  });
});

describe("traceparent", () => {
  it("formats a W3C traceparent from fresh random ids", () => {
    const traceId = newTraceId();
    const spanId = newSpanId();
    expect(traceparent(traceId, spanId)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(newTraceId()).not.toBe(traceId);
  });

  it("keeps ids distinct and well-formed across many draws (the random pool refills)", () => {
    // 4096 bytes a pool: 3,000 trace ids and 3,000 span ids draw from 7 pools.
    const traces = Array.from({ length: 3_000 }, newTraceId);
    const spans = Array.from({ length: 3_000 }, newSpanId);
    expect(new Set(traces).size).toBe(traces.length);
    expect(new Set(spans).size).toBe(spans.length);
    expect(traces.every((id) => /^[0-9a-f]{32}$/.test(id) && /[^0]/.test(id))).toBe(true);
    expect(spans.every((id) => /^[0-9a-f]{16}$/.test(id) && /[^0]/.test(id))).toBe(true);
  });
});
