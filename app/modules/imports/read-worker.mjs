// Reads an uploaded import file into a table, in a worker thread with a bounded heap (decision 020):
// a hostile file can exhaust this worker, never the server. Plain JavaScript run by Node as it is,
// because the server build is one bundle and a worker needs a file of its own
// (app/modules/imports/formats.server.ts starts it and turns its answer into rows).
//
// In: workerData { bytes, format: "xlsx" | "csv" | "moodle" | "gift", entries (the zip's, for xlsx), limits,
// names (the template's header names, lower-cased) }.
// Out: { table } (header row first, then the non-blank rows, only the columns whose header names a
// template column), { questions } (Moodle XML), { gift } (GIFT blocks), or { refusal: { key, params } } (a message key).

import { Buffer } from "node:buffer";
import { createRequire } from "node:module";
import path from "node:path";
import { Readable } from "node:stream";
import { TextDecoder } from "node:util";
import { parentPort, workerData } from "node:worker_threads";
import zlib from "node:zlib";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import Papa from "papaparse";

// ExcelJS's streaming reader decodes each chunk of a part on its own, so a character cut by a chunk
// boundary comes out as two U+FFFD. This worker reads one part at a time, so one streaming decoder
// serves them all; it replaces ExcelJS's before ExcelJS loads the function.
const require = createRequire(import.meta.url);
const decoder = new TextDecoder("utf-8");
require(path.join(path.dirname(require.resolve("exceljs")), "lib/utils/browser-buffer-decode.js")).bufferToString = (chunk) =>
  typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
const { default: ExcelJS } = await import("exceljs");

const { bytes, format, entries, limits, names } = workerData;

class Refusal {
  constructor(key, params = {}) {
    this.key = key;
    this.params = params;
  }
}

const tooManyRows = () => new Refusal("tooManyRows", { count: limits.maxRows.toLocaleString("en-US") });
const tooManyCells = () => new Refusal("tooManyCells", { count: limits.maxCells.toLocaleString("en-US") });

/** Keeps the columns whose header names a template column, and counts rows and cells against the limits. */
function tableBuilder() {
  const table = [];
  let keep = null;
  let cells = 0;
  return {
    table,
    /** `row`: the cells of one row, in column order (holes for empty cells). */
    add(row, header) {
      for (const cell of row) if (cell !== undefined && cell !== "") cells++;
      if (cells > limits.maxCells) throw tooManyCells();
      if (header) {
        keep = row.flatMap((cell, i) =>
          names.includes(String(cell ?? "").trim()) ||
          names.includes(
            String(cell ?? "")
              .trim()
              .toLowerCase(),
          )
            ? [i]
            : [],
        );
        table.push(keep.map((i) => String(row[i] ?? "")));
        return;
      }
      if (!row.some((cell) => String(cell ?? "").trim() !== "")) return;
      if (table.length > limits.maxRows) throw tooManyRows();
      table.push(keep.map((i) => String(row[i] ?? "")));
    },
  };
}

/**
 * Each entry unpacks to exactly what it declares: the declared sizes were checked before this worker
 * started, so the true ones are bounded too (a zip that lies is refused after at most its declared size).
 */
async function checkUnpackedSizes() {
  for (const entry of entries) {
    const data = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
    if (entry.method === 0) {
      if (data.length !== entry.uncompressedSize) throw new Refusal("unreadable");
      continue;
    }
    if (entry.method !== 8) throw new Refusal("unreadable");
    const size = await new Promise((resolve, reject) => {
      let unpacked = 0;
      const inflate = zlib.createInflateRaw();
      inflate.on("data", (chunk) => {
        unpacked += chunk.length;
        if (unpacked > entry.uncompressedSize) {
          inflate.destroy();
          reject(new Refusal("unreadable"));
        }
      });
      inflate.on("end", () => resolve(unpacked));
      inflate.on("error", () => reject(new Refusal("unreadable")));
      inflate.end(data);
    });
    if (size !== entry.uncompressedSize) throw new Refusal("unreadable");
  }
}

function cellText(value) {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((part) => part.text).join("");
    if ("text" in value) return String(value.text);
    if ("result" in value) return String(value.result ?? "");
  }
  return String(value);
}

/** The first sheet (in the workbook's order), row by row with ExcelJS's streaming reader. */
async function readXlsx() {
  await checkUnpackedSizes();
  const builder = tableBuilder();
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]), {
    worksheets: "emit",
    sharedStrings: "cache",
    styles: "cache", // dates are known by their number format
    hyperlinks: "ignore",
    entries: "ignore",
  });
  try {
    for await (const worksheet of reader) {
      const first = reader.model?.sheets?.[0]?.name;
      if (first && worksheet.name && worksheet.name !== first) continue;
      let header = true;
      for await (const row of worksheet) {
        // Row 1 is the header; a sheet whose row 1 is empty has none (missing columns are reported).
        if (header) {
          builder.add(row.number === 1 ? row.values.slice(1).map(cellText) : [], true);
          header = false;
          if (row.number === 1) continue;
        }
        const cells = [];
        row.values.forEach((value, column) => (cells[column - 1] = cellText(value)));
        builder.add(cells, false);
      }
      return builder.table;
    }
  } catch (error) {
    throw error instanceof Refusal ? error : new Refusal("unreadable");
  }
  throw new Refusal("empty");
}

function readCsv() {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes).replace(/^\uFEFF/, "");
  const builder = tableBuilder();
  let refusal = null;
  let header = true;
  Papa.parse(text, {
    skipEmptyLines: "greedy",
    step: (result, parser) => {
      try {
        if (result.errors.some((e) => e.type === "Quotes")) throw new Refusal("unreadable");
        builder.add(result.data, header);
        header = false;
      } catch (error) {
        refusal = error;
        parser.abort();
      }
    },
  });
  if (refusal) throw refusal;
  return builder.table;
}

/**
 * Moodle XML → its entries in the file's order, category entries included (they set the tags of the
 * questions after them) and embedded <file> elements kept as base64; formats.server.ts maps them.
 */
function readMoodle() {
  const xml = new TextDecoder().decode(bytes);
  // No DTDs, no entities beyond XML's own: an external entity is refused, not resolved.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new Refusal("unreadable");
  // The parser is lenient (an unclosed or mismatched tag still gives a tree): a file that is not
  // well-formed XML is refused as a whole rather than read as questions without their answers.
  if (XMLValidator.validate(xml) !== true) throw new Refusal("unreadable");
  let document;
  try {
    document = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: "@",
      isArray: (name) => ["question", "answer", "tag", "file", "subquestion"].includes(name),
      processEntities: true,
      htmlEntities: false,
      parseTagValue: false,
      trimValues: false,
    }).parse(xml);
  } catch {
    throw new Refusal("unreadable");
  }
  if (!document.quiz) throw new Refusal("unreadable");
  const questions = document.quiz.question ?? [];
  if (questions.filter((q) => q["@type"] !== "category").length > limits.maxRows) throw tooManyRows();
  return questions;
}

/**
 * GIFT → its blocks (a question with its comment lines, a $CATEGORY line), split at blank lines; each
 * block is parsed by app/modules/questions/gift.ts. A blank line inside braces does not split.
 */
function readGift() {
  const text = new TextDecoder("utf-8").decode(bytes).replace(/^\uFEFF/, "");
  const blocks = [];
  let current = [];
  let depth = 0;
  const flush = () => {
    const block = current.join("\n").trim();
    if (block) {
      blocks.push(block);
      if (blocks.length > limits.maxRows) throw tooManyRows();
    }
    current = [];
  };
  for (const line of text.split(/\r?\n/)) {
    // Comment lines stay with their question (XCert's own fields ride in one), braces in them not counted.
    if (depth === 0 && /^\s*\/\//.test(line)) {
      current.push(line);
      continue;
    }
    if (depth === 0 && line.trim() === "") {
      flush();
      continue;
    }
    if (depth === 0 && /^\s*\$CATEGORY:/i.test(line)) {
      flush();
      current.push(line);
      flush();
      continue;
    }
    current.push(line);
    for (let i = 0; i < line.length; i++) {
      if (line[i] === "\\") i++;
      else if (line[i] === "{") depth++;
      else if (line[i] === "}") depth = Math.max(0, depth - 1);
    }
  }
  flush();
  return blocks;
}

try {
  if (format === "xlsx") parentPort.postMessage({ table: await readXlsx() });
  else if (format === "csv") parentPort.postMessage({ table: readCsv() });
  else if (format === "gift") parentPort.postMessage({ gift: readGift() });
  else parentPort.postMessage({ questions: readMoodle() });
} catch (error) {
  if (!(error instanceof Refusal)) throw error;
  parentPort.postMessage({ refusal: { key: error.key, params: error.params } });
}
