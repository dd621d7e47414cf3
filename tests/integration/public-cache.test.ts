import { get } from "node:http";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, shanghaiDate } from "../../app/ui/format";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, owner, query } from "../support/db";

// Issue 18 item 6, decision 026: the public fee pages answer from a shared cache keyed by a data
// version the database keeps (statement triggers), with a strong ETag, 304 to If-None-Match, and
// public caching headers; a visitor with a session is never cached.

const pages = {
  document: "/fees",
  data: "/fees?_data=routes%2Ffees._index",
  csv: "/fees.csv",
  api: "/api/v1/fee-disclosures",
};
const cacheControl = "public, max-age=60, stale-while-revalidate=300";

describe("public pages ahead of their floor", () => {
  let app: TestApp;
  let zh: HttpClient;
  let en: HttpClient;
  let finance: HttpClient;
  let trainer: string;
  // The request log: which answers the server gave before Remix (decision 062).
  const logLines: { reqId: string; res: { status: number }; early?: boolean }[] = [];
  const requestLog = { write: (line: string) => void logLines.push(JSON.parse(line) as (typeof logLines)[number]) };
  /** Whether the server answered before Remix: its log line, written once the answer has finished. */
  const answeredEarly = async (response: Response) => {
    const id = response.headers.get("x-request-id");
    for (let waited = 0; waited < 200; waited++) {
      const line = logLines.find((l) => l.reqId === id);
      if (line) return line.early === true;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no log line for request ${id}`);
  };
  const db = () => owner(app.database);
  const version = async () => (await db().rows<{ version: number }>(sql`select version::int from public_data_versions where name = 'fees'`))[0].version;
  const etags = async (client: HttpClient) => {
    const tags: Record<string, string | null> = {};
    for (const [name, path] of Object.entries(pages)) {
      const response = await client.get(path);
      expect(response.status, name).toBe(200);
      await response.arrayBuffer();
      tags[name] = response.headers.get("etag");
    }
    return tags;
  };

  beforeAll(async () => {
    app = await startApp({ requestLog });
    zh = app.client();
    en = app.client({ locale: "en" });
    finance = app.client();
    await finance.login("org-finance@demo.xcert.test");
    [{ id: trainer }] = await db().rows<{ id: string }>(sql`select id from certificates where code = 'AI-TRAINER'`);
  });
  afterAll(() => app.close());

  it("answers each page with a strong ETag that stays the same across requests, and public caching headers", async () => {
    const first = await etags(zh);
    const second = await etags(app.client());
    for (const [name, tag] of Object.entries(first)) {
      expect(tag, name).toMatch(/^"[\w-]{32}"$/);
      expect(second[name], name).toBe(tag);
    }
    expect(new Set(Object.values(first)).size).toBe(4);
    for (const [name, path] of Object.entries(pages)) {
      const response = await zh.get(path);
      await response.arrayBuffer();
      expect(response.headers.get("cache-control"), name).toBe(cacheControl);
      // Compressed answers vary by encoding too (server/app.ts).
      expect(response.headers.get("vary"), name).toMatch(/^Cookie(, Accept-Encoding)?$/);
    }
  });

  it("answers 304 with no body to If-None-Match, and the document's 304 keeps the client's own CSP", async () => {
    const tags = await etags(zh);
    for (const [name, path] of Object.entries(pages)) {
      const response = await zh.get(path, { "if-none-match": tags[name]! });
      expect(response.status, name).toBe(304);
      expect(await response.text(), name).toBe("");
      expect(response.headers.get("etag"), name).toBe(tags[name]);
      expect(response.headers.get("cache-control"), name).toBe(cacheControl);
    }
    // The stored body carries the nonce of the CSP stored with it: a 304 must not bring another.
    expect((await zh.get(pages.document, { "if-none-match": tags.document! })).headers.get("content-security-policy")).toBeNull();
    // Several tags, one of them current, and a stale one alone.
    expect((await zh.get(pages.api, { "if-none-match": `"old", ${tags.api}` })).status).toBe(304);
    expect((await zh.get(pages.api, { "if-none-match": '"old"' })).status).toBe(200);
  });

  it("answers a kept page before Remix, after the version read, with the headers and body Remix gave (decision 062)", async () => {
    const nonceOf = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get("content-security-policy") ?? "")?.[1] ?? "";
    // What may differ between two answers of the same page: the per-request id and nonce, the framing.
    const comparable = (response: Response) =>
      [...response.headers]
        .filter(([name]) => !["date", "x-request-id", "content-length", "transfer-encoding", "connection", "keep-alive"].includes(name))
        .map(([name, value]) => [name, value.replaceAll(nonceOf(response), "NONCE")]);
    for (const path of [pages.document, pages.csv, pages.api]) {
      // A new version: the first visitor's answer is Remix's, the next ones the server's.
      await db().rows(sql`update public_data_versions set version = version + 1 where name = 'fees'`);
      const byRemix = await zh.get(path);
      const remixBody = (await byRemix.text()).replaceAll(nonceOf(byRemix), "NONCE");
      const early = await zh.get(path);
      const earlyBody = (await early.text()).replaceAll(nonceOf(early), "NONCE");
      expect(early.status, path).toBe(200);
      expect(comparable(early), path).toEqual(comparable(byRemix));
      expect(earlyBody, path).toBe(remixBody);
      if (path === pages.document) expect(nonceOf(early), path).not.toBe(nonceOf(byRemix));
      const notModified = await zh.get(path, { "if-none-match": early.headers.get("etag")! });
      expect(notModified.status, path).toBe(304);
      expect(notModified.headers.get("etag"), path).toBe(early.headers.get("etag"));
      expect(notModified.headers.get("cache-control"), path).toBe(cacheControl);
      expect(notModified.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(notModified.headers.get("content-security-policy"), path).toBeNull();
      expect([await answeredEarly(byRemix), await answeredEarly(early), await answeredEarly(notModified)], path).toEqual([false, true, true]);
    }
    // A signed-in visitor and a data request always go to Remix.
    const signedIn = await finance.get(pages.document);
    expect(signedIn.headers.get("cache-control")).toBe("private, no-store");
    const data = await zh.get(pages.data);
    expect(data.status).toBe(200);
    expect([await answeredEarly(signedIn), await answeredEarly(data)]).toEqual([false, false]);
  });

  it("keeps a resource compressed in the coding the server's compression would choose, once, and sends it before Remix", async () => {
    // Raw bytes (fetch would decode them): what the client asked for, the coding it got, the decoded body.
    const raw = (path: string, acceptEncoding: string) =>
      new Promise<{ coding: string; id: string; length?: string; bytes: Buffer; text: string }>((resolve, reject) => {
        get(`${app.url}${path}`, { headers: { "accept-encoding": acceptEncoding } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const bytes = Buffer.concat(chunks);
            const coding = String(res.headers["content-encoding"] ?? "identity");
            const decode = { br: brotliDecompressSync, gzip: gunzipSync, deflate: inflateSync, identity: (b: Buffer) => b }[coding]!;
            resolve({ coding, id: String(res.headers["x-request-id"]), length: res.headers["content-length"], bytes, text: decode(bytes).toString("utf8") });
          });
          res.on("error", reject);
        }).on("error", reject);
      });
    const idOf = (id: string) => ({ headers: new Headers({ "x-request-id": id }) }) as Response;
    for (const [acceptEncoding, coding] of [
      ["gzip, deflate, br", "br"],
      ["gzip", "gzip"],
      ["gzip;q=1, br;q=0.5", "gzip"],
      ["deflate", "deflate"],
      ["identity", "identity"],
    ]) {
      await db().rows(sql`update public_data_versions set version = version + 1 where name = 'fees'`);
      const byRemix = await raw(pages.csv, acceptEncoding);
      const early = await raw(pages.csv, acceptEncoding);
      const again = await raw(pages.csv, acceptEncoding);
      expect([byRemix.coding, early.coding, again.coding], acceptEncoding).toEqual([coding, coding, coding]);
      expect(early.text, acceptEncoding).toBe(byRemix.text);
      expect(early.text.split("\r\n").length, acceptEncoding).toBeGreaterThan(2);
      // The kept coding: whole bytes with their length (compressing as it sends, compression streams them
      // chunked), the same to every visitor of this version.
      if (coding === "br" || coding === "gzip") {
        expect([byRemix.length, early.length], acceptEncoding).toEqual([undefined, String(early.bytes.length)]);
        expect(again.bytes.equals(early.bytes), acceptEncoding).toBe(true);
      }
      expect([await answeredEarly(idOf(byRemix.id)), await answeredEarly(idOf(early.id))], acceptEncoding).toEqual([false, true]);
    }
  });

  it("gives every document response its own nonce, in its CSP and in its HTML alike", async () => {
    const nonceOf = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get("content-security-policy") ?? "")?.[1];
    const [a, b] = [await zh.get(pages.document), await zh.get(pages.document)];
    const [htmlA, htmlB] = [await a.text(), await b.text()];
    expect(a.headers.get("etag")).toBe(b.headers.get("etag"));
    const [nonceA, nonceB] = [nonceOf(a)!, nonceOf(b)!];
    expect(nonceA).toBeTruthy();
    expect(nonceA).not.toBe(nonceB);
    expect(htmlA).toContain(`nonce="${nonceA}"`);
    expect(htmlA).not.toContain(nonceB);
    expect(htmlB).toContain(`nonce="${nonceB}"`);
    // Apart from the nonce, the same bytes.
    expect(htmlA.replaceAll(nonceA, "N")).toBe(htmlB.replaceAll(nonceB, "N"));
  });

  it("differs per language: another ETag and the reader's language", async () => {
    const [zhTags, enTags] = [await etags(zh), await etags(en)];
    for (const name of Object.keys(pages)) expect(enTags[name], name).not.toBe(zhTags[name]);
    expect(await (await en.get(pages.document)).text()).toContain('<html lang="en"');
    expect(await (await zh.get(pages.document)).text()).toContain('<html lang="zh-CN"');
    expect((await (await en.get(pages.csv)).text()).split("\r\n")[0]).toContain("Organization");
  });

  it("changes when a fee is published, at once: the trigger bumps the version in the publishing transaction", async () => {
    const before = await etags(zh);
    const versionBefore = await version();
    const published = await finance.post("/w/demo-ai/fees/new", {
      certificateId: trainer,
      level: "intermediate",
      kind: "assessment",
      amount: "380.00",
      unit: "per_person",
      includes: "理论考试与实操考核各一次。",
      effectiveFrom: addDays(shanghaiDate(), 50),
      contact: "021-6482 0000",
      changeReason: "缓存测试：新公示。",
      intent: "publish",
    });
    expect(published.status, await published.clone().text()).toBe(302);
    const id = published.headers.get("location")!.split("/").at(-1)!;
    expect(await version()).toBeGreaterThan(versionBefore);
    const after = await etags(zh);
    for (const name of Object.keys(pages)) expect(after[name], name).not.toBe(before[name]);
    // The old tag is no longer current: a full answer, with the new fee in it.
    const api = await zh.get(pages.api, { "if-none-match": before.api! });
    expect(api.status).toBe(200);
    expect(JSON.stringify(await api.json())).toContain(id);
    expect(await (await zh.get(pages.csv)).text()).toContain(id);
    const page = (await (await zh.get(pages.data)).json()) as { upcoming: { id: string }[] };
    expect(page.upcoming.map((d) => d.id)).toContain(id);
  });

  it("bumps once per statement on every table the pages read, and the public scope can read the version", async () => {
    for (const statement of [
      sql`update tenants set name = name`,
      sql`update certificates set name_zh = name_zh`,
      sql`update fee_disclosures set contact = contact where false`,
    ]) {
      const before = await version();
      await db().rows(statement);
      expect(await version()).toBe(before + 1);
    }
    // A write elsewhere does not.
    const before = await version();
    await db().rows(sql`update users set name = name`);
    expect(await version()).toBe(before);
    // Readable in the public scope under RLS, and not writable by the app role.
    const [row] = await asApp({ role: "public" }, (tx) =>
      query<{ version: number }>(tx, sql`select version::int from public_data_versions where name = 'fees'`),
    );
    expect(row.version).toBe(before);
    const refused = await asApp({ role: "system" }, (tx) => query(tx, sql`update public_data_versions set version = 0`)).catch(
      (error: Error & { cause?: Error }) => (error.cause ?? error).message,
    );
    expect(refused).toMatch(/permission denied/);
  });

  it("never caches a signed-in visitor: private, no ETag, and their page never reaches anyone else", async () => {
    const anonymous = await etags(zh);
    for (const [name, path] of Object.entries(pages)) {
      const response = await finance.get(path, { "if-none-match": anonymous[name]! });
      expect(response.status, name).toBe(200);
      expect(response.headers.get("cache-control"), name).toBe("private, no-store");
      expect(response.headers.get("etag"), name).toBeNull();
      await response.arrayBuffer();
    }
    const [{ name }] = await db().rows<{ name: string }>(sql`select name from users where email = 'org-finance@demo.xcert.test'`);
    expect(await (await finance.get(pages.document)).text()).toContain(name);
    const publicHtml = await (await zh.get(pages.document)).text();
    expect(publicHtml).not.toContain(name);
    expect(publicHtml).not.toContain("/logout");
  });

  // The credit-rule API and the certificate catalogue (issue 18 item 6, migration 0051): each kept
  // per its own group, bumped by a write to any table it reads and by nothing else.
  describe.each([
    { group: "credit_rules", path: "/api/v1/credit-rules", reads: ["credit_rules", "certificates", "tenants"] },
    { group: "catalogue", path: "/library/certificates", reads: ["certificates", "tenants", "industries", "standard_versions"] },
    // Its export: the same rows, the same group (issue 17).
    { group: "catalogue", path: "/library/certificates/export?format=csv", reads: ["certificates", "tenants", "industries", "standard_versions"] },
  ])("$path", ({ path, reads }) => {
    const noOp: Record<string, ReturnType<typeof sql>> = {
      credit_rules: sql`update credit_rules set course_name = course_name where false`,
      certificates: sql`update certificates set name_zh = name_zh where false`,
      tenants: sql`update tenants set name = name where false`,
      industries: sql`update industries set name_zh = name_zh where false`,
      standard_versions: sql`update standard_versions set notes = notes where false`,
      fee_disclosures: sql`update fee_disclosures set contact = contact where false`,
      users: sql`update users set name = name where false`,
    };
    const etag = async () => {
      const response = await zh.get(path);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      expect(response.headers.get("cache-control")).toBe(cacheControl);
      expect(response.headers.get("vary")).toMatch(/^Cookie(, Accept-Encoding)?$/);
      return response.headers.get("etag")!;
    };

    it("answers with a strong ETag per language and 304 to If-None-Match", async () => {
      const tag = await etag();
      expect(tag).toMatch(/^"[\w-]{32}"$/);
      expect(await etag()).toBe(tag);
      const cached = await zh.get(path, { "if-none-match": tag });
      expect(cached.status).toBe(304);
      expect(await cached.text()).toBe("");
      const english = await en.get(path);
      await english.arrayBuffer();
      expect(english.headers.get("etag")).not.toBe(tag);
    });

    it("changes its ETag on a write to each table it reads, and not on an unrelated write", async () => {
      for (const table of reads) {
        const before = await etag();
        await db().rows(noOp[table]);
        expect(await etag(), table).not.toBe(before);
      }
      const unrelated = ["users", "fee_disclosures"].filter((t) => !reads.includes(t));
      const before = await etag();
      for (const table of unrelated) await db().rows(noOp[table]);
      expect(await etag()).toBe(before);
    });
  });
});
