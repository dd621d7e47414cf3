// The table of contents of an XLSX file (a zip), read without inflating anything: a zip ends with
// its central directory, which lists every entry with its declared sizes. A file is refused on what
// it declares before any of it is unpacked (decision 020); the read worker then checks, entry by
// entry, that the entries unpack to no more than they declare.

/** Bounds on what an XLSX may declare (decision 020). */
export const zipLimits = {
  /** All entries together, unpacked: a 200,000-row sheet with its shared strings fits. */
  maxUnpackedBytes: 200 * 1024 * 1024,
  /** An ordinary workbook has a few dozen parts. */
  maxEntries: 1000,
};

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated (nothing else is read). */
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Where the entry's data starts (after its local header). */
  dataOffset: number;
}

/** Why a zip is refused: the key of a message under `<bank>.import.`. */
export type ZipRefusal = { key: "unreadable" | "zipTooLarge" | "zipTooManyEntries"; params?: Record<string, string> };

const endSignature = 0x06054b50;
const entrySignature = 0x02014b50;
const localSignature = 0x04034b50;

/** The zip's entries, or why it is refused (what is broken, too large or has too many parts). */
export function zipEntries(bytes: Uint8Array): { entries: ZipEntry[] } | { refusal: ZipRefusal } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const unreadable = { refusal: { key: "unreadable" } } as const;
  // The end record is the last 22 bytes, followed by a comment of at most 65,535 bytes.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at--) {
    if (view.getUint32(at, true) === endSignature) {
      end = at;
      break;
    }
  }
  if (end < 0) return unreadable;
  const directorySize = view.getUint32(end + 12, true);
  const directoryStart = view.getUint32(end + 16, true);
  // ZIP64 (0xFFFF entries or a 4 GB offset) never describes an upload of at most 50 MB honestly.
  if (view.getUint16(end + 10, true) === 0xffff || directoryStart === 0xffffffff) return unreadable;
  if (directoryStart + directorySize > end) return unreadable;

  const entries: ZipEntry[] = [];
  let total = 0;
  for (let at = directoryStart; at < directoryStart + directorySize;) {
    if (at + 46 > end || view.getUint32(at, true) !== entrySignature) return unreadable;
    if (entries.length >= zipLimits.maxEntries) return { refusal: { key: "zipTooManyEntries", params: { count: String(zipLimits.maxEntries) } } };
    const method = view.getUint16(at + 10, true);
    let compressedSize = view.getUint32(at + 20, true);
    let uncompressedSize = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const localOffset = view.getUint32(at + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength));
    // Sizes of 0xFFFFFFFF are in the ZIP64 extra field (id 1): uncompressed first, then compressed.
    if (uncompressedSize === 0xffffffff || compressedSize === 0xffffffff) {
      const extra = at + 46 + nameLength;
      let field = extra;
      let found = false;
      while (field + 4 <= extra + extraLength) {
        const id = view.getUint16(field, true);
        const size = view.getUint16(field + 2, true);
        if (id === 1) {
          let next = field + 4;
          if (uncompressedSize === 0xffffffff) {
            uncompressedSize = Number(view.getBigUint64(next, true));
            next += 8;
          }
          if (compressedSize === 0xffffffff) compressedSize = Number(view.getBigUint64(next, true));
          found = true;
          break;
        }
        field += 4 + size;
      }
      if (!found) return unreadable;
    }
    total += uncompressedSize;
    if (total > zipLimits.maxUnpackedBytes) return { refusal: { key: "zipTooLarge", params: { mb: String(zipLimits.maxUnpackedBytes / 1024 / 1024) } } };
    if (localOffset + 30 > bytes.length || view.getUint32(localOffset, true) !== localSignature) return unreadable;
    const dataOffset = localOffset + 30 + view.getUint16(localOffset + 26, true) + view.getUint16(localOffset + 28, true);
    if (dataOffset + compressedSize > bytes.length) return unreadable;
    entries.push({ name, method, compressedSize, uncompressedSize, dataOffset });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return { entries };
}
