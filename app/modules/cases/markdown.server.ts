import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";

// Case bodies are Markdown written by editors and read by schools: rendered on the server, raw HTML
// never passes (markdown-it escapes it, sanitize-html drops anything else), links open nothing of ours.

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

const policy: sanitizeHtml.IOptions = {
  allowedTags: ["h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "strong", "em", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td"],
  allowedAttributes: { a: ["href", "title", "rel"], ol: ["start"], th: ["style"], td: ["style"] },
  // Only the column alignment markdown-it writes on table cells.
  allowedStyles: { th: { "text-align": [/^(left|right|center)$/] }, td: { "text-align": [/^(left|right|center)$/] } },
  allowedSchemes: ["http", "https", "mailto"],
  allowProtocolRelative: false,
  transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer nofollow" }) },
};

export function renderMarkdown(source: string) {
  return sanitizeHtml(markdown.render(source), policy);
}
