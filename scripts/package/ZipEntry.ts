/** One file in a zip archive: its path inside the archive (forward slashes, no leading slash) and its bytes. */
export interface ZipEntry {
  readonly path: string;
  readonly data: Uint8Array;
}
