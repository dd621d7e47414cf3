import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { XMLBuilder } from "fast-xml-parser";
import type { TFunction } from "i18next";
import { translator } from "~/i18n/i18n";
import { optionLetters } from "~/modules/questions/schemas";
import { labelOf, questionSheet } from "~/modules/questions/import-rows";
import { giftEscape, parseGift } from "~/modules/questions/gift";
import { foreignRows, fromMoodleXml } from "~/modules/questions/moodle.server";
import { textToHtml } from "~/modules/questions/moodle-html.server";
import { weightsFit } from "~/modules/questions/weights";
import { mapSheetHeaders, unneutralise, type Sheet, type SheetRow } from "./sheet";
import { zipEntries, type ZipEntry } from "./zip.server";

// Reading and writing the import formats. Spreadsheets (XLSX, CSV) carry the bank's template
// columns; Moodle XML and GIFT (questions only) are translated to and from the same rows
// (questions/moodle.server.ts, questions/gift.ts), so one validation path serves all.

export type ImportFormat = "xlsx" | "csv" | "moodle" | "gift";

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
  const head = Buffer.from(bytes.subarray(0, 512))
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimStart();
  if (zip) return /\.xlsx$/i.test(fileName) ? "xlsx" : null;
  if (head.startsWith("<?xml") || head.startsWith("<quiz")) return /\.xml$/i.test(fileName) ? "moodle" : null;
  // Text without NUL bytes named .csv.
  if (/\.csv$/i.test(fileName) && !bytes.subarray(0, 4096).includes(0)) return "csv";
  // GIFT: text without NUL bytes named .gift or .txt.
  if (/\.(gift|txt)$/i.test(fileName) && !bytes.subarray(0, 4096).includes(0)) return "gift";
  return null;
}

function rowsFromTable(table: string[][], sheet: Sheet): SheetRow[] {
  const [header = [], ...body] = table;
  const { keys, missing } = mapSheetHeaders(
    sheet,
    header.map((h) => String(h ?? "")),
  );
  if (missing.length) throw new FormatError("missingColumns", { columns: missing.map((key) => sheet.columns.find((c) => c.key === key)!.zh).join("、") });
  // Blank rows were left out by the read worker (blank in every column, not only the template's).
  return body.map((cells) => Object.fromEntries(keys.flatMap((key, i) => (key ? [[key, unneutralise(String(cells[i] ?? ""))]] : []))));
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

type WorkerAnswer =
  { table: string[][] } | { questions: Record<string, unknown>[] } | { gift: string[] } | { refusal: { key: string; params: Record<string, string> } };

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

/**
 * The rows of an uploaded file, in the column keys of the bank's template; for Moodle XML and GIFT
 * also the notes (entries left out without an error). `t` (the uploader's language) names media.
 */
export async function readImport(
  bytes: Uint8Array,
  format: ImportFormat,
  sheet: Sheet = questionSheet,
  t: TFunction = translator("zh-CN"),
): Promise<{ rows: SheetRow[]; notes: { row: number; key: string }[] }> {
  const entries = format === "xlsx" ? checkZip(bytes) : [];
  const answer = await readInWorker(bytes, format, sheet, entries);
  if ("refusal" in answer) throw new FormatError(answer.refusal.key, answer.refusal.params);
  if ("questions" in answer) return foreignRows(answer.questions.map(fromMoodleXml), t);
  if ("gift" in answer) return foreignRows(parseGift(answer.gift), t);
  return { rows: rowsFromTable(answer.table, sheet), notes: [] };
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
  /** Choice questions: kept partial credit, percent per option (null: the letters say it all). */
  answerWeights?: number[] | null;
}

const html = (text: string) => ({ "@format": "html", text: textToHtml(text) });
const levelOrder = ["junior", "intermediate", "senior"];

/** A certificate level's category, as Moodle's importer creates it under the course's top category. */
export const levelCategory = (certificateCode: string, level: string) => `$course$/top/${certificateCode}/${labelOf("level", level)}`;

/** A fraction as Moodle writes it (up to 7 decimals, no trailing zeros). */
const fraction = (value: number) => String(Math.round(value * 1e7) / 1e7);

/** The grades of a choice question's options in percent: the kept weights, or right options sharing 100. */
export function optionFractions(q: Pick<ExportQuestion, "type" | "answer" | "options" | "answerWeights">) {
  if (weightsFit(q)) return q.answerWeights;
  const right = q.answer.split("");
  // 100 / k as Moodle's grade list has it (33.33333, 14.28571): k of them total 100 within its tolerance.
  return q.options.map((_, i) => (right.includes(optionLetters[i]) ? Math.round((100 / right.length) * 1e5) / 1e5 : 0));
}

/** The bank's questions grouped by level, as both exports write them (one category per level). */
export function byLevel<Q extends { level: string }>(questions: Q[]) {
  return levelOrder.flatMap((level) => questions.filter((q) => q.level === level)).concat(questions.filter((q) => !levelOrder.includes(q.level)));
}

/**
 * Questions as Moodle XML (quiz format), in the shape Moodle's importer expects (a category entry per
 * certificate level, HTML question text, grades from Moodle's list): importable by Moodle and back
 * into XCert, XCert's own fields travelling as tags `xcert:<field>:<value>`.
 */
export function toMoodleXml(questions: ExportQuestion[], certificateCode = "XCert") {
  const quiz: Record<string, unknown>[] = [];
  let level = "";
  byLevel(questions).forEach((q, index) => {
    if (q.level !== level) {
      level = q.level;
      quiz.push({ "@type": "category", category: { text: levelCategory(certificateCode, level) }, info: { "@format": "html", text: "" } });
    }
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
      questiontext: html(q.stem),
      generalfeedback: html(q.explanation),
      defaultgrade: "1.0000000",
      penalty: "0.3333333",
      hidden: 0,
      idnumber: "",
    };
    const tagged = { tags: { tag: tags } };
    switch (q.type) {
      case "single_choice":
      case "multiple_choice": {
        const fractions = optionFractions(q);
        quiz.push({
          "@type": "multichoice",
          ...base,
          single: q.type === "single_choice" ? "true" : "false",
          shuffleanswers: "false",
          answernumbering: "ABCD",
          showstandardinstruction: 0,
          answer: q.options.map((text, i) => ({
            "@fraction": fraction(fractions[i]),
            "@format": "html",
            text: textToHtml(text),
            feedback: { "@format": "html", text: "" },
          })),
          ...tagged,
        });
        return;
      }
      case "true_false":
        quiz.push({
          "@type": "truefalse",
          ...base,
          answer: [
            { "@fraction": q.answer === "true" ? "100" : "0", "@format": "moodle_auto_format", text: "true", feedback: { "@format": "html", text: "" } },
            { "@fraction": q.answer === "false" ? "100" : "0", "@format": "moodle_auto_format", text: "false", feedback: { "@format": "html", text: "" } },
          ],
          ...tagged,
        });
        return;
      case "fill_blank":
        quiz.push({
          "@type": "shortanswer",
          ...base,
          usecase: 0,
          answer: [{ "@fraction": "100", "@format": "plain_text", text: q.answer, feedback: { "@format": "html", text: "" } }],
          ...tagged,
        });
        return;
      default:
        quiz.push({
          "@type": "essay",
          ...base,
          responseformat: "editor",
          responserequired: 1,
          responsefieldlines: 15,
          attachments: 0,
          graderinfo: { "@format": "plain_text", text: q.answer },
          responsetemplate: { "@format": "plain_text", text: q.rubric },
          ...tagged,
        });
    }
  });
  const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@", format: true, suppressEmptyNode: false });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ quiz: { question: quiz } })}`;
}

/**
 * Questions as GIFT: a $CATEGORY line per certificate level, then each question; XCert's own fields
 * ride in a `// xcert: {…}` comment before it (Moodle ignores comments), so the file imports back
 * into XCert as the same bank.
 */
export function toGift(questions: ExportQuestion[], certificateCode = "XCert") {
  const out: string[] = [`// ${certificateCode}: exported by XCert`, ""];
  let level = "";
  byLevel(questions).forEach((q, index) => {
    if (q.level !== level) {
      level = q.level;
      out.push(`$CATEGORY: ${levelCategory(certificateCode, level)}`, "");
    }
    const tags = [
      ...q.tags,
      `xcert:level:${q.level}`,
      `xcert:difficulty:${q.difficulty}`,
      `xcert:pool:${q.pool}`,
      `xcert:visibility:${q.visibility}`,
      `xcert:type:${q.type}`,
      ...q.requirementCodes.map((code) => `xcert:req:${code}`),
    ];
    let answers: string;
    switch (q.type) {
      case "single_choice":
      case "multiple_choice": {
        const fractions = optionFractions(q);
        answers = q.options
          .map((option, i) =>
            q.type === "single_choice" && fractions[i] === 100
              ? `=${giftEscape(option)}`
              : `~${fractions[i] === 0 ? "" : `%${fraction(fractions[i])}%`}${giftEscape(option)}`,
          )
          .join(" ");
        break;
      }
      case "true_false":
        answers = q.answer === "true" ? "TRUE" : "FALSE";
        break;
      case "fill_blank":
        answers = `=${giftEscape(q.answer)}`;
        break;
      default:
        // Essay: the expected answer and the rubric travel in the xcert comment (GIFT has no field for them).
        answers = "";
    }
    const essay = q.type === "short_answer" || q.type === "practical" ? { answer: q.answer, rubric: q.rubric } : {};
    const general = q.explanation ? ` ####${giftEscape(q.explanation)}` : "";
    out.push(
      `// xcert: ${JSON.stringify({ tags, ...essay })}`,
      `::${giftEscape(`${labelOf("type", q.type)} ${index + 1}`)}::${giftEscape(q.stem)} {${answers}${general}}`,
      "",
    );
  });
  return out.join("\n");
}
