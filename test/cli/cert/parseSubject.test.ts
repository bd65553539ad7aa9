import { describe, expect, it } from "vitest";
import { parseSubject } from "../../../src/cli/cert/parseSubject.js";

describe("parseSubject", () => {
  it.each([
    ["CN=m2m-functions", [{ shortName: "CN", value: "m2m-functions" }]],
    [
      "CN=m2m, O=Contoso, C=NL",
      [
        { shortName: "CN", value: "m2m" },
        { shortName: "O", value: "Contoso" },
        { shortName: "C", value: "NL" },
      ],
    ],
    [
      "/CN=m2m/OU=Integration",
      [
        { shortName: "CN", value: "m2m" },
        { shortName: "OU", value: "Integration" },
      ],
    ],
    ["cn=lower case name", [{ shortName: "CN", value: "lower case name" }]],
    [
      String.raw`O=Contoso\, Ltd, CN=m2m`,
      [
        { shortName: "O", value: "Contoso, Ltd" },
        { shortName: "CN", value: "m2m" },
      ],
    ],
    ["CN=m2m_functions Ü", [{ shortName: "CN", value: "m2m_functions Ü" }]],
  ])("reads %s", (text, attributes) => {
    expect(parseSubject(text)).toEqual({ ok: true, attributes });
  });

  it.each([
    ["", "it names no attribute (expected CN=<name>)"],
    [
      "m2m-functions",
      '"m2m-functions" is not an attribute this tool writes (CN, O, OU, L, ST, C, E, as NAME=value)',
    ],
    [
      "CN=m2m, DC=contoso",
      '"DC=contoso" is not an attribute this tool writes (CN, O, OU, L, ST, C, E, as NAME=value)',
    ],
    ["CN=", "CN has no value"],
    ["CN=m2m, C=Netherlands", 'C must be a two-letter country code, not "Netherlands"'],
  ])("refuses %j: %s", (text, problem) => {
    expect(parseSubject(text)).toEqual({ ok: false, problem });
  });
});
