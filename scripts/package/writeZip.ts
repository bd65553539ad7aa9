import { constants, crc32, deflateRawSync } from "node:zlib";
import type { ZipEntry } from "./ZipEntry.js";

// The zip format as PKWARE's APPNOTE.TXT (section 4.3) lays it out, without ZIP64: a local header and the data for
// each file, then the central directory (one header per file), then the end-of-central-directory record.
const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION_NEEDED = 20; // 2.0: deflate
const VERSION_MADE_BY = (3 << 8) | VERSION_NEEDED; // 3 = Unix, so the external attributes below are a Unix mode
const FLAG_UTF8_NAMES = 0x0800;
const STORED = 0;
const DEFLATED = 8;
// Every entry gets the same time, so the same files give the same bytes: 1980-01-01 00:00:00, the first instant an
// MS-DOS date can hold (date = ((year - 1980) << 9) | (month << 5) | day; time 0 is midnight).
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1;
// -rw-r--r--: unzip and the Functions platform extract plain readable files, whatever the builder's umask was.
const FILE_MODE = 0o100644;
const MAX_UINT16 = 0xffff;
const MAX_UINT32 = 0xffffffff;

/**
 * A zip archive of `entries`, byte for byte the same for the same entries in any order: entries sorted by path,
 * one fixed timestamp and mode, no extra fields or comments. Each file is deflated, or stored when deflating does
 * not make it smaller. Node 22's zlib only (`crc32`, `deflateRawSync`), so the packaging needs no npm package.
 * Throws on a path that is absolute, climbs out (`..`), uses backslashes or repeats, and on archives that would
 * need ZIP64 (4 GiB, 65,535 entries) — far beyond a Functions bundle.
 */
export function writeZip(entries: readonly ZipEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  checkPaths(sorted.map((entry) => entry.path));
  if (sorted.length >= MAX_UINT16) {
    throw new Error(
      `A zip without ZIP64 holds at most ${MAX_UINT16 - 1} entries; ${sorted.length} were given.`,
    );
  }

  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of sorted) {
    const name = Buffer.from(entry.path, "utf8");
    const deflated = deflateRawSync(entry.data, { level: constants.Z_BEST_COMPRESSION });
    const method = deflated.length < entry.data.length ? DEFLATED : STORED;
    const body = method === DEFLATED ? deflated : Buffer.from(entry.data);
    const crc = crc32(entry.data);
    if (entry.data.length > MAX_UINT32 || offset > MAX_UINT32) {
      throw new Error(`${entry.path}: the archive would pass 4 GiB, which needs ZIP64; package fewer bytes.`);
    }
    const fields = { name, method, crc, compressedSize: body.length, size: entry.data.length };

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    writeCommonFields(local, 6, fields);
    local.writeUInt16LE(0, 28); // extra field length
    parts.push(local, name, body);

    const header = Buffer.alloc(46);
    header.writeUInt32LE(CENTRAL_HEADER, 0);
    header.writeUInt16LE(VERSION_MADE_BY, 4);
    header.writeUInt16LE(VERSION_NEEDED, 6);
    writeCommonFields(header, 8, fields);
    header.writeUInt16LE(0, 30); // extra field length
    header.writeUInt16LE(0, 32); // comment length
    header.writeUInt16LE(0, 34); // disk number
    header.writeUInt16LE(0, 36); // internal attributes
    header.writeUInt32LE((FILE_MODE << 16) >>> 0, 38);
    header.writeUInt32LE(offset, 42);
    central.push(header, name);

    offset += local.length + name.length + body.length;
  }

  const centralSize = central.reduce((sum, part) => sum + part.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(0, 4); // this disk
  end.writeUInt16LE(0, 6); // disk where the central directory starts
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20); // comment length
  return Buffer.concat([...parts, ...central, end]);
}

interface CommonFields {
  readonly name: Buffer;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
}

/** The run of fields local and central headers share, from "general purpose flags" to "file name length". */
function writeCommonFields(buffer: Buffer, at: number, fields: CommonFields): void {
  buffer.writeUInt16LE(FLAG_UTF8_NAMES, at);
  buffer.writeUInt16LE(fields.method, at + 2);
  buffer.writeUInt16LE(DOS_TIME, at + 4);
  buffer.writeUInt16LE(DOS_DATE, at + 6);
  buffer.writeUInt32LE(fields.crc, at + 8);
  buffer.writeUInt32LE(fields.compressedSize, at + 12);
  buffer.writeUInt32LE(fields.size, at + 16);
  buffer.writeUInt16LE(fields.name.length, at + 20);
}

function checkPaths(paths: readonly string[]): void {
  paths.forEach((path, index) => {
    const segments = path.split("/");
    if (
      path.length === 0 ||
      path.includes("\\") ||
      segments.some((segment) => segment === "" || segment === "." || segment === "..")
    ) {
      throw new Error(
        `Zip entry path ${JSON.stringify(path)} is not a relative path inside the archive: use forward slashes, ` +
          `no leading slash, no "." or ".." segments (e.g. "dist/index.js").`,
      );
    }
    if (index > 0 && paths[index - 1] === path) {
      throw new Error(`Zip entry path ${JSON.stringify(path)} is given twice: each file goes in once.`);
    }
  });
}
