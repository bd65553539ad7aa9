import { describe, expect, it } from "vitest";
import { evaluateBicep, type BicepValue } from "./evaluateBicep.js";

const values: Record<string, BicepValue> = {
  signing: "vault",
  renewal: true,
  empty: "",
  port: 540,
  "keyVault.outputs.uri": "https://kv.vault.azure.net/",
  "tenant().tenantId": "tenant-1",
  tags: { env: "dev" },
};
const scope = (path: string) => values[path];
const evaluate = (expression: string) => evaluateBicep(expression, scope);

describe("evaluateBicep", () => {
  it.each([
    ["'plain'", "plain"],
    ["'it\\'s ${signing} on ${port}'", "it's vault on 540"],
    ["'${keyVault.outputs.uri}secrets'", "https://kv.vault.azure.net/secrets"],
    ["signing != 'local'", true],
    ["signing == 'local' || renewal", true],
    ["!renewal && signing == 'vault'", false],
    ["!(renewal && signing == 'vault')", false],
    ["empty(empty) ? tenant().tenantId : empty", "tenant-1"],
    ["string(port)", "540"],
    ["toLower('AbC')", "abc"],
    ["42", 42],
    ["false", false],
  ])("evaluates %s", (expression, expected) => {
    expect(evaluate(expression)).toBe(expected);
  });

  it("evaluates an object literal's values", () => {
    expect(evaluate("{\n  'azd-env-name': signing\n  port: port\n}")).toEqual({
      "azd-env-name": "vault",
      port: 540,
    });
  });

  it("evaluates array literals, inside expressions too", () => {
    expect(evaluate("[\n  'a'\n  {\n    port: port\n  }\n]")).toEqual(["a", { port: 540 }]);
    expect(evaluate("empty(empty) ? [] : [\n  signing\n]")).toEqual([]);
    expect(evaluate("renewal ? [ signing, port ] : []")).toEqual(["vault", 540]);
    expect([evaluate("empty([])"), evaluate("empty({})"), evaluate("empty(tags)")]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it("hashes uniqueString's arguments to 13 stable characters", () => {
    expect(evaluate("uniqueString('a', signing)")).toMatch(/^[0-9a-f]{13}$/);
    expect(evaluate("uniqueString('a', signing)")).toBe(evaluate("uniqueString('a', 'vault')"));
    expect(evaluate("uniqueString('a', signing)")).not.toBe(evaluate("uniqueString('b', 'vault')"));
  });

  it.each([
    ["a name the scope does not know", "signin == 'vault'", "cannot resolve signin in signin == 'vault'"],
    [
      "a misspelt output",
      "keyVault.outputs.url",
      "cannot resolve keyVault.outputs.url in keyVault.outputs.url",
    ],
    ["an unknown function", "union(signing, 'x')", "unknown function union() in union(signing, 'x')"],
    ["! on a string", "!signing", 'needs a bool, got "vault"'],
    ["&& on a string", "renewal && signing", '&& needs a bool, got "vault"'],
    ["an index", "tags[0]", "unexpected '[0]' in tags[0]"],
    ["a misspelt name inside an array", "[\n  signin\n]", "cannot resolve signin in signin"],
    ["an object in a string", "'${tags}'", "an object where a string was expected"],
    ["trailing tokens", "renewal renewal", "unexpected 'renewal' in renewal renewal"],
  ])("refuses %s", (_, expression, message) => {
    expect(() => evaluate(expression)).toThrow(message);
  });
});
