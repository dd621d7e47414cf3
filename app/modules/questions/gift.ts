import type { ForeignAnswer, ForeignQuestion } from "./moodle.server";

// GIFT, Moodle's plain-text question format (docs.moodle.org/en/GIFT_format), read and written for
// the types XCert models: multiple choice (= right, ~ wrong, ~%50% partial credit; no "=" at all
// means several answers), true/false ({T} {F}), short answer ({=a =b}), numerical ({#3.14:0.01},
// {#1..5}), essay ({}); matching ({=a -> b}) and anything else is reported as unsupported. Title
// ::…::, [html]/[markdown]/[plain] formats, #feedback and ####general feedback, $CATEGORY: lines,
// and the escapes \~ \= \# \{ \} \: \\ \n. No library in the registry list fits (the one GIFT parser
// there is a PEG.js build of little use), so this is a small parser with its tests (decision 050).
// The read worker splits the file into blocks (one question or one $CATEGORY line each).

const specials = "~=#{}:\\";

/** Text as GIFT writes it: specials escaped, line breaks as \n (a blank line would end the question). */
export function giftEscape(text: string) {
  let out = "";
  for (const ch of text) out += specials.includes(ch) ? `\\${ch}` : ch;
  return out.replace(/\r?\n/g, "\\n");
}

function unescape(text: string) {
  return text.replace(/\\(.)/gs, (_, ch: string) => (ch === "n" ? "\n" : ch));
}

/** Splits where `test` holds at an unescaped character (the delimiter kept at the start of each piece), as Moodle splits answers at every unescaped = and ~. */
function splitAt(text: string, test: (text: string, i: number) => boolean) {
  const pieces: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\") {
      i++;
      continue;
    }
    if (i > start && test(text, i)) {
      pieces.push(text.slice(start, i));
      start = i;
    }
  }
  pieces.push(text.slice(start));
  return pieces;
}

/** The index of the first unescaped `ch` at or after `from`, or -1. */
function indexOfUnescaped(text: string, ch: string, from = 0) {
  for (let i = from; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === ch) return i;
  }
  return -1;
}

function formatted(raw: string) {
  const match = /^\s*\[(html|markdown|plain|moodle)\]/i.exec(raw);
  const format = match ? match[1].toLowerCase() : "moodle";
  return { format: format === "plain" ? "plain_text" : format === "moodle" ? "moodle_auto_format" : format, text: match ? raw.slice(match[0].length) : raw };
}

/** "text#feedback" → the text (the answer's own feedback is not kept). */
const withoutFeedback = (raw: string) => {
  const hash = indexOfUnescaped(raw, "#");
  return hash < 0 ? raw : raw.slice(0, hash);
};

const emptyQuestion = (): ForeignQuestion => ({
  type: "",
  name: "",
  idnumber: "",
  text: "",
  format: "moodle_auto_format",
  generalFeedback: "",
  generalFeedbackFormat: "moodle_auto_format",
  single: true,
  answers: [],
  graderInfo: "",
  graderInfoFormat: "plain_text",
  responseTemplate: "",
  tags: [],
  files: [],
});

/**
 * Comments of the form `// xcert: {json}` carry XCert's own fields (tags as its Moodle XML has them;
 * an essay's expected answer and rubric), written by XCert's GIFT export.
 */
function xcertComment(comments: string[]): { tags: string[]; answer?: string; rubric?: string } {
  for (const line of comments) {
    const json = /^\s*\/\/\s*xcert:\s*(\{.*\})\s*$/.exec(line)?.[1];
    if (!json) continue;
    try {
      const value = JSON.parse(json) as { tags?: unknown; answer?: unknown; rubric?: unknown };
      return {
        tags: Array.isArray(value.tags) ? value.tags.map(String) : [],
        answer: typeof value.answer === "string" ? value.answer : undefined,
        rubric: typeof value.rubric === "string" ? value.rubric : undefined,
      };
    } catch {
      // An unreadable comment is only a comment.
    }
  }
  return { tags: [] };
}

/** One block of a GIFT file → a question, a category entry, or null (a block of comments only). */
export function parseGiftBlock(block: string): ForeignQuestion | null {
  const lines = block.split(/\r?\n/);
  const comments = lines.filter((line) => /^\s*\/\//.test(line));
  const body = lines
    .filter((line) => !/^\s*\/\//.test(line))
    .join("\n")
    .trim();
  if (!body) return null;
  const q = emptyQuestion();
  const own = xcertComment(comments);
  q.tags = own.tags;
  const category = /^\$CATEGORY:\s*(.*)$/i.exec(body);
  if (category) return { ...q, type: "category", category: category[1].trim() };
  let rest = body;
  const title = /^::((?:\\.|[^\\])*?)::/s.exec(rest);
  if (title) {
    q.name = unescape(title[1]).trim();
    rest = rest.slice(title[0].length);
  }
  const open = indexOfUnescaped(rest, "{");
  if (open < 0) {
    // Text alone is a description in Moodle.
    const { text, format } = formatted(rest);
    return { ...q, type: "description", text: unescape(text).trim(), format };
  }
  const close = indexOfUnescaped(rest, "}", open);
  if (close < 0) return { ...q, type: "unreadable" };
  const before = rest.slice(0, open);
  const after = rest.slice(close + 1).trim();
  const { text, format } = formatted(before);
  // A missing-word question keeps its blank where the answers stood.
  q.text = unescape(after ? `${text.trimEnd()} ____ ${after}` : text).trim();
  q.format = format;
  let inner = rest.slice(open + 1, close).trim();
  // ####general feedback, at the end of the answers.
  const general = inner.indexOf("####");
  if (general >= 0) {
    const feedback = formatted(inner.slice(general + 4));
    q.generalFeedback = unescape(feedback.text).trim();
    q.generalFeedbackFormat = feedback.format;
    inner = inner.slice(0, general).trim();
  }
  if (!inner) return { ...q, type: "essay", graderInfo: own.answer ?? "", responseTemplate: own.rubric ?? "" };
  const tf = /^(T|TRUE|F|FALSE)\s*(#.*)?$/is.exec(inner);
  if (tf) {
    const value = tf[1].toUpperCase().startsWith("T");
    return { ...q, type: "truefalse", answers: [answer("true", value ? "100" : "0"), answer("false", value ? "0" : "100")] };
  }
  if (inner.startsWith("#")) return { ...q, type: "numerical", answers: numericalAnswers(inner.slice(1)) };
  const pieces = splitAt(inner, (s, i) => s[i] === "=" || s[i] === "~")
    .map((p) => p.trim())
    .filter(Boolean);
  if (!pieces.length || pieces.some((p) => p[0] !== "=" && p[0] !== "~")) return { ...q, type: "unreadable" };
  if (pieces.some((p) => p[0] === "=" && /(?:^|[^\\])->/.test(p))) return { ...q, type: "match" };
  const parsed = pieces.map((piece) => {
    const weight = /^[=~]%(-?\d+(?:\.\d+)?)%/.exec(piece);
    const raw = withoutFeedback(weight ? piece.slice(weight[0].length) : piece.slice(1));
    const value = formatted(raw);
    return { right: piece[0] === "=", fraction: weight ? weight[1] : piece[0] === "=" ? "100" : "0", text: unescape(value.text).trim(), format: value.format };
  });
  if (parsed.every((p) => p.right)) return { ...q, type: "shortanswer", answers: parsed.map((p) => answer(p.text, p.fraction, p.format)) };
  return { ...q, type: "multichoice", single: parsed.some((p) => p.right), answers: parsed.map((p) => answer(p.text, p.fraction, p.format)) };
}

function answer(text: string, fraction: string, format = "plain_text"): ForeignAnswer {
  return { text, fraction, format };
}

/** {#3.14:0.01}, {#1..5}, {#=3.14:0.01 =%50%3:0.5} → answers with tolerance. */
function numericalAnswers(inner: string): ForeignAnswer[] {
  const pieces = /^\s*=/.test(inner) ? splitAt(inner.trim(), (s, i) => s[i] === "=" || s[i] === "~") : [`=${inner}`];
  return pieces.map((piece) => {
    const weight = /^[=~]%(-?\d+(?:\.\d+)?)%/.exec(piece.trim());
    const value = unescape(withoutFeedback(piece.trim().slice(weight ? weight[0].length : 1))).trim();
    const fraction = weight ? weight[1] : piece.trim()[0] === "=" ? "100" : "0";
    const range = /^(-?[\d.]+)\.\.(-?[\d.]+)$/.exec(value);
    if (range) {
      const [low, high] = [Number(range[1]), Number(range[2])];
      return { text: String((low + high) / 2), fraction, format: "plain_text", tolerance: String((high - low) / 2) };
    }
    const [number, tolerance] = value.split(":");
    return { text: number.trim(), fraction, format: "plain_text", tolerance: tolerance?.trim() ?? "0" };
  });
}

/** Every block of a file (as the read worker split it) → entries in order; comment-only blocks dropped. */
export function parseGift(blocks: string[]): ForeignQuestion[] {
  return blocks.map(parseGiftBlock).filter((q): q is ForeignQuestion => q !== null);
}
