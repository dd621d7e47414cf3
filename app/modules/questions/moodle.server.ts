import { fileTypeFromBuffer } from "file-type";
import type { TFunction } from "i18next";
import { optionLetters } from "~/modules/questions/schemas";
import type { SheetRow } from "~/modules/imports/sheet";
import { htmlToText } from "./moodle-html.server";

// Moodle XML and GIFT, as Moodle and teachers write them, → the question template's rows (decision
// 049). Both formats are first read into ForeignQuestion (the worker parses the XML; gift.ts parses
// GIFT), so one mapping serves both. A question XCert cannot take is not dropped: its row carries a
// problem (`__problem`), reported with the question's number and name like any row error, and the
// user may then import the rest, skipping the listed ones. Entries without content (Moodle
// descriptions) carry a note (`__note`) and no question. Row fields that are not template columns
// start with "__".

export interface ForeignAnswer {
  text: string;
  format: string;
  /** The grade in percent as the file wrote it ("100", "33.33333", "-50"). */
  fraction: string;
  /** Numerical questions: the accepted error. */
  tolerance?: string;
}

export interface ForeignQuestion {
  /** Moodle's qtype: multichoice, truefalse, shortanswer, essay, numerical, description, category, … */
  type: string;
  name: string;
  idnumber: string;
  text: string;
  format: string;
  generalFeedback: string;
  generalFeedbackFormat: string;
  /** multichoice: one answer (true) or several (false). */
  single: boolean;
  answers: ForeignAnswer[];
  graderInfo: string;
  graderInfoFormat: string;
  responseTemplate: string;
  tags: string[];
  /** Embedded files (`@@PLUGINFILE@@`), base64 as in the file. */
  files: { name: string; base64: string }[];
  /** category entries: the category's path. */
  category?: string;
}

/** One file kept for a question: stored at the import's move (questions/attachments.server.ts). */
export interface StagedAttachment {
  fileName: string;
  contentType: string;
  base64: string;
}

/** Files a question may carry, by the type detected from their bytes. */
export const attachmentTypes = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "audio/mpeg",
  "audio/ogg",
  "audio/wav",
  "audio/x-wav",
  "audio/mp4",
  "audio/x-m4a",
  "audio/aac",
  "audio/webm",
  "video/mp4",
  "video/webm",
];
const maxAttachmentBytes = 20 * 1024 * 1024;

/** The grades Moodle accepts (question_bank::fraction_options_full, in percent), negative ones too. */
const moodleGrades = [100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0];
export function isMoodleGrade(fraction: number) {
  return Number.isFinite(fraction) && moodleGrades.some((grade) => Math.abs(Math.abs(fraction) - grade) < 0.0001);
}

/** Moodle's own category prefixes ($course$/top/…, $system$/…), left out of the tag. */
export function categoryTag(path: string) {
  const parts = path
    .replace(/^\$(?:course|system|module|cat\d*|quiz)\$\/?/i, "")
    .split("/")
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts[0]?.toLowerCase() === "top") parts.shift();
  // A tag is one word of at most 40 characters (the tags field splits at spaces): the path's end is kept.
  const tag = parts.join("/").replace(/\s+/g, "_");
  return tag.length > 40 ? tag.slice(-40) : tag;
}

const typeNames: Record<string, string> = {
  multianswer: "cloze (multianswer)",
  cloze: "cloze (multianswer)",
  match: "matching",
  matching: "matching",
  randomsamatch: "random short-answer matching",
  ddwtos: "drag and drop into text",
  ddimageortext: "drag and drop onto image",
  ddmarker: "drag and drop markers",
  gapselect: "select missing words",
  calculated: "calculated",
  calculatedsimple: "simple calculated",
  calculatedmulti: "calculated multichoice",
  random: "random",
  ordering: "ordering",
};

type Problem = { key: string; params?: Record<string, string> };

function problemRow(number: number, name: string, problem: Problem): SheetRow {
  return { __number: String(number), __name: name, __problem: JSON.stringify(problem) };
}

/**
 * Mapped entries: the rows (questions and problems, numbered by their place among the file's
 * questions) and the notes. `t` names embedded media in the uploader's language.
 */
export async function foreignRows(entries: ForeignQuestion[], t: TFunction) {
  const rows: SheetRow[] = [];
  const notes: { row: number; key: string }[] = [];
  let category = "";
  let number = 0;
  const media = (kind: string, name: string) => t(`moodle.media.${kind}`, { name });
  const text = (value: string, format: string) => (format === "html" ? htmlToText(value, media) : value.trim());
  for (const [i, q] of entries.entries()) {
    // Cleaning HTML is CPU work in the server's thread: let it answer other requests meanwhile.
    if (i % 250 === 249) await new Promise((resolve) => setImmediate(resolve));
    if (q.type === "category") {
      category = categoryTag(q.category ?? "");
      continue;
    }
    number++;
    const name = q.name.trim() || t("moodle.unnamed", { number });
    if (q.type === "description") {
      notes.push({ row: number, key: "description" });
      continue;
    }
    const mapped = await mapQuestion(q, number, category, text, t);
    rows.push("problem" in mapped ? problemRow(number, name, mapped.problem) : { ...mapped.row, __number: String(number), __name: name });
  }
  return { rows, notes };
}

async function mapQuestion(
  q: ForeignQuestion,
  number: number,
  category: string,
  text: (value: string, format: string) => string,
  t: TFunction,
): Promise<{ row: SheetRow } | { problem: Problem }> {
  const xcertTags = q.tags.filter((tag) => tag.startsWith("xcert:"));
  const own = (field: string) => xcertTags.find((tag) => tag.startsWith(`xcert:${field}:`))?.slice(field.length + 7);
  // A file XCert wrote carries its own fields as tags and its categories are its levels: nothing to add.
  const fromXcert = xcertTags.length > 0;
  const explanation = [
    text(q.generalFeedback, q.generalFeedbackFormat),
    fromXcert
      ? ""
      : [q.name.trim() ? t("moodle.nameNote", { name: q.name.trim() }) : "", q.idnumber.trim() ? t("moodle.idNote", { id: q.idnumber.trim() }) : ""]
          .filter(Boolean)
          .join(" · "),
  ]
    .filter(Boolean)
    .join("\n\n");
  const tags = [...q.tags.filter((tag) => !tag.startsWith("xcert:")).map((tag) => tag.trim().replace(/\s+/g, "_")), fromXcert ? "" : category].filter(Boolean);
  const row: SheetRow = {
    stem: text(q.text, q.format),
    explanation,
    level: own("level"),
    difficulty: own("difficulty"),
    pool: own("pool"),
    visibility: own("visibility"),
    requirements: xcertTags
      .filter((tag) => tag.startsWith("xcert:req:"))
      .map((tag) => tag.slice(10))
      .join(";"),
    tags: [...new Set(tags)].join(","),
  };
  const fractions = q.answers.map((answer) => Number(answer.fraction || "0"));
  const invalid = q.answers.find(
    (answer, i) => !isMoodleGrade(fractions[i]) && !(q.type === "numerical" || q.type === "shortanswer" ? fractions[i] >= 0 && fractions[i] <= 100 : false),
  );
  if (invalid) return { problem: { key: "invalidGrade", params: { grade: invalid.fraction } } };
  switch (q.type) {
    case "multichoice": {
      if (q.answers.length > optionLetters.length)
        return { problem: { key: "tooManyOptions", params: { count: String(q.answers.length), max: String(optionLetters.length) } } };
      if (q.answers.length < 2) return { problem: { key: "tooFewOptions" } };
      const positive = fractions.reduce((sum, f) => sum + (f > 0 ? f : 0), 0);
      const full = q.single ? fractions.some((f) => Math.abs(f - 100) < 0.0001) : Math.abs(positive - 100) < 0.01;
      if (!full) return { problem: { key: q.single ? "noFullyCorrect" : "fractionsNot100" } };
      q.answers.forEach((answer, i) => (row[`option${optionLetters[i]}`] = text(answer.text, answer.format)));
      const right = q.single
        ? fractions.map((f, i) => (Math.abs(f - 100) < 0.0001 ? i : -1)).filter((i) => i >= 0)
        : fractions.map((f, i) => (f > 0 ? i : -1)).filter((i) => i >= 0);
      row.type = right.length > 1 ? "multiple_choice" : "single_choice";
      row.answer = right.map((i) => optionLetters[i]).join("");
      // Partial credit and penalties are kept in the answer key when they say more than the letters.
      const plain = fractions.every((f, i) => (right.includes(i) ? Math.abs(f - 100 / right.length) < 0.01 : f === 0));
      if (!plain) row.__weights = JSON.stringify(fractions.map((f) => Math.round(f * 1e5) / 1e5));
      break;
    }
    case "truefalse": {
      const answer = q.answers.find((a, i) => fractions[i] === 100);
      if (!answer) return { problem: { key: "noFullyCorrect" } };
      row.type = "true_false";
      row.answer = text(answer.text, answer.format).toLowerCase();
      break;
    }
    case "shortanswer":
    case "numerical": {
      const right = q.answers.filter((a, i) => fractions[i] === 100);
      if (!right.length) return { problem: { key: "noFullyCorrect" } };
      row.type = "fill_blank";
      row.answer = right
        .map((a) => {
          const value = text(a.text, a.format);
          const tolerance = Number(a.tolerance ?? 0);
          return q.type === "numerical" && tolerance ? `${value} ±${a.tolerance!.trim()}` : value;
        })
        .join(" | ");
      break;
    }
    case "essay": {
      row.type = own("type") === "practical" ? "practical" : "short_answer";
      row.answer = text(q.graderInfo, q.graderInfoFormat) || t("moodle.noGraderInfo");
      row.rubric = own("type") === "practical" ? text(q.responseTemplate, "plain_text") : "";
      break;
    }
    case "unreadable":
      return { problem: { key: "unreadableQuestion" } };
    default:
      return { problem: { key: "unsupportedType", params: { type: typeNames[q.type] ?? q.type } } };
  }
  // Embedded files: every one kept, or the question is listed (never silently without its media).
  const attachments: StagedAttachment[] = [];
  for (const file of q.files) {
    const bytes = Buffer.from(file.base64.replace(/\s+/g, ""), "base64");
    if (bytes.length > maxAttachmentBytes)
      return { problem: { key: "fileTooLarge", params: { name: file.name, mb: String(maxAttachmentBytes / 1024 / 1024) } } };
    const detected = await fileTypeFromBuffer(bytes);
    if (!detected || !attachmentTypes.includes(detected.mime)) return { problem: { key: "unsupportedFile", params: { name: file.name } } };
    attachments.push({ fileName: file.name.slice(0, 200), contentType: detected.mime, base64: bytes.toString("base64") });
  }
  if (attachments.length) row.__attachments = JSON.stringify(attachments);
  void number;
  return { row };
}

// ---------------------------------------------------------------------------------------------------
// Moodle XML as the read worker parsed it (fast-xml-parser, attributes prefixed "@") → ForeignQuestion.

type Node = Record<string, unknown> | string | undefined;

function textOf(node: unknown): string {
  if (node === undefined || node === null) return "";
  if (typeof node === "string" || typeof node === "number") return String(node);
  const value = (node as { text?: unknown }).text;
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return String((value as { "#text"?: unknown })["#text"] ?? "");
  return String(value);
}

const formatOf = (node: unknown, fallback = "html") => String((node as { "@format"?: string } | undefined)?.["@format"] ?? fallback);

function filesOf(...nodes: unknown[]) {
  return nodes.flatMap((node) =>
    ((node as { file?: Record<string, unknown>[] } | undefined)?.file ?? []).map((file) => ({
      name: String(file["@name"] ?? ""),
      base64: String(file["#text"] ?? ""),
    })),
  );
}

/** The worker's parse of one `<question>` → ForeignQuestion. */
export function fromMoodleXml(q: Record<string, unknown>): ForeignQuestion {
  const answers = (q.answer as Record<string, unknown>[] | undefined) ?? [];
  const type = String(q["@type"] ?? "");
  return {
    type,
    name: textOf(q.name as Node),
    idnumber: typeof q.idnumber === "string" ? q.idnumber : "",
    text: textOf(q.questiontext),
    format: formatOf(q.questiontext),
    generalFeedback: textOf(q.generalfeedback),
    generalFeedbackFormat: formatOf(q.generalfeedback),
    single: String(q.single ?? "true").trim() !== "false" && String(q.single ?? "true").trim() !== "0",
    answers: answers.map((answer) => ({
      text: textOf(answer),
      // Moodle writes true/false and numerical answers without a format: their text is plain.
      format: formatOf(answer, "plain_text"),
      fraction: String(answer["@fraction"] ?? "0").trim(),
      tolerance: answer.tolerance === undefined ? undefined : String(answer.tolerance),
    })),
    graderInfo: textOf(q.graderinfo),
    graderInfoFormat: formatOf(q.graderinfo),
    responseTemplate: textOf(q.responsetemplate),
    tags: ((q.tags as { tag?: unknown[] } | undefined)?.tag ?? []).map(textOf),
    files: filesOf(q.questiontext, q.generalfeedback, ...answers, ...answers.map((a) => a.feedback)),
    category: type === "category" ? textOf(q.category) : undefined,
  };
}
