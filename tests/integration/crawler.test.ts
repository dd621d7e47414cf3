import { parseDocument } from "htmlparser2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { owner } from "../support/db";
import { checkPage, crawl, englishOnlyPhrases, links, routePattern, untranslatedKeys, type Problem } from "../support/crawler";

// The anonymous visitor and every demo account of the README, each starting at the landing page (the
// public fee pages and the committee's pages must be linked from there); `reaches` is a page the crawl
// must get to, so that a crawl stopped at a login or an empty menu cannot pass.
const accounts = [
  { account: null, entryPoints: ["/"], reaches: "/fees" },
  { account: "org-admin", entryPoints: ["/"], reaches: "/w/demo-ai/audit" },
  { account: "org-editor", entryPoints: ["/"], reaches: "/w/demo-ai/questions" },
  { account: "org-finance", entryPoints: ["/"], reaches: "/w/demo-ai/payments" },
  { account: "org2-admin", entryPoints: ["/"], reaches: "/w/demo-care/fees" },
  { account: "school-admin", entryPoints: ["/"], reaches: "/w/demo-school/orders" },
  { account: "school-teacher", entryPoints: ["/"], reaches: "/w/demo-school" },
  { account: "committee", entryPoints: ["/"], reaches: "/committee/banks" },
] as const;
const locales = ["zh-CN", "en"] as const;

// Bounds that keep the 16 crawls within a minute on two loaded cores. The server and its PGlite run in
// this process, so requests go one at a time: about 590 in all, 11 s of CPU, 15-40 s measured while
// other test suites ran. One URL of each route pattern beyond the first link of each kind (see crawl;
// the crawls of one workspace open different items of its lists, see `turn`), and a cap per crawl that
// only a runaway (paging without end) reaches: the committee, with its dashboard figures and their
// filters, needs about 160.
const perPattern = 1;
const maxRequests = 300;

describe("crawling the app as each demo account, in both languages", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(() => app.close());

  it("finds no broken link or download, and every page has a localized title, an h1 and no untranslated text", async () => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const englishPhrases = englishOnlyPhrases();
    const problems: Problem[] = [];
    const stats: string[] = [];
    // Every mutation writes the tenant audit log (logins write the account log): a crawl writes none.
    const audited = await owner(app.database).count("audit_log");
    let turn = 0;
    for (const { account, entryPoints, reaches } of accounts)
      for (const locale of locales) {
        // Its own address per crawl: sixteen logins from one address would meet the login limit.
        const client = app.client({ locale, ip: `10.13.0.${++turn}` });
        if (account) {
          await client.login(`${account}@demo.xcert.test`);
          // Logging in sets the language stored on the user; the crawl keeps its own.
          client.cookies.set("lng", locale);
        }
        const name = `${account ?? "anonymous"} ${locale}`;
        const result = await crawl({
          name,
          client,
          signedIn: account !== null,
          entryPoints: [...entryPoints],
          perPattern,
          maxRequests,
          turn,
          englishPhrases: locale === "zh-CN" ? englishPhrases : [],
        });
        problems.push(...result.problems);
        if (!result.visited.includes(reaches)) problems.push({ crawl: name, url: reaches, from: [], problem: "the crawl never reached this page" });
        stats.push(`${name}: ${result.requests} requests, ${result.pages} pages, ${result.downloads} downloads, ${result.bounded} left by the bounds`);
      }
    const written = (await owner(app.database).count("audit_log")) - audited;
    if (written !== 0) problems.push({ crawl: "all", url: "/", from: [], problem: `the crawls' GET requests wrote ${written} audit entries` });
    const { user, system } = process.cpuUsage(cpu);
    console.log(`16 crawls in ${Math.round(performance.now() - started)} ms (${Math.round((user + system) / 1000)} ms CPU)\n${stats.join("\n")}`);
    expect(problems.length, summary(problems)).toBe(0);
    // Sixteen crawls of every page: minutes on a loaded 2-core machine, bounded by the crawl's own limits.
  }, 600_000);
});

describe("the crawler's checks", () => {
  it("takes dotted lower-case identifiers for untranslated keys, not addresses, files, URLs or versions", () => {
    expect(untranslatedKeys("操作 fee_disclosure.publish 于 questions.import.badFile。membership.create")).toEqual([
      "fee_disclosure.publish",
      "questions.import.badFile",
      "membership.create",
    ]);
    const notKeys = [
      "org-admin@demo.xcert.test",
      "demo.xcert.test",
      "cases-AI-TRAINER.xlsx",
      "xcert-question-template.csv",
      "https://xcert.example.com/w/demo-ai",
      "/w/demo-ai/export/questions?format=csv",
      "1.2.3 v2.0 1.1.1",
      "e.g. i.e.",
      "Node.js",
    ];
    expect(untranslatedKeys(notKeys.join(" "))).toEqual([]);
  });

  it("builds the English-only phrases from the catalogue without words both languages use", () => {
    const phrases = englishOnlyPhrases();
    expect(phrases).toEqual(expect.arrayContaining(["Log in", "Sign up", "Members", "Fee disclosures"]));
    for (const same of ["XCert", "CSV", "XLSX", "PDF", "Markdown", "Moodle XML", "No", "as"]) expect(phrases).not.toContain(same);
  });

  it("checks a page's title, h1 and visible text, and ignores scripts", () => {
    const page = (title: string, body: string) => parseDocument(`<html><head><title>${title}</title></head><body>${body}</body></html>`);
    expect(checkPage(page("题库 · 智训 · XCert", "<h1>题库</h1><script>var a = 'audit.title'</script>"), ["Members"])).toEqual([]);
    expect(checkPage(page("XCert", "<p>x</p>"))).toEqual(['<title> is just "XCert"', "no <h1>"]);
    expect(checkPage(page("XCert · Log in", "<h1>登录</h1><button>Members</button><input placeholder='audit.actor'>"), ["Log in", "Members"])).toEqual([
      '<title> "XCert · Log in" does not end in "XCert"',
      'untranslated key "audit.actor"',
      'English UI text "Log in", "Members"',
    ]);
  });

  it("follows links and submits GET forms with their defaults, never POST forms", () => {
    const document = parseDocument(`
      <a href="export?format=csv" download>CSV</a><a href="#top">top</a><a href="mailto:a@b.test">mail</a>
      <form method="get" action="/w/demo-ai/questions"><input name="q" value=""><select name="level"><option value="junior">初级</option><option value="senior" selected>高级</option></select>
        <input type="checkbox" name="mine"><button type="submit">搜索</button></form>
      <form method="get"><input name="q" required></form>
      <form method="post" action="/logout"><button>退出</button></form>`);
    const found = links(document, new URL("http://x/w/demo-ai/questions?certificate=1"));
    expect(found.map((l) => `${l.url.pathname}${l.url.search}${l.download ? " download" : ""}`)).toEqual([
      "/w/demo-ai/export?format=csv download",
      "/w/demo-ai/questions?q=&level=senior",
    ]);
  });

  it("groups URLs by route, ids replaced", () => {
    expect(routePattern(new URL("http://x/w/demo-ai/questions/0b6f2c1e-9d4a-4c3e-8f00-1a2b3c4d5e6f?to=2&from=1"))).toBe("/w/demo-ai/questions/:id?from&to");
    expect(routePattern(new URL("http://x/w/demo-ai/export?certificate=0b6f2c1e-9d4a-4c3e-8f00-1a2b3c4d5e6f&format=csv"), { values: true })).toBe(
      "/w/demo-ai/export?certificate=:id&format=csv",
    );
  });
});

/**
 * One line per problem and route pattern: an example URL, for a broken link the pages that showed it,
 * and every crawl that met it.
 */
function summary(problems: Problem[]) {
  const groups = new Map<string, { example: Problem; crawls: Set<string> }>();
  for (const p of problems) {
    const key = `${p.problem} @ ${routePattern(new URL(p.url, "http://x"), { values: true })}`;
    const group = groups.get(key) ?? { example: p, crawls: new Set() };
    group.crawls.add(p.crawl);
    groups.set(key, group);
  }
  const lines = [...groups.values()].map(({ example, crawls }) => {
    const from = example.from.length > 3 ? `${example.from.slice(0, 3).join(", ")} and ${example.from.length - 3} more` : example.from.join(", ");
    return `- ${example.problem}: ${example.url}${from ? ` (linked from ${from})` : ""} — ${[...crawls].join(", ")}`;
  });
  return `${problems.length} problems found by the crawl:\n${lines.sort().join("\n")}`;
}
