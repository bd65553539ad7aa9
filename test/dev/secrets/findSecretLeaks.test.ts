import { generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { findSecretLeaks } from "../../../dev/secrets/findSecretLeaks.js";
import type { LedgerEntry } from "../../../dev/secrets/readSecretLedger.js";
import { secretPieces } from "../../../dev/secrets/secretPieces.js";
import { urlTokens } from "../../../dev/secrets/urlTokens.js";

const b64url = (text: string) => Buffer.from(text).toString("base64url");
const header = b64url('{"alg":"RS256","typ":"JWT","kid":"public-key-id"}');
const payload = b64url(`{"aud":"api://m2m-downstream","uti":"${randomBytes(16).toString("hex")}"}`);
const signature = randomBytes(256).toString("base64url");
const jwt = `${header}.${payload}.${signature}`;

const { privateKey: keyPem } = generateKeyPairSync("rsa", {
  modulusLength: 1024,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const keyLines = keyPem.split("\n").filter((line) => line && !line.startsWith("-----"));
const certPem =
  "-----BEGIN CERTIFICATE-----\nMIIBpublicCertificateLineThatIsLongEnoughToCount0123456789\n-----END CERTIFICATE-----\n";

describe("secretPieces", () => {
  it("looks for a JWT whole and by 64-character pieces of its payload and signature, not by its public header", () => {
    const pieces = secretPieces(jwt);

    expect(pieces[0]).toBe(jwt);
    expect(pieces).toContain(payload.slice(0, 64));
    expect(pieces).toContain(signature.slice(64, 128));
    expect(pieces).toContain(signature.slice(-64));
    expect(pieces.slice(1).some((piece) => piece.includes(header))).toBe(false);
    expect(pieces.slice(1).every((piece) => piece.length === 64)).toBe(true);
  });

  it("looks for each base64 line of a PEM's private key, not for the certificates next to it", () => {
    const pieces = secretPieces(keyPem + certPem);

    expect(pieces).toEqual(expect.arrayContaining(keyLines.filter((line) => line.length >= 24)) as unknown);
    expect(pieces.some((piece) => piece.includes("publicCertificateLine"))).toBe(false);
  });

  it("looks for a short secret whole, and for a long opaque one in 64-character pieces that cover it", () => {
    expect(secretPieces("ifk5xABcSjI9VKJjNFJK_Unnd6bo0Tiq")).toEqual(["ifk5xABcSjI9VKJjNFJK_Unnd6bo0Tiq"]);

    const pfx = "A".repeat(64) + "B".repeat(64) + "C".repeat(10);
    expect(secretPieces(pfx)).toEqual(["A".repeat(64), "B".repeat(64), "B".repeat(54) + "C".repeat(10)]);
  });

  it("looks for each piece URL-encoded too", () => {
    expect(secretPieces("a+secret/with=base64+characters")).toEqual([
      "a+secret/with=base64+characters",
      "a%2Bsecret%2Fwith%3Dbase64%2Bcharacters",
    ]);
  });
});

describe("urlTokens", () => {
  it("takes path segments and query values of at least 24 characters, decoded, and leaves route words", () => {
    const url = new URL(
      "https://127.0.0.1:8443/teams/workflows/0123456789abcdef0123456789abcdef/triggers/manual/paths/invoke?api-version=2016-06-01&sig=Sig%2Bvalue-0123456789-abcdefghij",
    );

    expect(urlTokens(url)).toEqual(["0123456789abcdef0123456789abcdef", "Sig+value-0123456789-abcdefghij"]);
  });
});

describe("findSecretLeaks", () => {
  const clientSecret = "Xy98Q~client-secret-that-is-forty-chars-";
  const ledger: LedgerEntry[] = [
    { kind: "access-token", value: jwt },
    { kind: "key-vault-private-key", value: keyPem },
    { kind: "client-secret", value: clientSecret },
  ];

  it("finds a whole token, a signature alone, a token cut short, one line of a key and an encoded secret, saying where", () => {
    const leaks = findSecretLeaks(
      [
        {
          source: "npm run local",
          text: `first line\nAuthorization: Bearer ${jwt}\nthird line\ntoken ${jwt.slice(0, header.length + 70)}…`,
        },
        {
          source: "fault matrix",
          text: `signature ${signature} in an error\n  "${keyLines[3]}\\n"\nsecret=${encodeURIComponent(clientSecret)}`,
        },
      ],
      ledger,
    );

    expect(leaks).toEqual([
      {
        kind: "access-token",
        source: "npm run local",
        line: 2,
        excerpt: "Authorization: Bearer <the secret>",
      },
      {
        kind: "access-token",
        source: "npm run local",
        line: 4,
        excerpt: `token ${header}.<the secret>${payload.slice(64, 69)}…`,
      },
      {
        kind: "access-token",
        source: "fault matrix",
        line: 1,
        excerpt: "signature <the secret> in an error",
      },
      { kind: "key-vault-private-key", source: "fault matrix", line: 2, excerpt: '  "<the secret>\\n"' },
      { kind: "client-secret", source: "fault matrix", line: 3, excerpt: "secret=<the secret>" },
    ]);
  });

  it("sees through terminal colours", () => {
    const leaks = findSecretLeaks(
      [{ source: "vitest", text: `\u001b[31m${clientSecret}\u001b[39m` }],
      ledger,
    );

    expect(leaks).toEqual([{ kind: "client-secret", source: "vitest", line: 1, excerpt: "<the secret>" }]);
  });

  it("finds nothing in output that holds only the public parts: a token's header, a certificate", () => {
    expect(findSecretLeaks([{ source: "log", text: `kid header ${header}\n${certPem}` }], ledger)).toEqual(
      [],
    );
  });

  it("cuts a long line around the secret, so the excerpt stays readable", () => {
    const [leak] = findSecretLeaks(
      [{ source: "log", text: `${"x".repeat(400)} ${clientSecret} ${"y".repeat(400)}` }],
      ledger,
    );

    expect(leak?.excerpt).toBe(`…${"x".repeat(149)} <the secret> ${"y".repeat(137)}…`);
  });
});
