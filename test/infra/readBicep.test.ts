import { describe, expect, it } from "vitest";
import { readArray, readObject, stringLiteral, valueAt } from "./bicepSyntax.js";
import { readBicep } from "./readBicep.js";

const sample = `// A comment with a quote: the app's
targetScope = 'subscription'

@description('The signing mode (it\\'s { not } a brace).')
@allowed([
  'auto'
  'vault'
])
param signing string = 'auto'

@secure()
param secret string

var inVault = signing != 'local' /* block
comment */

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'kv'
}

resource role 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (inVault && !empty(secret)) {
  name: guid(vault.id, 'x')
  scope: vault
  properties: {
    #disable-next-line BCP037
    principalId: 'p'
    note: 'https://example.com/a//b'
  }
}

module app 'app/functionApp.bicep' = {
  name: 'app'
  params: { name: 'func-\${signing}', tags: { 'azd-service-name': 'api' } }
}

output URL string = 'https://\${vault.name}.vault.azure.net/'
`;

describe("readBicep", () => {
  it("reads params with their decorators, defaults and types", () => {
    const file = readBicep(sample);
    expect(file.targetScope).toBe("subscription");
    const signing = file.params.get("signing")!;
    expect(signing.type).toBe("string");
    expect(signing.defaultValue).toBe("'auto'");
    expect(signing.decorators.get("description")).toBe("'The signing mode (it\\'s { not } a brace).'");
    expect(readArray(signing.decorators.get("allowed")!).map(stringLiteral)).toEqual(["auto", "vault"]);
    expect(file.params.get("secret")).toEqual({
      name: "secret",
      type: "string",
      defaultValue: null,
      decorators: new Map([["secure", ""]]),
    });
  });

  it("reads vars, resources with their condition, modules and outputs, without comments or directives", () => {
    const file = readBicep(sample);
    expect(file.vars.get("inVault")).toBe("signing != 'local'");
    expect(file.resources.get("vault")).toMatchObject({
      type: "Microsoft.KeyVault/vaults",
      apiVersion: "2023-07-01",
      existing: true,
      condition: null,
    });
    const role = file.resources.get("role")!;
    expect(role.condition).toBe("inVault && !empty(secret)");
    expect(valueAt(role.body, "properties.note")).toBe("'https://example.com/a//b'");
    expect(valueAt(role.body, "properties.principalId")).toBe("'p'");
    expect(valueAt(role.body, "properties.missing")).toBeUndefined();
    const app = file.modules.get("app")!;
    expect(app.type).toBe("app/functionApp.bicep");
    expect([...readObject(valueAt(app.body, "params")!)]).toEqual([
      ["name", "'func-${signing}'"],
      ["tags", "{ 'azd-service-name': 'api' }"],
    ]);
    expect(file.outputs.get("URL")).toEqual({
      type: "string",
      value: "'https://${vault.name}.vault.azure.net/'",
    });
  });

  it.each([
    ["an unknown statement", "type mode = 'a' | 'b'\n", "unsupported statement: type mode = 'a' | 'b'"],
    ["a loop", "resource r 'A/b@1' = [for x in y: {}]\n", "r: loops are not supported by the reader"],
    ["an unbalanced brace", "var x = {\n  a: 1\n", "unbalanced '{' at 8: {\n  a: 1\n"],
    ["an unterminated string", "var x = 'abc\n", "unterminated string at 8: 'abc\n"],
    ["a name declared twice", "param a string\nvar a = 1\n", "a is declared twice"],
    [
      "a decorator on nothing",
      "param a string\n@secure()\n",
      "decorators at the end of the file, on nothing",
    ],
    ["@secure on a var", "@secure()\nvar a = 1\n", "@secure on a declaration that is not a param"],
  ])("refuses %s", (_, text, message) => {
    expect(() => readBicep(text)).toThrow(message);
  });
});

describe("readObject", () => {
  it("splits entries at newlines and commas, not inside strings or brackets", () => {
    expect([...readObject("{\n  a: 'x, y'\n  b: f(1, 2), c: [\n 1\n 2\n ]\n}")]).toEqual([
      ["a", "'x, y'"],
      ["b", "f(1, 2)"],
      ["c", "[\n 1\n 2\n ]"],
    ]);
  });

  it.each([
    ["a duplicate key", "{ a: 1\n a: 2 }", "duplicate key a"],
    ["an entry without a value", "{ a: }", 'not a "key: value" entry: a:'],
    ["a spread", "{ ...other }", 'not a "key: value" entry: ...other'],
    ["text after the object", "{ a: 1 } b", "expected one {...} literal, got: { a: 1 } b"],
  ])("refuses %s", (_, raw, message) => {
    expect(() => readObject(raw)).toThrow(message);
  });
});

describe("stringLiteral", () => {
  it("gives a plain string's value with its escapes resolved, and null for an interpolation", () => {
    expect(stringLiteral("'it\\'s'")).toBe("it's");
    expect(stringLiteral("'costs $5'")).toBe("costs $5");
    expect(stringLiteral("'a-${b}'")).toBeNull();
    expect(stringLiteral("b")).toBeNull();
  });
});
