import { describe, expect, it } from "vitest";
import { firstOfEach } from "../../src/certificates/firstOfEach.js";

const at = (vaultUrl: string, name: string, from: string) => ({ vaultUrl, name, from });

describe("firstOfEach", () => {
  it("keeps the first of each certificate, in order", () => {
    const certificates = [
      at("https://a.vault.azure.net", "app", "named"),
      at("https://a.vault.azure.net", "other", "listing"),
      at("https://a.vault.azure.net", "app", "listing"),
    ];
    expect(firstOfEach(certificates).map((c) => `${c.name}/${c.from}`)).toEqual([
      "app/named",
      "other/listing",
    ]);
  });

  it("takes names and vaults in any case, and vaults with or without trailing slashes, as the same", () => {
    const certificates = [
      at("https://A.vault.azure.net/", "App", "first"),
      at("https://a.vault.azure.net", "APP", "second"),
      at("https://a.vault.azure.net//", "app", "third"),
    ];
    expect(firstOfEach(certificates).map((c) => c.from)).toEqual(["first"]);
  });

  it("keeps the same name in two vaults, and two names in one vault", () => {
    const certificates = [
      at("https://a.vault.azure.net", "app", "a"),
      at("https://b.vault.azure.net", "app", "b"),
      at("https://a.vault.azure.net", "app2", "a2"),
    ];
    expect(firstOfEach(certificates).map((c) => c.from)).toEqual(["a", "b", "a2"]);
  });

  it("does not take a vault and name that run together as another pair", () => {
    // "a" + "bc" and "ab" + "c" must not be one key.
    expect(firstOfEach([at("https://v/a", "bc", "1"), at("https://v/ab", "c", "2")])).toHaveLength(2);
  });

  it("keeps a slash inside the vault's URL", () => {
    expect(
      firstOfEach([
        at("https://v/x/", "n", "1"),
        at("https://v/x", "n", "2"),
        at("https://v", "xn", "3"),
      ]).map((c) => c.from),
    ).toEqual(["1", "3"]);
  });

  it("folds case to lower case: names that only upper-casing would merge stay apart", () => {
    // "ß".toUpperCase() is "SS": an upper-case fold would take these for one certificate.
    expect(firstOfEach([at("https://v", "ß", "1"), at("https://v", "ss", "2")])).toHaveLength(2);
    expect(firstOfEach([at("https://ß", "n", "1"), at("https://ss", "n", "2")])).toHaveLength(2);
  });
});
