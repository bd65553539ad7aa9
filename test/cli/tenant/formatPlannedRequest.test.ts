import { describe, expect, it } from "vitest";
import { formatPlannedRequest } from "../../../src/cli/tenant/formatPlannedRequest.js";

describe("formatPlannedRequest", () => {
  it("prints the purpose, the method and URL, then the JSON body indented", () => {
    expect(
      formatPlannedRequest({
        method: "POST",
        url: "https://graph.microsoft.com/v1.0/applications/a/owners/$ref",
        body: { "@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/b" },
        purpose: "add an owner",
      }),
    ).toBe(
      [
        "add an owner:",
        "  POST https://graph.microsoft.com/v1.0/applications/a/owners/$ref",
        "  {",
        '    "@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/b"',
        "  }",
      ].join("\n"),
    );
  });

  it("shows a certificate's key by size only, secrets as <redacted>, and keeps placeholders", () => {
    const der = Buffer.alloc(812, 7).toString("base64");
    const text = formatPlannedRequest({
      method: "PATCH",
      url: "https://graph.microsoft.com/v1.0/applications/a",
      body: {
        keyCredentials: [
          { keyId: "k1", key: der },
          { key: "<certificate DER of 'app', issued by the step above>" },
        ],
        passwordCredential: { secretText: "s3cr3t-value" },
        proof: "eyJhbGciOi.eyJhdWQiOi.c2ln",
        password: "hunter2",
      },
      purpose: "register",
    });
    expect(text).toContain('"key": "<certificate DER, 812 bytes>"');
    expect(text).toContain(`"key": "<certificate DER of 'app', issued by the step above>"`);
    expect(text).toContain('"secretText": "<redacted>"');
    expect(text).toContain('"proof": "<redacted>"');
    expect(text).toContain('"password": "<redacted>"');
    expect(text).not.toContain(der.slice(0, 24));
    expect(text).not.toContain("s3cr3t-value");
    expect(text).not.toContain("hunter2");
  });

  it("prints no body for a request without one", () => {
    expect(formatPlannedRequest({ method: "POST", url: "https://x/y", body: null, purpose: "poke" })).toBe(
      "poke:\n  POST https://x/y",
    );
  });
});
