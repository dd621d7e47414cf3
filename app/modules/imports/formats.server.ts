import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { XMLBuilder } from "fast-xml-parser";
import { optionLetters } from "~/modules/questions/schemas";
import { labelOf, questionSheet, type QuestionRow } from "~/modules/questions/import-rows";
import { mapSheetHeaders, unneutralise, type Sheet, type SheetRow } from "./sheet";
import { zipEntries, type ZipEntry } from "./zip.server";

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
  // Blank rows were left out by the read worker (blank in every column, not only the template's).
  return body.map((cells) => Object.fromEntries(keys.flatMap((key, i) => (key ? [[key, unneutralise(String(cells[i] ?? ""))]] : []))));
}

function textOf(node: unknown): string {
  if (node === undefined || node === null) return "";
  if (typeof node === "string" || typeof node === "number") return String(node);
  const text = (node as { text?: unknown }).text;
  const value = typeof text === "object" && text !== null ? ((text as { "#text"?: unknown })["#text"] ?? "") : (text ?? "");
  const format = (node as { "@format"?: string })["@format"];
  const raw = String(value);
  return format === "html" ? raw.replace(/<br\s*\/?>/gi, "\n").replace(/<[^>]+>/g, "").trim() : raw;
}

/** Moodle questions (as the read worker parsed them) → template rows. XCert's own fields travel as tags `xcert:<field>:<value>`. */
function moodleRows(questions: Record<string, unknown>[]): QuestionRow[] {
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

/** Bounds on what one import may read (decision 020). */
export const readLimits = {
  /** Rows of data (the header and blank rows not counted); Moodle questions. */
  maxRows: 200_000,
  /** Non-empty cells in the whole sheet, every column counted: 200,000 rows of 50. */
  maxCells: 10_000_000,
  /** The read worker's heap; what it cannot read within it is refused. */
  workerHeapMb: 512,
  /** The read worker's time; a file it cannot read in it is refused. */
  workerSeconds: 300,
};

/** The read worker (plain JavaScript, loaded by Node as it is): found from the project root, from the source as from the server build. */
const readWorkerFile = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, "app/modules/imports/read-worker.mjs");
})();

type WorkerAnswer = { table: string[][] } | { questions: Record<string, unknown>[] } | { refusal: { key: string; params: Record<string, string> } };

/**
 * Reads the file in a worker thread with a bounded heap and time: a file that would take more is
 * refused (FormatError), and the server goes on answering meanwhile. Anything else that stops the
 * worker is thrown as it is (the job is tried again, at most three times).
 */
async function readInWorker(bytes: Uint8Array, format: ImportFormat, sheet: Sheet, entries: ZipEntry[]): Promise<WorkerAnswer> {
  const names = sheet.columns.flatMap((c) => [c.zh, c.en.toLowerCase(), c.key.toLowerCase()]);
  // ExcelJS may park a sheet in a temporary file: in a directory of this read, removed after it.
  const tmp = await mkdtemp(path.join(os.tmpdir(), "xcert-import-"));
  try {
    return await new Promise<WorkerAnswer>((resolve, reject) => {
      const worker = new Worker(readWorkerFile, {
        workerData: { bytes, format, entries, limits: { maxRows: readLimits.maxRows, maxCells: readLimits.maxCells }, names },
        resourceLimits: { maxOldGenerationSizeMb: readLimits.workerHeapMb, maxYoungGenerationSizeMb: 32 },
        env: { ...process.env, TMPDIR: tmp },
      });
      const timer = setTimeout(() => {
        reject(new FormatError("tooSlow", { minutes: String(readLimits.workerSeconds / 60) }));
        void worker.terminate();
      }, readLimits.workerSeconds * 1000);
      worker.once("message", (answer: WorkerAnswer) => {
        clearTimeout(timer);
        resolve(answer);
        void worker.terminate();
      });
      worker.once("error", (error: Error & { code?: string }) => {
        clearTimeout(timer);
        if (error.code === "ERR_WORKER_OUT_OF_MEMORY") reject(new FormatError("tooMuchMemory", { mb: String(readLimits.workerHeapMb) }));
        else reject(error);
      });
      worker.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the import read worker exited with ${code} without an answer`));
      });
    });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** An XLSX's parts as its zip declares them, or a FormatError: too large unpacked, too many parts, broken. */
export function checkZip(bytes: Uint8Array) {
  const result = zipEntries(bytes);
  if ("refusal" in result) throw new FormatError(result.refusal.key, result.refusal.params);
  return result.entries;
}

/** The rows of an uploaded file, in the column keys of the bank's template. */
export async function readRows(bytes: Uint8Array, format: ImportFormat, sheet: Sheet = questionSheet): Promise<SheetRow[]> {
  const entries = format === "xlsx" ? checkZip(bytes) : [];
  const answer = await readInWorker(bytes, format, sheet, entries);
  if ("refusal" in answer) throw new FormatError(answer.refusal.key, answer.refusal.params);
  if ("questions" in answer) return moodleRows(answer.questions);
  return rowsFromTable(answer.table, sheet);
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
