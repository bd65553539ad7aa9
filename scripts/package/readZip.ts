import { crc32, inflateRawSync } from "node:zlib";
import type { ZipEntry } from "./ZipEntry.js";

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const END_RECORD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const FLAG_ENCRYPTED = 0x0001;
const STORED = 0;
const DEFLATED = 8;

/**
 * The files of a zip archive, in central-directory order, each inflated and checked against its CRC-32 and size.
 * Reads what writeZip writes and what common tools write (stored or deflated, with comments and extra fields); not
 * ZIP64, encryption or multi-disk archives. Directory entries (paths ending in "/") are left out: a package lists
 * its files. Throws with what is wrong when the bytes are not such an archive.
 */
export function readZip(archive: Uint8Array): ZipEntry[] {
  const zip = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  const end = findEndRecord(zip);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL_HEADER) {
      throw new Error(`Not a readable zip: central directory entry ${index + 1} of ${count} is missing.`);
    }
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localOffset = zip.readUInt32LE(at + 42);
    const path = zip.toString("utf8", at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;

    if (path.endsWith("/")) continue;
    if (flags & FLAG_ENCRYPTED) throw new Error(`${path} is encrypted; a deployment package is not.`);
    if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== LOCAL_HEADER) {
      throw new Error(`Not a readable zip: the local header of ${path} is missing.`);
    }
    const dataStart =
      localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const body = zip.subarray(dataStart, dataStart + compressedSize);
    if (body.length !== compressedSize) throw new Error(`Not a readable zip: ${path} is cut short.`);
    const data = inflate(path, method, body);
    if (data.length !== size || crc32(data) !== crc) {
      throw new Error(`${path} does not match its recorded size and CRC-32: the archive is corrupt.`);
    }
    entries.push({ path, data });
  }
  return entries;
}

function inflate(path: string, method: number, body: Buffer): Buffer {
  if (method === STORED) return Buffer.from(body);
  if (method === DEFLATED) return inflateRawSync(body);
  throw new Error(`${path} uses compression method ${method}; only stored (0) and deflated (8) are read.`);
}

/** The end-of-central-directory record: 22 bytes plus a comment of up to 65,535, so search back that far. */
function findEndRecord(zip: Buffer): number {
  const lowest = Math.max(0, zip.length - END_RECORD_SIZE - MAX_COMMENT);
  for (let at = zip.length - END_RECORD_SIZE; at >= lowest; at -= 1) {
    if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) return at;
  }
  throw new Error("Not a zip archive: no end-of-central-directory record.");
}
