import { DomUtils, parseDocument } from "htmlparser2";
import { resources } from "../../app/i18n/i18n";
import type { HttpClient } from "./app";

type Document = ReturnType<typeof parseDocument>;
type Node = Document["children"][number];
type Element = ReturnType<typeof DomUtils.getElementsByTagName>[number];

/** One thing wrong, where: for a broken link, `from` holds a page of each kind that showed it. */
export interface Problem {
  crawl: string;
  url: string;
  from: string[];
  problem: string;
}

export interface CrawlOptions {
  /** Who and in which language, as the report names the crawl (e.g. "org-admin zh-CN"). */
  name: string;
  client: HttpClient;
  /** A signed-in crawl must never be sent to /login. */
  signedIn: boolean;
  /** Where a user starts: the landing page, and the addresses the README gives to type in. */
  entryPoints: string[];
  /** English UI phrases that must not show on a page (the zh-CN crawls), see englishOnlyPhrases. */
  englishPhrases: string[];
  /** At most this many URLs of one route pattern per crawl, beyond the first link of each kind (see enqueue). */
  perPattern: number;
  /** At most this many requests per crawl. */
  maxRequests: number;
  /** Crawls of one workspace take turns at a list's items: this crawl's number. */
  turn: number;
}

export interface CrawlResult {
  problems: Problem[];
  requests: number;
  pages: number;
  downloads: number;
  /** URLs seen but not requested because their route pattern was at its bound. */
  bounded: number;
  /** The HTML pages that answered 2xx. */
  visited: string[];
}

// Links the crawler never requests: they change state (or only redirect after doing so).
const stateChanging = [/^\/logout$/, /^\/set-language$/, /^\/webhooks\//];

/**
 * Breadth-first from the entry points, the way a user without JavaScript would click: every internal
 * link and every GET form (with its default values), every download link requested; each URL once.
 */
export async function crawl(options: CrawlOptions): Promise<CrawlResult> {
  const { client, name } = options;
  const base = new URL(client.base);
  const faults: { url: string; problem: string; link: boolean }[] = [];
  // A link problem is the link's fault wherever it is shown; a page problem is the page's.
  const report = (url: string, problem: string, link = true) => faults.push({ url, problem, link });
  const pagePattern = (url: string) => routePattern(new URL(new URL(url, base).pathname, base));
  const result = { requests: 0, pages: 0, downloads: 0, bounded: 0, visited: [] as string[] };
  const seen = new Set<string>();
  const queue: { url: string; download: boolean }[] = [];
  // url -> kind of page that linked it -> one such page
  const linkedFrom = new Map<string, Map<string, string>>();
  const perPattern = new Map<string, number>();
  const linkKinds = new Set<string>();

  // A URL is requested when its route pattern has been requested fewer than perPattern times, or when
  // it is the first link from this kind of page (its path's pattern) to that pattern: every kind of link
  // a page shows is followed at least once, since relative links from different pages can land on one
  // pattern. A download's pattern keeps its query's values (format=csv, format=xlsx).
  const enqueue = (url: URL, from: string, download: boolean) => {
    const key = normalize(url);
    const pattern = routePattern(url, { values: download });
    const fromPattern = pagePattern(from);
    const sources = linkedFrom.get(key) ?? new Map<string, string>();
    if (!sources.has(fromPattern)) sources.set(fromPattern, from);
    linkedFrom.set(key, sources);
    if (seen.has(key)) return;
    seen.add(key);
    const count = perPattern.get(pattern) ?? 0;
    const linkKind = `${fromPattern} -> ${pattern}`;
    if (count >= options.perPattern && linkKinds.has(linkKind)) {
      result.bounded++;
      return;
    }
    perPattern.set(pattern, count + 1);
    linkKinds.add(linkKind);
    queue.push({ url: key, download });
  };

  // GET and follow redirects as a browser would; a redirect to a URL already visited ends there.
  const follow = async (start: string): Promise<{ url: string; response: Response } | null> => {
    let url = start;
    for (let hops = 0; hops < 5; hops++) {
      const response = await client.get(url);
      result.requests++;
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) return { url, response };
      await response.body?.cancel();
      const target = new URL(location, new URL(url, base));
      if (options.signedIn && target.pathname === "/login") {
        report(url, "sends a signed-in user to /login");
        return null;
      }
      if (target.origin !== base.origin || excluded(target)) return null;
      const next = normalize(target);
      linkedFrom.set(next, linkedFrom.get(next) ?? new Map([[pagePattern(url), url]]));
      if (seen.has(next)) return null;
      seen.add(next);
      url = next;
    }
    report(start, "redirects more than 5 times");
    return null;
  };

  for (const entry of options.entryPoints) enqueue(new URL(entry, base), entry, false);
  while (queue.length > 0) {
    if (result.requests >= options.maxRequests) {
      // Not a fault of the app, but what is left would go unchecked: raise the bound instead.
      report(queue[0].url, `crawl stopped at ${options.maxRequests} requests with ${queue.length} URLs left (raise maxRequests)`);
      break;
    }
    const { url: start, download } = queue.shift()!;
    const answer = await follow(start);
    if (!answer) continue;
    const { url, response } = answer;
    const type = response.headers.get("content-type") ?? "";
    const disposition = response.headers.get("content-disposition") ?? "";

    if (download || /attachment/i.test(disposition) || /text\/csv|spreadsheetml|ms-excel|(application|text)\/xml|octet-stream|pdf/i.test(type)) {
      result.downloads++;
      await response.arrayBuffer();
      const fileName = dispositionFileName(disposition);
      if (response.status >= 400) report(url, `download answers ${response.status}`);
      else if (/text\/html/i.test(type)) report(url, "download answers an HTML page (text/html), not a file");
      else if (fileName && /\.html?$/i.test(fileName)) report(url, `download is named ${fileName}`);
      continue;
    }
    if (!/text\/html/i.test(type)) {
      // Event streams never end; other answers (JSON) are only checked for their status.
      await response.body?.cancel();
      if (response.status >= 400) report(url, `answers ${response.status}`);
      continue;
    }
    const html = await response.text();
    result.pages++;
    if (response.status >= 400) {
      // An error page behind a link the user was shown (a 403 too: the link should not be shown).
      report(url, `answers ${response.status}`);
      continue;
    }
    result.visited.push(url);
    const document = parseDocument(html);
    for (const problem of checkPage(document, options.englishPhrases)) report(url, problem, false);
    const here = new URL(url, base);
    for (const link of sample(links(document, here), options.turn * options.perPattern))
      if (link.url.origin === base.origin && !excluded(link.url)) enqueue(link.url, url, link.download);
  }
  const problems = faults.map(({ url, problem, link }) => ({ crawl: name, url, problem, from: link ? [...(linkedFrom.get(url)?.values() ?? [])] : [] }));
  return { problems, ...result };
}

/**
 * The checks every HTML page passes: a title of its own ending in the product's name, an h1, and no
 * untranslated text (the title included: on a zh-CN page that is what makes the title localized).
 */
export function checkPage(document: Document, englishPhrases: string[] = []): string[] {
  const problems: string[] = [];
  const titleElement = DomUtils.findOne((e) => e.name === "title", document.children);
  const title = titleElement ? DomUtils.textContent(titleElement).trim() : "";
  if (!titleElement || title === "") problems.push("no <title>");
  else if (title === "XCert") problems.push('<title> is just "XCert"');
  else if (!/XCert$/.test(title)) problems.push(`<title> "${title}" does not end in "XCert"`);
  if (!DomUtils.findOne((e) => e.name === "h1", document.children)) problems.push("no <h1>");

  const text = visibleText(document);
  const keys = [...new Set(untranslatedKeys(text))];
  if (keys.length > 0) problems.push(`untranslated key ${keys.map((k) => `"${k}"`).join(", ")}`);
  const english = [...new Set(englishPhrases.filter((phrase) => containsPhrase(text, phrase)))];
  if (english.length > 0) problems.push(`English UI text ${english.map((p) => `"${p}"`).join(", ")}`);
  return problems;
}

/**
 * What a reader sees or hears: the title, text outside script/style/template, and the labels that live in
 * attributes (button values, placeholders, aria-label, title, alt). One line per piece.
 */
export function visibleText(document: Document): string {
  const parts: string[] = [];
  const walk = (nodes: Node[]) => {
    for (const node of nodes) {
      if (node.type === "text") parts.push(node.data);
      else if (DomUtils.isTag(node)) {
        if (["script", "style", "template", "noscript"].includes(node.name)) continue;
        for (const attribute of ["placeholder", "aria-label", "title", "alt"]) if (node.attribs[attribute]) parts.push(node.attribs[attribute]);
        if (node.name === "input" && ["submit", "button", "reset"].includes(node.attribs.type) && node.attribs.value) parts.push(node.attribs.value);
        walk(node.children);
      }
    }
  };
  walk(document.children);
  return parts
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter(Boolean)
    .join("\n");
}

// Not keys: file names, domain names. Their last part is a file extension or a top-level domain.
const fileExtensions = new Set([
  "xlsx",
  "xls",
  "csv",
  "xml",
  "md",
  "pdf",
  "json",
  "txt",
  "html",
  "htm",
  "docx",
  "doc",
  "pptx",
  "ppt",
  "png",
  "jpg",
  "jpeg",
  "gif",
  "svg",
  "zip",
  "mp4",
  "webp",
]);
const topLevelDomains = new Set(["test", "com", "cn", "net", "org", "io", "edu", "gov", "example", "invalid", "localhost", "local"]);

/**
 * Dotted lower-case identifiers as i18next shows a missing key (`fee_disclosure.publish`,
 * `questions.import.badFile`): runs of ASCII letters, digits and `_` joined by dots, each part starting
 * with a letter (so not version numbers), the first part lower-case. Not e-mail addresses (an `@` in the
 * run), URLs and paths (`://`, a leading `/`), file names and domain names (by their last part).
 */
export function untranslatedKeys(text: string): string[] {
  const found: string[] = [];
  for (const [run] of text.matchAll(/[\w@.:/%+-]+/g)) {
    if (run.includes("@") || run.includes("://") || run.startsWith("/") || run.startsWith("www.")) continue;
    const candidate = run.replace(/^[.:\-/]+|[.:\-/]+$/g, "");
    const parts = candidate.split(".");
    if (parts.length < 2) continue;
    if (!/^[a-z]\w+$/.test(parts[0]) || !parts.every((part) => /^[A-Za-z]\w+$/.test(part))) continue;
    const last = parts[parts.length - 1].toLowerCase();
    if (fileExtensions.has(last) || topLevelDomains.has(last)) continue;
    found.push(candidate);
  }
  return found;
}

function containsPhrase(text: string, phrase: string) {
  let from = 0;
  for (;;) {
    const at = text.indexOf(phrase, from);
    if (at < 0) return false;
    const before = text[at - 1] ?? "";
    const after = text[at + phrase.length] ?? "";
    if (!/[A-Za-z0-9]/.test(before) && !/[A-Za-z0-9]/.test(after)) return true;
    from = at + 1;
  }
}

type Tree = { [key: string]: string | Tree };
const values = (tree: Tree): string[] => Object.values(tree).flatMap((v) => (typeof v === "string" ? [v] : values(v)));

// Words that are the same in both languages (product and format names); the zh-CN catalogue uses most
// of them too, these are the ones it happens not to.
const sameInBothLanguages = new Set([
  "XCert",
  "CSV",
  "XLSX",
  "PDF",
  "Moodle XML",
  "Markdown",
  "Excel",
  "PowerPoint",
  "Word",
  "Alipay",
  "ISBN",
  "MP4",
  "PNG",
  "JSON",
]);

/**
 * The English catalogue's UI text that must not show on a zh-CN page. Each English value is cut at its
 * interpolations (`{{count}}`), markup (`<1>`) and line breaks; a piece is kept when it is
 *   - two or more words, or one capitalised word of at least five letters ("Overview", "Members"):
 *     shorter and lower-case single words ("No", "as", "item") are too ambiguous to mean untranslated UI;
 *   - not an acronym or product name that is the same in both languages (CSV, XCert, Markdown …);
 *   - nowhere in the zh-CN catalogue (which uses some English words itself, e.g. "Moodle XML").
 */
export function englishOnlyPhrases(): string[] {
  const english = values(resources.en.translation as unknown as Tree);
  const chinese = values(resources["zh-CN"].translation as unknown as Tree).join("\n");
  const phrases = new Set<string>();
  for (const value of english)
    for (const piece of value.split(/\{\{[^}]*\}\}|<\/?\d+>|\n/)) {
      const phrase = piece.replace(/^[\s,.;:!?()"'“”‘’·…\-–—/]+|[\s,.;:!?()"'“”‘’·…\-–—/]+$/g, "");
      if (!/[A-Za-z]/.test(phrase)) continue;
      const words = phrase.split(/\s+/);
      if (words.length === 1 && !/^[A-Z][a-z]{4,}$/.test(phrase)) continue;
      if (sameInBothLanguages.has(phrase) || /^[A-Z0-9]+$/.test(phrase)) continue;
      if (containsPhrase(chinese, phrase)) continue;
      phrases.add(phrase);
    }
  return [...phrases];
}

/**
 * A page's links with those of each route pattern put in the order this crawl opens them: by their text,
 * not by their place on the page (lists tie-break on random ids, and what a run checks must not change
 * from one run to the next), then rotated by the crawl's turn, so that the crawls of one workspace open
 * different items of a list between them.
 */
function sample<T extends { url: URL; download: boolean; text: string }>(shown: T[], offset: number): T[] {
  const byPattern = new Map<string, T[]>();
  for (const link of shown) {
    const pattern = routePattern(link.url, { values: link.download });
    byPattern.set(pattern, [...(byPattern.get(pattern) ?? []), link]);
  }
  return [...byPattern.values()].flatMap((group) => {
    const sorted = group.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    const start = offset % sorted.length;
    return [...sorted.slice(start), ...sorted.slice(0, start)];
  });
}

/** The link targets (with their text) and GET form submissions of a page, resolved against its URL. */
export function links(document: Document, here: URL): { url: URL; download: boolean; text: string }[] {
  const found: { url: URL; download: boolean; text: string }[] = [];
  for (const a of DomUtils.findAll((e) => (e.name === "a" || e.name === "area") && e.attribs.href !== undefined, document.children)) {
    const href = a.attribs.href.trim();
    if (href === "" || href.startsWith("#") || /^(mailto|tel|javascript|data):/i.test(href)) continue;
    let url: URL;
    try {
      url = new URL(href, here);
    } catch {
      continue;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") continue;
    found.push({ url, download: a.attribs.download !== undefined, text: DomUtils.textContent(a).trim() });
  }
  for (const form of DomUtils.findAll((e) => e.name === "form", document.children)) {
    if ((form.attribs.method ?? "get").toLowerCase() !== "get") continue;
    const submission = defaultSubmission(form, here);
    if (submission) found.push({ url: submission, download: false, text: "" });
  }
  return found;
}

/**
 * A GET form submitted as it stands: inputs with their values (checked boxes only), each select's
 * selected or first option, textareas' text, the first submit button's name. A form a browser would not
 * submit (a required field left empty) is not submitted.
 */
function defaultSubmission(form: Element, here: URL): URL | null {
  const action = new URL(form.attribs.action ?? "", here);
  const query = new URLSearchParams();
  let submitter = false;
  for (const field of DomUtils.findAll((e) => ["input", "select", "textarea", "button"].includes(e.name), form.children)) {
    const { name } = field.attribs;
    if (field.attribs.disabled !== undefined) continue;
    const type = (field.attribs.type ?? (field.name === "button" ? "submit" : "text")).toLowerCase();
    if (field.name === "button" || (field.name === "input" && ["submit", "image"].includes(type))) {
      if (!submitter && type === "submit" && name) query.append(name, field.attribs.value ?? "");
      submitter ||= type === "submit" || type === "image";
      continue;
    }
    if (!name) continue;
    let value: string | null;
    if (field.name === "select") {
      const options = DomUtils.findAll((e) => e.name === "option", field.children);
      const option = options.find((o) => o.attribs.selected !== undefined) ?? options[0];
      value = option ? (option.attribs.value ?? DomUtils.textContent(option).trim()) : null;
    } else if (field.name === "textarea") value = DomUtils.textContent(field);
    else if (["checkbox", "radio"].includes(type)) value = field.attribs.checked !== undefined ? (field.attribs.value ?? "on") : null;
    else if (["button", "reset", "file"].includes(type)) value = null;
    else value = field.attribs.value ?? "";
    if (value === null) continue;
    if (value === "" && field.attribs.required !== undefined) return null;
    query.append(name, value);
  }
  action.search = query.toString();
  action.hash = "";
  return action;
}

function excluded(url: URL) {
  return stateChanging.some((pattern) => pattern.test(url.pathname));
}

/** Path and query, the query's parameters sorted, no fragment: one URL is visited once. */
function normalize(url: URL) {
  const query = new URLSearchParams(url.search);
  query.sort();
  const search = query.toString();
  return url.pathname + (search ? `?${search}` : "");
}

const idLike = (value: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) || /^\d+$/.test(value) || (value.length >= 16 && /\d/.test(value));

/**
 * The route a URL shows: ids (UUIDs, numbers, long tokens) in its path replaced, its query's keys
 * without their values, or with them (ids replaced, empty ones left out) when `values` is set.
 */
export function routePattern(url: URL, { values = false } = {}) {
  const path = url.pathname
    .split("/")
    .map((segment) => (idLike(segment) ? ":id" : segment))
    .join("/");
  const query = new URLSearchParams(url.search);
  query.sort();
  const keys = [
    ...new Set([...query].filter(([, value]) => !values || value !== "").map(([key, value]) => (values ? `${key}=${idLike(value) ? ":id" : value}` : key))),
  ];
  return keys.length ? `${path}?${keys.join("&")}` : path;
}

function dispositionFileName(disposition: string) {
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ""));
    } catch {
      return star[1];
    }
  }
  const plain = /filename=("?)([^";]+)\1/i.exec(disposition);
  return plain ? plain[2] : null;
}
