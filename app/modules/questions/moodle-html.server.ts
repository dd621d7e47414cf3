import sanitizeHtml from "sanitize-html";
import { sanitizePolicy } from "~/modules/cases/markdown.server";

// Moodle keeps question text as HTML; XCert keeps it as formatted text (Markdown, rendered and
// sanitized again by the case bank's renderer when shown). The HTML is cleaned with the case bank's
// policy first, so only its tags (headings, paragraphs, emphasis, lists, tables, links, code) reach
// the conversion below, in the shape sanitize-html writes them; embedded media become a mention of
// the file (the file itself is kept as the question's attachment). Decision 049.

/** Media references Moodle writes into its HTML: `@@PLUGINFILE@@/name` (URL-encoded). */
const pluginFile = /@@PLUGINFILE@@\/([^"'?#\s>]+)/;

function mediaName(tag: string) {
  const src = /\s(?:src|href)\s*=\s*["']([^"']*)["']/i.exec(tag)?.[1] ?? "";
  const local = pluginFile.exec(src)?.[1];
  if (local) {
    try {
      return decodeURIComponent(local);
    } catch {
      return local;
    }
  }
  return src;
}

const policy: sanitizeHtml.IOptions = {
  ...sanitizePolicy,
  // Moodle's editors write <b>/<i> as often as <strong>/<em>.
  transformTags: { ...sanitizePolicy.transformTags, b: "strong", i: "em", strike: "s" },
};

const decode = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#0*39;|&apos;/g, "'")
    .replace(/&nbsp;|\u00a0/g, " ")
    .replace(/&amp;/g, "&");

function list(inner: string, ordered: boolean) {
  let n = 0;
  return `\n\n${inner.replace(/<li>([\s\S]*?)<\/li>/g, (_, item: string) => `${ordered ? `${++n}.` : "-"} ${item.trim()}\n`).trim()}\n\n`;
}

function table(inner: string) {
  const rows = [...inner.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1].replace(/\|/g, "\\|").trim()),
  );
  if (!rows.length) return "";
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return `\n\n${[line(rows[0]), line(rows[0].map(() => "---")), ...rows.slice(1).map(line)].join("\n")}\n\n`;
}

/**
 * Moodle HTML → XCert's formatted text, entities decoded. `media` names a mention of an embedded file
 * in the uploader's language (e.g. "[图片：a.png]").
 */
export function htmlToText(html: string, media: (kind: "image" | "audio" | "video" | "file", name: string) => string): string {
  const withMedia = html
    // Raw line breaks in HTML source are spaces; <br> and blocks make the lines.
    .replace(/\s*[\r\n]+\s*/g, " ")
    .replace(/<img\b[^>]*>/gi, (tag) => media("image", mediaName(tag)))
    .replace(/<(audio|video)\b[^>]*>[\s\S]*?<\/\1>/gi, (tag, kind: string) =>
      media(kind.toLowerCase() as "audio" | "video", mediaName(/<source\b[^>]*>/i.exec(tag)?.[0] ?? tag)),
    )
    .replace(/<a\b[^>]*@@PLUGINFILE@@[^>]*>[\s\S]*?<\/a>/gi, (tag) => media(/\.(mp3|ogg|wav|m4a|aac|oga)\b/i.test(tag) ? "audio" : "file", mediaName(tag)));
  let s = sanitizeHtml(withMedia, policy);
  s = s
    .replace(/<pre>(?:<code>)?([\s\S]*?)(?:<\/code>)?<\/pre>/g, (_, code: string) => `\n\n\`\`\`\n${code.replace(/<br \/>/g, "\n")}\n\`\`\`\n\n`)
    .replace(/<h([1-6])>([\s\S]*?)<\/h\1>/g, (_, level: string, inner: string) => `\n\n${"#".repeat(Number(level))} ${inner.trim()}\n\n`)
    .replace(/<strong>([\s\S]*?)<\/strong>/g, "**$1**")
    .replace(/<em>([\s\S]*?)<\/em>/g, "*$1*")
    .replace(/<(?:s|del)>([\s\S]*?)<\/(?:s|del)>/g, "~~$1~~")
    .replace(/<code>([\s\S]*?)<\/code>/g, "`$1`")
    .replace(/<a [^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g, (_, href: string, text: string) => (text.trim() ? `[${text.trim()}](${href})` : href))
    .replace(/<table>([\s\S]*?)<\/table>/g, (_, inner: string) => table(inner))
    .replace(/<hr \/>/g, "\n\n---\n\n")
    .replace(/<br \/>/g, "\n")
    .replace(
      /<blockquote>([\s\S]*?)<\/blockquote>/g,
      (_, inner: string) =>
        `\n\n${inner
          .replace(/<\/?p>/g, "\n")
          .trim()
          .split("\n")
          .map((line) => `> ${line}`)
          .join("\n")}\n\n`,
    );
  // Lists from the innermost out.
  for (let guard = 0; guard < 20 && /<(ul|ol)[^>]*>/.test(s); guard++)
    s = s.replace(/<(ul|ol)[^>]*>((?:(?!<(?:ul|ol)[ >])[\s\S])*?)<\/\1>/g, (_, tag: string, inner: string) => list(inner, tag === "ol"));
  s = s.replace(/<p>([\s\S]*?)<\/p>/g, "\n\n$1\n\n").replace(/<[^>]+>/g, "");
  return decode(s)
    .split("\n")
    .map((line) => line.replace(/[ \t]+$/, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** XCert's text as HTML for Moodle: escaped, line breaks as <br>, so it reads back as the same text. */
export function textToHtml(text: string) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r?\n/g, "<br>");
}
