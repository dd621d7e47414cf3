import ExcelJS from "exceljs";
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import Papa from "papaparse";
import { optionLetters } from "~/modules/questions/schemas";
import { labelOf, questionSheet, type QuestionRow } from "./question-rows";
import { mapSheetHeaders, unneutralise, type Sheet, type SheetRow } from "./sheet";

// Reading and writing the import formats. Spreadsheets (XLSX, CSV) carry the bank's template
// columns; Moodle XML (questions only) is translated to and from the same rows, so one validation
// path serves all.

export type ImportFormat = "xlsx" | "csv" | "moodle";

/** A file that cannot be read as rows; `key` names a message under `<bank>.import.`. */
export class FormatError extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string> = {},
  ) {
    super(key);
  }
}

/** The format a file really is, from its first bytes (never from its name alone). */
export function detectFormat(bytes: Uint8Array, fileName: string): ImportFormat | null {
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  const head = Buffer.from(bytes.subarray(0, 512)).toString("utf8").replace(/^\uFEFF/, "").trimStart();
  if (zip) return /\.xlsx$/i.test(fileName) ? "xlsx" : null;
  if (head.startsWith("<?xml") || head.startsWith("<quiz")) return /\.xml$/i.test(fileName) ? "moodle" : null;
  // Text without NUL bytes named .csv.
  if (/\.csv$/i.test(fileName) && !bytes.subarray(0, 4096).includes(0)) return "csv";
  return null;
}

function rowsFromTable(table: string[][], sheet: Sheet): SheetRow[] {
  const [header = [], ...body] = table;
  const { keys, missing } = mapSheetHeaders(sheet, header.map((h) => String(h ?? "")));
  if (missing.length) throw new FormatError("missingColumns", { columns: missing.map((key) => sheet.columns.find((c) => c.key === key)!.zh).join("、") });
  return body
    .filter((cells) => cells.some((cell) => String(cell ?? "").trim() !== ""))
    .map((cells) => Object.fromEntries(keys.flatMap((key, i) => (key ? [[key, unneutralise(String(cells[i] ?? ""))]] : []))));
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((part) => part.text).join("");
    if ("text" in value) return String(value.text);
    if ("result" in value) return String(value.result ?? "");
    if (value instanceof Date) return value.toISOString().slice(0, 10);
  }
  return String(value);
}

async function readXlsx(bytes: Uint8Array) {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new FormatError("unreadable");
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new FormatError("empty");
  const table: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, number) => {
    const values = row.values as ExcelJS.CellValue[];
    table[number - 1] = values.slice(1).map(cellText);
  });
  for (let i = 0; i < table.length; i++) table[i] ??= [];
  return table;
}

function readCsv(bytes: Uint8Array) {
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes).replace(/^\uFEFF/, "");
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: "greedy" });
  if (parsed.errors.some((e) => e.type === "Quotes")) throw new FormatError("unreadable");
  return parsed.data;
}

const xmlOptions = { ignoreAttributes: false, attributeNamePrefix: "@", isArray: (name: string) => ["question", "answer", "tag"].includes(name) };

function textOf(node: unknown): string {
  if (node === undefined || node === null) return "";
  if (typeof node === "string" || typeof node === "number") return String(node);
  const text = (node as { text?: unknown }).text;
  const value = typeof text === "object" && text !== null ? ((text as { "#text"?: unknown })["#text"] ?? "") : (text ?? "");
  const format = (node as { "@format"?: string })["@format"];
  const raw = String(value);
  return format === "html" ? raw.replace(/<br\s*\/?>/gi, "\n").replace(/<[^>]+>/g, "").trim() : raw;
}

/** Moodle XML → template rows. XCert's own fields travel as tags `xcert:<field>:<value>`. */
function readMoodle(bytes: Uint8Array): QuestionRow[] {
  const xml = new TextDecoder().decode(bytes);
  // No DTDs, no entities beyond XML's own: an external entity is refused, not resolved.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new FormatError("unreadable");
  let document: { quiz?: { question?: Record<string, unknown>[] } };
  try {
    document = new XMLParser({ ...xmlOptions, processEntities: true, parseTagValue: false }).parse(xml);
  } catch {
    throw new FormatError("unreadable");
  }
  const questions = (document.quiz?.question ?? []).filter((q) => q["@type"] !== "category");
  return questions.map((q) => {
    const tags = ((q.tags as { tag?: unknown[] } | undefined)?.tag ?? []).map(textOf);
    const own = (field: string) => tags.find((tag) => tag.startsWith(`xcert:${field}:`))?.slice(field.length + 7);
    const answers = (q.answer as Record<string, unknown>[] | undefined) ?? [];
    const moodleType = String(q["@type"]);
    const row: QuestionRow = {
      stem: textOf(q.questiontext),
      explanation: textOf(q.generalfeedback),
      level: own("level"),
      difficulty: own("difficulty"),
      pool: own("pool"),
      visibility: own("visibility"),
      requirements: tags.filter((tag) => tag.startsWith("xcert:req:")).map((tag) => tag.slice(10)).join(";"),
      tags: tags.filter((tag) => !tag.startsWith("xcert:")).join(","),
    };
    if (moodleType === "multichoice") {
      row.type = String(q.single) === "false" ? "multiple_choice" : "single_choice";
      answers.forEach((answer, i) => (row[`option${optionLetters[i]}`] = textOf(answer)));
      row.answer = answers.flatMap((answer, i) => (Number(answer["@fraction"]) > 0 ? [optionLetters[i]] : [])).join("");
    } else if (moodleType === "truefalse") {
      row.type = "true_false";
      const right = answers.find((answer) => Number(answer["@fraction"]) > 0);
      row.answer = textOf(right).toLowerCase();
    } else if (moodleType === "shortanswer") {
      row.type = "fill_blank";
      row.answer = textOf(answers.find((answer) => Number(answer["@fraction"]) > 0) ?? answers[0]);
    } else if (moodleType === "essay") {
      row.type = own("type") === "practical" ? "practical" : "short_answer";
      row.answer = textOf(q.graderinfo);
      row.rubric = own("type") === "practical" ? textOf(q.responsetemplate) : "";
    } else {
      row.type = moodleType; // refused by validation with the row's number
    }
    return row;
  });
}

/** The rows of an uploaded file, in the column keys of the bank's template. */
export async function readRows(bytes: Uint8Array, format: ImportFormat, sheet: Sheet = questionSheet): Promise<SheetRow[]> {
  if (format === "moodle") return readMoodle(bytes);
  return rowsFromTable(format === "xlsx" ? await readXlsx(bytes) : readCsv(bytes), sheet);
}

export interface ExportQuestion {
  type: string;
  stem: string;
  options: string[];
  answer: string;
  explanation: string;
  rubric: string;
  difficulty: number;
  level: string;
  requirementCodes: string[];
  tags: string[];
  pool: string;
  visibility: string;
}

const plain = (text: string) => ({ "@format": "plain_text", text });

/** Questions as Moodle XML (quiz format), importable by Moodle and back into XCert. */
export function toMoodleXml(questions: ExportQuestion[]) {
  const quiz = questions.map((q, index) => {
    const tags = [
      ...q.tags,
      `xcert:level:${q.level}`,
      `xcert:difficulty:${q.difficulty}`,
      `xcert:pool:${q.pool}`,
      `xcert:visibility:${q.visibility}`,
      `xcert:type:${q.type}`,
      ...q.requirementCodes.map((code) => `xcert:req:${code}`),
    ].map((text) => ({ text }));
    const base = {
      name: { text: `${labelOf("type", q.type)} ${index + 1}` },
      questiontext: plain(q.stem),
      generalfeedback: plain(q.explanation),
      defaultgrade: 1,
      tags: { tag: tags },
    };
    switch (q.type) {
      case "single_choice":
      case "multiple_choice": {
        const right = q.answer.split("");
        return {
          "@type": "multichoice",
          ...base,
          single: q.type === "single_choice" ? "true" : "false",
          shuffleanswers: 0,
          answernumbering: "ABCD",
          answer: q.options.map((text, i) => ({
            "@fraction": right.includes(optionLetters[i]) ? (q.type === "single_choice" ? "100" : String(Math.round((100 / right.length) * 1e5) / 1e5)) : "0",
            "@format": "plain_text",
            text,
          })),
        };
      }
      case "true_false":
        return {
          "@type": "truefalse",
          ...base,
          answer: [
            { "@fraction": q.answer === "true" ? "100" : "0", text: "true" },
            { "@fraction": q.answer === "false" ? "100" : "0", text: "false" },
          ],
        };
      case "fill_blank":
        return { "@type": "shortanswer", ...base, usecase: 0, answer: [{ "@fraction": "100", "@format": "plain_text", text: q.answer }] };
      default:
        return { "@type": "essay", ...base, responseformat: "editor", graderinfo: plain(q.answer), responsetemplate: plain(q.rubric) };
    }
  });
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@", format: true, suppressEmptyNode: false });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ quiz: { question: quiz } })}`;
}
