import zlib from "node:zlib";

// Builds zip files by hand for the import-limit tests (decision 020): each entry deflated from
// chunks, so a sheet of hundreds of megabytes is never held whole, and with the sizes its directory
// declares under the test's control (a zip that lies about them).

export interface ZipInput {
  name: string;
  /** The entry's content: a string, or chunks (a chunk given `repeat` times, for a bomb). */
  data: string | { chunks: Iterable<Buffer> };
  /** The uncompressed size to declare instead of the true one. */
  declare?: number;
}

async function deflate(chunks: Iterable<Buffer>) {
  const out: Buffer[] = [];
  let size = 0;
  let crc = 0;
  const stream = zlib.createDeflateRaw({ level: 9 });
  stream.on("data", (chunk: Buffer) => out.push(chunk));
  const done = new Promise((resolve, reject) => stream.on("end", resolve).on("error", reject));
  for (const chunk of chunks) {
    size += chunk.length;
    crc = zlib.crc32(chunk, crc);
    if (!stream.write(chunk)) await new Promise((resolve) => stream.once("drain", resolve));
  }
  stream.end();
  await done;
  return { compressed: Buffer.concat(out), size, crc };
}

/** `chunk` `times` times over (lazily). */
export function* repeated(chunk: string, times: number) {
  const bytes = Buffer.from(chunk);
  for (let i = 0; i < times; i++) yield bytes;
}

export async function buildZip(entries: ZipInput[]) {
  const locals: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const { compressed, size, crc } = await deflate(typeof entry.data === "string" ? [Buffer.from(entry.data)] : entry.data.chunks);
    const declared = entry.declare ?? size;
    const name = Buffer.from(entry.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(declared, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    directory.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directoryBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directoryBytes, end]));
}

const main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/**
 * An XLSX of one sheet: `header` as row 1, then `row` (the XML of one row) `times` times, so a
 * sheet of millions of tiny cells deflates to a few hundred kilobytes. `declare` overrides the
 * sheet's declared unpacked size.
 */
export function sheetXlsx(header: string[], row: string, times: number, declare?: number) {
  const cell = (text: string, column: number, rowNumber: number) =>
    `<c r="${String.fromCharCode(65 + column)}${rowNumber}" t="inlineStr"><is><t>${text}</t></is></c>`;
  const head = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="${main}"><sheetData><row r="1">${header.map((h, i) => cell(h, i, 1)).join("")}</row>`;
  // Rows in chunks of about 1 MB.
  const perChunk = Math.max(1, Math.floor(1_000_000 / row.length));
  function* chunks() {
    yield Buffer.from(head);
    for (let left = times; left > 0; left -= perChunk) yield Buffer.from(row.repeat(Math.min(perChunk, left)));
    yield Buffer.from("</sheetData></worksheet>");
  }
  return buildZip([
    {
      name: "[Content_Types].xml",
      data: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
    },
    {
      name: "xl/workbook.xml",
      data: `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${main}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="题库" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: "xl/_rels/workbook.xml.rels",
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    },
    { name: "xl/sharedStrings.xml", data: `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${main}" count="0" uniqueCount="0"/>` },
    { name: "xl/worksheets/sheet1.xml", data: { chunks: chunks() }, declare },
  ]);
}
