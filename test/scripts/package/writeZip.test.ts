import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readZip } from "../../../scripts/package/readZip.js";
import { writeZip } from "../../../scripts/package/writeZip.js";

const text = (value: string): Uint8Array => Buffer.from(value, "utf8");

/** Bytes that do not compress (a SHA-256 chain), the same on every run. */
function incompressible(length: number): Buffer {
  const blocks: Buffer[] = [];
  let block = createHash("sha256").update("seed").digest();
  for (let size = 0; size < length; size += block.length) {
    blocks.push(block);
    block = createHash("sha256").update(block).digest();
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function hasUnzip(): boolean {
  try {
    execFileSync("unzip", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("writeZip", () => {
  const files = [
    { path: "package.json", data: text('{ "main": "dist/index.js" }\n') },
    { path: "dist/index.js", data: text("export {};\n".repeat(1000)) },
    { path: "host.json", data: text('{ "version": "2.0" }\n') },
  ];

  it("writes an archive readZip reads back file for file, sorted by path", () => {
    const entries = readZip(writeZip(files));
    expect(entries.map((entry) => entry.path)).toEqual(["dist/index.js", "host.json", "package.json"]);
    for (const entry of entries) {
      expect(Buffer.from(entry.data)).toEqual(Buffer.from(files.find((f) => f.path === entry.path)!.data));
    }
  });

  it("gives the same bytes for the same files in any order", () => {
    expect(writeZip(files).equals(writeZip([...files].reverse()))).toBe(true);
  });

  it("deflates what compresses and stores what does not", () => {
    const zip = writeZip([
      { path: "a.txt", data: text("a".repeat(4096)) },
      { path: "b.bin", data: incompressible(4096) },
    ]);
    // Central directory: method at +10, compressed size at +20 of each 46-byte header (plus the 5-byte name).
    const central = zip.readUInt32LE(zip.length - 22 + 16);
    expect(zip.readUInt16LE(central + 10)).toBe(8);
    expect(zip.readUInt32LE(central + 20)).toBeLessThan(100);
    const second = central + 46 + "a.txt".length;
    expect(zip.toString("utf8", second + 46, second + 46 + 5)).toBe("b.bin");
    expect(zip.readUInt16LE(second + 10)).toBe(0);
    expect(zip.readUInt32LE(second + 20)).toBe(4096);
    expect(readZip(zip).map((entry) => entry.data.length)).toEqual([4096, 4096]);
  });

  it("dates every entry 1980-01-01 00:00 and marks it a -rw-r--r-- file", () => {
    const zip = writeZip([{ path: "host.json", data: text("{}") }]);
    const central = zip.readUInt32LE(zip.length - 22 + 16);
    expect(zip.readUInt16LE(central + 12)).toBe(0); // time
    expect(zip.readUInt16LE(central + 14)).toBe((1 << 5) | 1); // date
    expect(zip.readUInt32LE(central + 38) >>> 16).toBe(0o100644);
  });

  it("writes an empty archive for no files", () => {
    expect(readZip(writeZip([]))).toEqual([]);
  });

  it.each([
    ["/etc/passwd"],
    ["../outside.js"],
    ["dist/../../outside.js"],
    ["dist\\index.js"],
    ["dist//index.js"],
    ["./host.json"],
    [""],
  ])("refuses the path %j", (path) => {
    expect(() => writeZip([{ path, data: text("x") }])).toThrow(
      `Zip entry path ${JSON.stringify(path)} is not a relative path inside the archive: use forward slashes, ` +
        `no leading slash, no "." or ".." segments (e.g. "dist/index.js").`,
    );
  });

  it("refuses a path given twice", () => {
    expect(() =>
      writeZip([
        { path: "host.json", data: text("{}") },
        { path: "host.json", data: text("{}") },
      ]),
    ).toThrow('Zip entry path "host.json" is given twice: each file goes in once.');
  });

  it.runIf(hasUnzip())("is an archive Info-ZIP unzip lists and tests without a warning", () => {
    const dir = mkdtempSync(join(tmpdir(), "m2m-zip-"));
    try {
      const file = join(dir, "package.zip");
      writeFileSync(file, writeZip([...files, { path: "b.bin", data: incompressible(2048) }]));
      expect(execFileSync("unzip", ["-Z1", file], { encoding: "utf8" }).trim().split("\n")).toEqual([
        "b.bin",
        "dist/index.js",
        "host.json",
        "package.json",
      ]);
      expect(execFileSync("unzip", ["-tq", file], { encoding: "utf8" })).toContain("No errors detected");
      expect(execFileSync("unzip", ["-p", file, "host.json"], { encoding: "utf8" })).toBe(
        '{ "version": "2.0" }\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
