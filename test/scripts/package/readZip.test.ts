import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readZip } from "../../../scripts/package/readZip.js";
import { writeZip } from "../../../scripts/package/writeZip.js";

const archive = (): Buffer =>
  writeZip([
    { path: "host.json", data: Buffer.from('{ "version": "2.0" }\n'.repeat(20)) },
    { path: "package.json", data: Buffer.from("{}\n") },
  ]);

function hasZip(): boolean {
  try {
    execFileSync("zip", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("readZip", () => {
  it("reads an archive that ends in a comment", () => {
    const zip = archive();
    const comment = Buffer.from("built by CI");
    zip.writeUInt16LE(comment.length, zip.length - 2);
    expect(readZip(Buffer.concat([zip, comment])).map((entry) => entry.path)).toEqual([
      "host.json",
      "package.json",
    ]);
  });

  it("refuses bytes that are not a zip", () => {
    expect(() => readZip(Buffer.from("PK? not really"))).toThrow(
      "Not a zip archive: no end-of-central-directory record.",
    );
  });

  it("refuses a file whose bytes no longer match its CRC-32", () => {
    const zip = archive();
    // package.json ("{}\n") is stored: its data is the three bytes after the name in its local header.
    const dataAt = zip.indexOf("package.json") + "package.json".length;
    expect(zip.toString("utf8", dataAt, dataAt + 3)).toBe("{}\n");
    zip.write("[", dataAt);
    expect(() => readZip(zip)).toThrow(
      "package.json does not match its recorded size and CRC-32: the archive is corrupt.",
    );
  });

  it("refuses a compression method other than stored and deflated", () => {
    const zip = archive();
    const central = zip.readUInt32LE(zip.length - 22 + 16);
    zip.writeUInt16LE(12, central + 10); // bzip2
    expect(() => readZip(zip)).toThrow(
      "host.json uses compression method 12; only stored (0) and deflated (8) are read.",
    );
  });

  it("refuses an archive cut short inside its central directory", () => {
    const zip = archive();
    const end = zip.subarray(zip.length - 22);
    const cut = Buffer.concat([zip.subarray(0, zip.readUInt32LE(zip.length - 22 + 16) + 10), end]);
    expect(() => readZip(cut)).toThrow("Not a readable zip: central directory entry 1 of 2 is missing.");
  });

  it.runIf(hasZip())("lists the files of an archive Info-ZIP wrote, without its directory entries", () => {
    const dir = mkdtempSync(join(tmpdir(), "m2m-zip-"));
    try {
      mkdirSync(join(dir, "app", "dist"), { recursive: true });
      writeFileSync(join(dir, "app", "host.json"), "{}\n");
      writeFileSync(join(dir, "app", "dist", "index.js"), "export {};\n".repeat(100));
      execFileSync("zip", ["-qr", "-X", join(dir, "app.zip"), "."], { cwd: join(dir, "app") });
      const entries = readZip(readFileSync(join(dir, "app.zip")));
      expect(entries.map((entry) => entry.path).sort()).toEqual(["dist/index.js", "host.json"]);
      expect(Buffer.from(entries.find((entry) => entry.path === "dist/index.js")!.data).toString()).toBe(
        "export {};\n".repeat(100),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
