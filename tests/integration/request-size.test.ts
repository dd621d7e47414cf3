import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPglite } from "../../db/client.server";
import { HttpClient } from "../support/app";
import { multipart, send, urlencoded, type Answer } from "../support/raw-post";
import { childEnv, createServerDatabase, runScript, startServer, type ServerDatabase, type ServerProcess } from "../support/server-process";

// Bodies over a size limit (issue 13, item 5), against the real server process (remix-serve), since
// what matters is what the client receives on the wire: a 413 that says the limit in the user's
// language, on the form that was posted where there is one, and the whole answer, never a reset
// while the client is still sending. Nothing is written.

const materialRoute = "routes/w.$slug.materials.$materialId";
const importRoute = "routes/w.$slug.questions.import._index";
const caseRoute = "routes/w.$slug.cases.new";
const MB = 1024 * 1024;

const messages = {
  file: {
    "zh-CN": "文件超过 50 MB 上限，请压缩或拆分后重新上传。",
    en: "The file is larger than the 50 MB limit; compress or split it and upload again.",
  },
  form: {
    "zh-CN": "一次提交不能超过 1 MB。请删减填写的内容，或把文件压缩、拆分后重新提交。",
    en: "One submission can be at most 1 MB. Shorten what you entered, or compress or split the file, and submit again.",
  },
} as const;

/** The whole answer arrived and the whole body went out: no reset, no broken pipe. */
function expectComplete(answer: Answer, length: number, label: string) {
  expect({ error: answer.error, complete: answer.complete, sent: answer.sent }, label).toEqual({ error: undefined, complete: true, sent: length });
}

/**
 * A 413 with the limit on the file field: Conform's answer to a script's action request (returns its
 * initial values, the form as it was sent), or the page itself re-rendered for a document post.
 */
function expectFileRefused(answer: Answer, locale: "zh-CN" | "en", data: boolean, label: string) {
  expect(answer.status, label).toBe(413);
  const message = messages.file[locale];
  if (data) {
    const json = JSON.parse(answer.body) as { result: { error: Record<string, string[]>; initialValue: Record<string, unknown> } };
    expect(json.result.error, label).toEqual({ file: [message] });
    return json.result.initialValue;
  }
  expect(answer.headers["content-type"], label).toMatch(/^text\/html/);
  expect(answer.body, label).toMatch(/<\/html>\s*$/);
  expect(answer.body, label).toMatch(new RegExp(`<ul id="[^"]*file-error"[^>]*role="alert"><li>${message.replace(/[.()]/g, "\\$&")}</li></ul>`));
  expect(answer.body, label).toMatch(/<input[^>]*type="file"[^>]*aria-invalid="true"/);
  return null;
}

const cookieOf = (client: HttpClient) => [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");

let database: ServerDatabase;
let server: ServerProcess | undefined;
let storageDir: string;

/** What an oversized post must not leave behind, counted as the database owner with the server stopped. */
async function countWrites() {
  const queries = {
    attachments: "select count(*)::int as n from material_attachments",
    importJobs: "select count(*)::int as n from import_jobs",
    importFiles: "select count(*)::int as n from import_files",
    cases: "select count(*)::int as n from cases",
    audit: "select count(*)::int as n from audit_log",
  };
  const counts: Record<string, number> = {};
  if (database.kind === "pglite") {
    const pg = await createPglite({ dataDir: database.dir! });
    try {
      for (const [name, query] of Object.entries(queries)) counts[name] = (await pg.query<{ n: number }>(query)).rows[0].n;
    } finally {
      await pg.close();
    }
  } else {
    const sql = postgres(database.url!, { max: 1, onnotice: () => {} });
    try {
      for (const [name, query] of Object.entries(queries)) counts[name] = (await sql.unsafe<{ n: number }[]>(query))[0].n;
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
  return counts;
}

const filesIn = async (dir: string) =>
  (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();

let before: Record<string, number>;

beforeAll(async () => {
  storageDir = await mkdtemp(path.join(os.tmpdir(), "xcert-size-storage-"));
  database = await createServerDatabase();
  await runScript("db/seed/index.ts", childEnv({ NODE_ENV: undefined, STORAGE_DIR: storageDir }, database.env));
  before = await countWrites();
  // MATERIAL_MAX_BYTES unset: the default 50 MB, as a user meets it.
  server = await startServer({ data: "none", database, env: { STORAGE_DIR: storageDir, MATERIAL_MAX_BYTES: undefined } });
});

afterAll(async () => {
  await server?.stop();
  await database?.drop();
  await rm(storageDir, { recursive: true, force: true });
});

describe("size limits, on the wire", () => {
  let zh: HttpClient; // org-editor of demo-ai, zh-CN
  let en: HttpClient; // the same editor, English
  let materialId: string;
  let certificateId: string;

  const attachmentsOf = async (client: HttpClient) =>
    ((await (await client.data(`/w/demo-ai/materials/${materialId}`, materialRoute)).json()) as { attachments: { id: string }[] }).attachments
      .map((a) => a.id)
      .sort();
  const jobsOf = async (client: HttpClient) =>
    ((await (await client.data("/w/demo-ai/questions/import", importRoute)).json()) as { jobs: { id: string }[] }).jobs.map((j) => j.id).sort();

  beforeAll(async () => {
    zh = new HttpClient(server!.url, { locale: "zh-CN" });
    await zh.login("org-editor@demo.xcert.test");
    en = new HttpClient(server!.url, { locale: "en" });
    await en.login("org-editor@demo.xcert.test");
    const list = (await (await zh.data("/w/demo-ai/materials", "routes/w.$slug.materials._index")).json()) as { rows: { id: string }[] };
    materialId = list.rows[0].id;
    const page = (await (await zh.data("/w/demo-ai/questions/import", importRoute)).json()) as { certificates: { id: string }[] };
    certificateId = page.certificates[0].id;
  });

  it("answers a 60 MB attachment with 413 and the limit on the file field, in the user's language, with or without JavaScript", async () => {
    const attachments = await attachmentsOf(zh);
    const files = await filesIn(storageDir);
    const body = () => multipart({ intent: "upload" }, { field: "file", name: "讲义（全本）.pdf", bytes: 60 * MB });
    const cases = [
      { client: zh, locale: "zh-CN", data: false, chunked: false },
      { client: en, locale: "en", data: false, chunked: true },
      { client: zh, locale: "zh-CN", data: true, chunked: true },
      { client: en, locale: "en", data: true, chunked: false },
    ] as const;
    for (const c of cases) {
      const label = `${c.locale}, ${c.data ? "?_data" : "document"}, ${c.chunked ? "chunked" : "Content-Length"}`;
      const pathname = `/w/demo-ai/materials/${materialId}${c.data ? `?_data=${encodeURIComponent(materialRoute)}` : ""}`;
      const sent = body();
      const answer = await send(server!.url, pathname, sent, { cookie: cookieOf(c.client), chunked: c.chunked });
      expectComplete(answer, sent.length, label);
      const initial = expectFileRefused(answer, c.locale, c.data, label);
      // The intent tells the page which of its forms the answer belongs to.
      if (c.data) expect(initial?.intent, label).toBe("upload");
    }
    expect(await attachmentsOf(zh)).toEqual(attachments);
    expect(await filesIn(storageDir)).toEqual(files);
  });

  it("answers an oversized question import the same way", async () => {
    const jobs = await jobsOf(zh);
    const cases = [
      { client: zh, locale: "zh-CN", data: false, chunked: true },
      { client: en, locale: "en", data: true, chunked: false },
    ] as const;
    for (const c of cases) {
      const label = `${c.locale}, ${c.data ? "?_data" : "document"}, ${c.chunked ? "chunked" : "Content-Length"}`;
      const sent = multipart({ certificateId }, { field: "file", name: "questions.xlsx", bytes: 60 * MB });
      const answer = await send(server!.url, `/w/demo-ai/questions/import${c.data ? `?_data=${encodeURIComponent(importRoute)}` : ""}`, sent, {
        cookie: cookieOf(c.client),
        chunked: c.chunked,
      });
      expectComplete(answer, sent.length, label);
      const initial = expectFileRefused(answer, c.locale, c.data, label);
      // The certificate chosen comes back with the form.
      if (c.data) expect(initial?.certificateId, label).toBe(certificateId);
    }
    expect(await jobsOf(zh)).toEqual(jobs);
  });

  it("answers an ordinary form over 1 MB with a 413 page that says the limit and what to do", async () => {
    const cases = [
      { client: zh, locale: "zh-CN", pathname: "/w/demo-ai/cases/new", chunked: false },
      { client: en, locale: "en", pathname: "/w/demo-ai/cases/new", chunked: true },
      { client: new HttpClient(server!.url, { locale: "en" }), locale: "en", pathname: "/login", chunked: false },
    ] as const;
    for (const c of cases) {
      const label = `${c.pathname}, ${c.locale}, ${c.chunked ? "chunked" : "Content-Length"}`;
      const sent = urlencoded({ intent: "save", certificateId, title: "Too long" }, { field: "body", bytes: (3 * MB) / 2 });
      const answer = await send(server!.url, c.pathname, sent, { cookie: cookieOf(c.client), chunked: c.chunked });
      expectComplete(answer, sent.length, label);
      expect(answer.status, label).toBe(413);
      expect(answer.headers["content-type"], label).toMatch(/^text\/html/);
      expect(answer.body, label).toContain(messages.form[c.locale]);
      expect(answer.body, label).toMatch(/<\/html>\s*$/);
    }
    // A script's action request gets the limit with the refusal (the error page shows it).
    const sent = urlencoded({ intent: "save", certificateId, title: "Too long" }, { field: "body", bytes: (3 * MB) / 2 });
    const answer = await send(server!.url, `/w/demo-ai/cases/new?_data=${encodeURIComponent(caseRoute)}`, sent, { cookie: cookieOf(zh) });
    expectComplete(answer, sent.length, "?_data");
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({ limit: "1 MB" });
  });

  it("answers at once and closes the connection when a body is announced far past any limit", async () => {
    // 64 MB announced for a 1 MB form: beyond what the server reads to answer politely. It answers
    // while the client still holds the body back (only the first few bytes went out), then closes.
    const sent = urlencoded({ email: "a@example.test", password: "x" }, { field: "name", bytes: 64 * MB });
    const answer = await send(server!.url, "/login", sent, { stopAfter: 1 });
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe("close");
    expect(answer.body).toContain(messages.form["zh-CN"]);
    expect(answer.sent).toBeLessThan(sent.length);
    expect((await fetch(`${server!.url}/healthz`)).status).toBe(200);
  });

  it("wrote nothing", async () => {
    await server!.stop();
    server = undefined;
    expect(await countWrites()).toEqual(before);
  });
});
