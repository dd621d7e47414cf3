// Reading server-rendered HTML by data-testid, as a user reads the page (not for nested elements of one tag).

function element(html: string, testId: string) {
  const match = new RegExp(`<([a-z][a-z0-9]*)\\b([^>]*\\bdata-testid="${testId}"[^>]*)>`).exec(html);
  if (!match) throw new Error(`no element with data-testid="${testId}"`);
  return { tag: match[1], attributes: match[2], end: match.index + match[0].length };
}

/** The element's text: tags and React's `<!-- -->` separators dropped, entities of text decoded. */
export function testIdText(html: string, testId: string) {
  const { tag, end } = element(html, testId);
  const close = html.indexOf(`</${tag}>`, end);
  return html
    .slice(end, close)
    .replace(/<[^>]*>/g, "")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'");
}

/** An attribute of the element, or null. */
export function testIdAttribute(html: string, testId: string, name: string) {
  const match = new RegExp(`\\b${name}="([^"]*)"`).exec(element(html, testId).attributes);
  return match ? match[1] : null;
}
