import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";

// Case bodies are Markdown written by editors and read by schools: rendered on the server, raw HTML
// never passes (markdown-it escapes it, sanitize-html drops anything else), links open nothing of ours.
// The same policy cleans the HTML of imported Moodle questions (questions/moodle-html.server.ts).

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

// markdown-it aligns table columns with style="text-align:…", which the CSP (style-src 'self')
// would block: it becomes a class instead, and no style attribute passes.
const alignClass: Record<string, string> = { left: "text-left", center: "text-center", right: "text-right" };
const alignCell: sanitizeHtml.Transformer = (tagName, attribs) => {
  const align = /text-align:\s*(left|center|right)/.exec(attribs.style ?? "")?.[1];
  const kept: sanitizeHtml.Attributes = align ? { class: alignClass[align] } : {};
  return { tagName, attribs: kept };
};

export const sanitizePolicy: sanitizeHtml.IOptions = {
  allowedTags: [
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
  ],
  allowedAttributes: { a: ["href", "title", "rel"], ol: ["start"], th: ["class"], td: ["class"] },
  allowedClasses: { th: Object.values(alignClass), td: Object.values(alignClass) },
  allowedSchemes: ["http", "https", "mailto"],
  allowProtocolRelative: false,
  transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer nofollow" }), th: alignCell, td: alignCell },
};

export function renderMarkdown(source: string) {
  return sanitizeHtml(markdown.render(source), sanitizePolicy);
}
