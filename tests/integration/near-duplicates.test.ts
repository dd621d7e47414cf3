import { readFile } from "node:fs/promises";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flagDuplicateRows } from "../../app/modules/questions/duplicates.server";
import { questionColumns } from "../../app/modules/questions/import-rows";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";

// Near-duplicate questions (issue 19 item 4, decisions 051 and 057): the seeded pair shows as "similar
// questions"; an import whose rows resemble the bank's questions stops for review, row by row, and the
// user imports or skips the flagged rows in one transaction; nothing crosses organizations. Candidates
// come from each stem's MinHash/LSH signature (question_stem_bands), kept by a trigger on questions.

const questionRoute = "routes/w.$slug.questions.$questionId";
const jobRoute = "routes/w.$slug.questions.import.$jobId";
const reviewRoute = "routes/w.$slug.questions.import.$jobId_.review";
const seededStem = "数据标注中，用矩形框标出图像中目标位置的方法称为？";
const seededTwin = "数据标注中，用矩形框标出图像中目标所在位置的方法称为？";

type Job = { status: string; importedRows: number; duplicateRows: number; duplicates: string | null };
type Review = { flagged: { rowNumber: number; duplicateOf: string; similarity: number; stem: string }[] };

describe("near-duplicate questions", () => {
  let app: TestApp;
  let editor: HttpClient; // editor of demo-ai
  let careAdmin: HttpClient; // admin of demo-care
  let trainer: string;
  let elderly: string;
  let ai: string;
  let care: string;
  const db = () => owner(app.database);

  const csv = (rows: string[][]) =>
    Buffer.from(`\uFEFF${[questionColumns.map((c) => c.zh), ...rows].map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(",")).join("\r\n")}\r\n`);
  const row = (cells: Record<string, string>) => {
    const all: Record<string, string> = {
      type: "单选题",
      optionA: "拉框标注",
      optionB: "语义分割",
      optionC: "关键点标注",
      optionD: "文本转写",
      answer: "A",
      difficulty: "2",
      level: "初级",
      pool: "练习",
      visibility: "仅本机构",
      ...cells,
    };
    return questionColumns.map((c) => all[c.key] ?? "");
  };

  /** Uploads a CSV and waits until its job ends or waits for review. */
  const importCsv = async (client: HttpClient, slug: string, certificateId: string, bytes: Buffer) => {
    const form = new FormData();
    form.append("certificateId", certificateId);
    form.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]), "questions.csv");
    const response = await client.post(`/w/${slug}/questions/import`, form);
    expect(response.status, await response.clone().text()).toBe(302);
    const jobId = response.headers.get("location")!.split("/").at(-1)!;
    return { jobId, ...(await settle(client, slug, jobId)) };
  };
  const settle = async (client: HttpClient, slug: string, jobId: string) => {
    for (let i = 0; i < 600; i++) {
      const data = (await (await client.data(`/w/${slug}/questions/import/${jobId}`, jobRoute)).json()) as { job: Job; review: Review & Job };
      if (["done", "failed", "review"].includes(data.job.status)) return data;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`import ${jobId} did not settle`);
  };

  beforeAll(async () => {
    app = await startApp();
    editor = app.client();
    await editor.login("org-editor@demo.xcert.test");
    careAdmin = app.client({ locale: "en" });
    await careAdmin.login("org2-admin@demo.xcert.test");
    const ids = await db().rows<{ code: string; id: string; tenant_id: string }>(sql`select code, id, tenant_id from certificates`);
    trainer = ids.find((c) => c.code === "AI-TRAINER")!.id;
    ai = ids.find((c) => c.code === "AI-TRAINER")!.tenant_id;
    elderly = ids.find((c) => c.code === "ELDERLY-CARE")!.id;
    care = ids.find((c) => c.code === "ELDERLY-CARE")!.tenant_id;
  });
  afterAll(async () => {
    await app.close();
  });

  it("counts Chinese characters in trigrams the same way on this database as on the other", async () => {
    // Han characters are letters for pg_trgm under UTF-8 on PGlite and PostgreSQL alike: 老年照护 has
    // five trigrams (two padded), and near-identical Chinese stems are similar.
    const [trigrams] = await db().rows<{ n: number; sim: number }>(
      sql`select array_length(show_trgm('老年照护'), 1) as n, similarity(${seededStem}, ${seededTwin}) as sim`,
    );
    expect(Number(trigrams.n)).toBe(5);
    expect(Number(trigrams.sim)).toBeGreaterThanOrEqual(0.6);
  });

  it("shows the seeded near-duplicate pair as similar questions, each linking to the other", async () => {
    const pair = await db().rows<{ id: string; stem: string }>(
      sql`select id, stem from questions where stem in (${seededStem}, ${seededTwin}) order by stem = ${seededStem} desc`,
    );
    expect(pair).toHaveLength(2);
    const [first, twin] = pair;
    const data = (await (await editor.data(`/w/demo-ai/questions/${first.id}`, questionRoute)).json()) as { similar: { id: string; similarity: number }[] };
    expect(data.similar.map((q) => q.id)).toEqual([twin.id]);
    expect(data.similar[0].similarity).toBeGreaterThanOrEqual(0.6);
    const back = (await (await editor.data(`/w/demo-ai/questions/${twin.id}`, questionRoute)).json()) as { similar: { id: string }[] };
    expect(back.similar.map((q) => q.id)).toContain(first.id);
    const page = await (await editor.get(`/w/demo-ai/questions/${first.id}`)).text();
    expect(page).toContain("相似习题");
    expect(page).toContain(`/w/demo-ai/questions/${twin.id}`);
    // A question unlike any other lists none.
    const [lonely] = await db().rows<{ id: string }>(sql`select id from questions where stem like '%A/B 测试%'`);
    expect(((await (await editor.data(`/w/demo-ai/questions/${lonely.id}`, questionRoute)).json()) as { similar: unknown[] }).similar).toEqual([]);
  });

  it("flags resembling rows at import row by row, and skips them when asked, in one transaction", async () => {
    const [seeded] = await db().rows<{ id: string }>(sql`select id from questions where stem = ${seededStem}`);
    const before = await db().count("questions", sql`certificate_id = ${trainer}`);
    const file = csv([
      row({ stem: "数据标注中，用矩形框标出图像中目标位置的方法叫做？" }), // resembles the seeded pair (row 2)
      row({ type: "判断题", stem: seededStem, optionA: "", optionB: "", optionC: "", optionD: "", answer: "正确" }), // same stem, other type: not flagged
      row({ stem: "近重复检测导入测试：下列哪项是标注质检的抽检依据？" }), // new
    ]);
    const first = await importCsv(editor, "demo-ai", trainer, file);
    // All three rows are staged (the job's imported count while it runs), none is in the bank yet.
    expect(first.job).toMatchObject({ status: "review", importedRows: 3 });
    expect(first.review.duplicateRows).toBe(1);
    expect(first.review.flagged).toHaveLength(1);
    expect(first.review.flagged[0]).toMatchObject({ rowNumber: 1, stem: "数据标注中，用矩形框标出图像中目标位置的方法叫做？" });
    expect([seeded.id]).toContain(first.review.flagged[0].duplicateOf);
    const page = await (await editor.get(`/w/demo-ai/questions/import/${first.jobId}`)).text();
    expect(page).toContain("跳过标记的 1 行");
    expect(page).toContain(`/w/demo-ai/questions/${seeded.id}`);
    // Nothing is in the bank while the job waits.
    expect(await db().count("questions", sql`certificate_id = ${trainer}`)).toBe(before);
    // The check kept each staged row's signature (decision 063), the one the function gives its stem…
    const staged = await db().rows<{
      row_number: number;
      same: boolean;
    }>(sql`select b.row_number, b.bands = question_stem_bands(b.certificate_id, b.type, r.data->>'stem') as same
      from import_row_bands b join import_rows r on r.tenant_id = b.tenant_id and r.job_id = b.job_id and r.row_number = b.row_number
      where b.job_id = ${first.jobId} order by b.row_number`);
    expect(staged).toEqual([1, 2, 3].map((n) => ({ row_number: n, same: true })));
    // …and the move takes it instead of computing it again: a marker the owner puts in its place reaches the bank.
    await db().rows(sql`update import_row_bands set bands = '{42}' where job_id = ${first.jobId} and row_number = 3`);

    // Bad input: an unknown choice is refused with a field message, nothing changes.
    const bad = await editor.action(`/w/demo-ai/questions/import/${first.jobId}/review`, reviewRoute, { intent: "later" });
    expect(bad.status).toBe(400);
    expect((await db().rows<{ status: string }>(sql`select status from import_jobs where id = ${first.jobId}`))[0].status).toBe("review");

    const skip = await editor.post(`/w/demo-ai/questions/import/${first.jobId}/review`, { intent: "skip" });
    expect(skip.status).toBe(302);
    const skipped = await settle(editor, "demo-ai", first.jobId);
    expect(skipped.job).toMatchObject({ status: "done", importedRows: 2, duplicates: "skip", duplicateRows: 1 });
    expect(await db().count("questions", sql`certificate_id = ${trainer}`)).toBe(before + 2);
    expect(await db().count("questions", sql`stem = '数据标注中，用矩形框标出图像中目标位置的方法叫做？'`)).toBe(0);
    expect(await db().count("import_rows", sql`job_id = ${first.jobId}`)).toBe(0);
    expect(await db().count("import_row_bands", sql`job_id = ${first.jobId}`)).toBe(0);
    const [marked] = await db().rows<{ id: string; bands: number[] }>(sql`select q.id, b.bands from questions q
      join question_stem_bands b on b.tenant_id = q.tenant_id and b.question_id = q.id
      where q.import_job_id = ${first.jobId} and q.stem = '近重复检测导入测试：下列哪项是标注质检的抽检依据？'`);
    expect(marked.bands).toEqual([42]);
    await db().rows(sql`update question_stem_bands b set bands = question_stem_bands(q.certificate_id, q.type, q.stem)
      from questions q where q.tenant_id = b.tenant_id and q.id = b.question_id and q.id = ${marked.id}`);
    expect(await db().count("audit_log", sql`entity_id = ${first.jobId} and action = 'question_import.duplicates'`)).toBe(1);
    // A job no longer in review cannot be decided again.
    const again = await editor.action(`/w/demo-ai/questions/import/${first.jobId}/review`, reviewRoute, { intent: "keep" });
    expect(again.status).toBe(409);

    // The same file again: now all three rows resemble questions of the bank; "keep" imports them all.
    const second = await importCsv(editor, "demo-ai", trainer, file);
    expect(second.job.status).toBe("review");
    expect(second.review.flagged.map((f) => f.rowNumber)).toEqual([1, 2, 3]);
    expect((await editor.post(`/w/demo-ai/questions/import/${second.jobId}/review`, { intent: "keep" })).status).toBe(302);
    expect((await settle(editor, "demo-ai", second.jobId)).job).toMatchObject({ status: "done", importedRows: 3, duplicates: "keep" });
    expect(await db().count("questions", sql`certificate_id = ${trainer}`)).toBe(before + 5);
  });

  it("shares the check between transactions by batches, flagging exactly what one transaction flags (decision 063)", async () => {
    // Seven staged rows; the even ones resemble the seeded pair.
    const [job] = await db().rows<{ id: string }>(sql`insert into import_jobs (tenant_id, kind, format, certificate_id, file_name, status)
      values (${ai}, 'questions', 'csv', ${trainer}, 'lanes.csv', 'importing') returning id`);
    const stems = Array.from({ length: 7 }, (_, i) =>
      i % 2 === 0 ? `数据标注中，用矩形框标出图像中目标位置的方法叫做${i}？` : `分批检查测试 ${i}：下列哪项属于语音转写的质检要点？`,
    );
    for (const [i, stem] of stems.entries())
      await db().rows(sql`insert into import_rows (tenant_id, job_id, row_number, data)
        values (${ai}, ${job.id}, ${i + 1}, ${JSON.stringify({ type: "single_choice", stem })}::jsonb)`);
    const scope = { tenantId: ai, tenantKind: "organization" as const, role: "editor" };
    const target = { tenantId: ai, id: job.id, certificateId: trainer };
    const flags = () => db().rows(sql`select row_number, duplicate_of, duplicate_similarity from import_rows where job_id = ${job.id} order by row_number`);

    const alone = await asApp(scope, (tx) => flagDuplicateRows(tx, target, undefined, { batch: 2 }));
    const byOne = await flags();
    expect(alone).toBe(4);
    expect(byOne.filter((r) => r.duplicate_of !== null).map((r) => r.row_number)).toEqual([1, 3, 5, 7]);
    await db().rows(sql`update import_rows set duplicate_of = null, duplicate_similarity = null where job_id = ${job.id}`);
    await db().rows(sql`delete from import_row_bands where job_id = ${job.id}`);
    // Three transactions, batches of 2: lane 0 has rows 1–2 and 7, lane 1 rows 3–4, lane 2 rows 5–6.
    const shared = await Promise.all([0, 1, 2].map((lane) => asApp(scope, (tx) => flagDuplicateRows(tx, target, undefined, { lane, lanes: 3, batch: 2 }))));
    expect(shared).toEqual([2, 1, 1]);
    expect(await flags()).toEqual(byOne);
    expect(await db().count("import_row_bands", sql`job_id = ${job.id}`)).toBe(7);
    await db().rows(sql`delete from import_jobs where id = ${job.id}`);
  });

  it("keeps every question's stem signature as the bank changes: new, edited stem or type, deleted", async () => {
    // Every question of the seeded bank has its signature, the one the function computes from its stem.
    expect(await db().count("question_stem_bands")).toBe(await db().count("questions"));
    const stale = await db().rows(sql`select 1 from questions q join question_stem_bands b on b.tenant_id = q.tenant_id and b.question_id = q.id
      where b.bands <> question_stem_bands(q.certificate_id, q.type, q.stem)`);
    expect(stale).toEqual([]);

    const insert = (stem: string) =>
      db().rows<{
        id: string;
      }>(sql`insert into questions (tenant_id, certificate_id, level, type, stem, options, answer, difficulty, pool, visibility, status, version)
        values (${ai}, ${trainer}, 'junior', 'single_choice', ${stem}, '["甲","乙"]', 'A', 2, 'practice', 'private', 'draft', 0) returning id`);
    const [a] = await insert("签名维护测试：语音客服机器人上线前，应当先用哪类数据做回归测试？");
    const [b] = await insert("签名维护测试：语音客服机器人上线之前，应当先用哪类数据做回归测试？");
    const similarTo = async (id: string) =>
      ((await (await editor.data(`/w/demo-ai/questions/${id}`, questionRoute)).json()) as { similar: { id: string; similarity: number }[] }).similar.map(
        (q) => q.id,
      );
    expect(await similarTo(a.id)).toEqual([b.id]);
    const bands = async (id: string) => (await db().rows<{ bands: number[] }>(sql`select bands from question_stem_bands where question_id = ${id}`))[0]?.bands;
    const before = await bands(b.id);
    expect(before).toHaveLength(30);

    // A new stem gets a new signature: b no longer resembles a.
    await db().rows(sql`update questions set stem = '签名维护测试：图像标注项目的质检抽样比例如何确定？' where id = ${b.id}`);
    expect(await bands(b.id)).not.toEqual(before);
    expect(await similarTo(a.id)).toEqual([]);
    // The same stem again but another type: still not similar (type is part of the signature and checked).
    await db().rows(
      sql`update questions set stem = '签名维护测试：语音客服机器人上线之前，应当先用哪类数据做回归测试？', type = 'true_false' where id = ${b.id}`,
    );
    expect(await similarTo(a.id)).toEqual([]);
    await db().rows(sql`update questions set type = 'single_choice' where id = ${b.id}`);
    expect(await bands(b.id)).toEqual(before);
    expect(await similarTo(a.id)).toEqual([b.id]);
    // An update that leaves stem, type and certificate alone keeps the signature.
    await db().rows(sql`update questions set difficulty = 4 where id = ${b.id}`);
    expect(await bands(b.id)).toEqual(before);

    // A deleted (draft) question takes its signature with it.
    await db().rows(sql`delete from questions where id in (${a.id}, ${b.id})`);
    expect(await db().count("question_stem_bands", sql`question_id in (${a.id}, ${b.id})`)).toBe(0);
  });

  it("lets the app role read only its own signatures, write none, and look up only its own bank", async () => {
    const careScope = { tenantId: care, tenantKind: "organization" as const, role: "admin" };
    const aiScope = { tenantId: ai, tenantKind: "organization" as const, role: "editor" };
    expect(
      await databaseError(
        asApp(careScope, (tx) =>
          query(tx, sql`insert into question_stem_bands (tenant_id, question_id, bands) select tenant_id, id, '{1}' from questions limit 1`),
        ),
      ),
    ).toMatch(/permission denied/);
    expect(await databaseError(asApp(aiScope, (tx) => query(tx, sql`update question_stem_bands set bands = '{1}'`)))).toMatch(/permission denied/);
    // Nor a staged row's signature, which the move would take into the bank unchecked.
    expect(
      await databaseError(
        asApp(aiScope, (tx) =>
          query(
            tx,
            sql`insert into import_row_bands (tenant_id, job_id, row_number, certificate_id, type, bands)
              select tenant_id, job_id, row_number, ${trainer}, 'single_choice', '{1}' from import_rows limit 1`,
          ),
        ),
      ),
    ).toMatch(/permission denied/);
    expect(await databaseError(asApp(aiScope, (tx) => query(tx, sql`update import_row_bands set bands = '{1}'`)))).toMatch(/permission denied/);
    await asApp(careScope, async (tx) => {
      expect(await query(tx, sql`select 1 from question_stem_bands where tenant_id = ${ai}`)).toEqual([]);
      // demo-ai's certificate and stem, asked by demo-care: nothing.
      expect(await query(tx, sql`select * from similar_question_ids(${trainer}::uuid, 'single_choice', ${seededStem}, null, 0.6, 5)`)).toEqual([]);
    });
    // demo-ai gets exactly what the exact check over its bank finds (the seeded pair and the rows imported above).
    const exact = await db().rows<{ id: string }>(sql`select id from questions where tenant_id = ${ai} and certificate_id = ${trainer}
      and type = 'single_choice' and similarity(stem, ${seededStem}) >= 0.6`);
    expect(exact.length).toBeGreaterThanOrEqual(2);
    await asApp(aiScope, async (tx) => {
      const found = await query<{ question_id: string }>(
        tx,
        sql`select * from similar_question_ids(${trainer}::uuid, 'single_choice', ${seededStem}, null, 0.6, 50)`,
      );
      expect(found.map((r) => r.question_id).sort()).toEqual(exact.map((r) => r.id).sort());
    });
  });

  it("never flags or lists another organization's questions, and keeps its jobs to itself", async () => {
    // demo-care imports a stem identical to a demo-ai question: nothing in its own bank resembles it.
    const file = csv([row({ stem: seededStem, level: "初级" })]);
    const own = await importCsv(careAdmin, "demo-care", elderly, file);
    expect(own.job.status, JSON.stringify(own)).toBe("done");
    const [mine] = await db().rows<{ id: string }>(sql`select id from questions where tenant_id = ${care} and stem = ${seededStem}`);
    const similar = ((await (await careAdmin.data(`/w/demo-care/questions/${mine.id}`, questionRoute)).json()) as { similar: unknown[] }).similar;
    expect(similar).toEqual([]);

    // A demo-ai job in review: another organization gets 404 for its page and its review form.
    const waiting = await importCsv(editor, "demo-ai", trainer, csv([row({ stem: seededTwin })]));
    expect(waiting.job.status).toBe("review");
    expect((await careAdmin.get(`/w/demo-ai/questions/import/${waiting.jobId}`)).status).toBe(404);
    expect((await careAdmin.post(`/w/demo-care/questions/import/${waiting.jobId}/review`, { intent: "keep" })).status).toBe(404);
    expect((await careAdmin.post(`/w/demo-ai/questions/import/${waiting.jobId}/review`, { intent: "keep" })).status).toBe(404);
    // Raw SQL as demo-care's admin sees none of demo-ai's staged rows or questions.
    await asApp({ tenantId: care, tenantKind: "organization", role: "admin" }, async (tx) => {
      expect(await query(tx, sql`select 1 from import_rows where tenant_id = ${ai}`)).toEqual([]);
      expect(await query(tx, sql`select 1 from questions where tenant_id = ${ai}`)).toEqual([]);
    });
    // The refused decisions changed nothing.
    expect(
      (await db().rows<{ status: string; duplicates: string | null }>(sql`select status, duplicates from import_jobs where id = ${waiting.jobId}`))[0],
    ).toEqual({ status: "review", duplicates: null });
  });

  it("computes every kept signature again when the function changes (migration 0058), the bank's and the staged rows'", async () => {
    // Signatures as an earlier function left them, on the bank and on a staged row of a job in review.
    const [job] = await db().rows<{ id: string }>(sql`insert into import_jobs (tenant_id, kind, format, certificate_id, file_name, status)
      values (${ai}, 'questions', 'csv', ${trainer}, 'stale.csv', 'review') returning id`);
    const stem = "签名重算测试：标注团队交付前，应当按什么比例抽检数据？";
    await db().rows(sql`insert into import_rows (tenant_id, job_id, row_number, data)
      values (${ai}, ${job.id}, 1, ${JSON.stringify({ type: "single_choice", level: "junior", stem })}::jsonb)`);
    await db().rows(sql`insert into import_row_bands (tenant_id, job_id, row_number, certificate_id, type, bands)
      values (${ai}, ${job.id}, 1, ${trainer}, 'single_choice', '{7}')`);
    await db().rows(sql`update question_stem_bands set bands = '{7}'`);

    // The migration's statements, as the migrator runs them: one transaction, as the owner.
    const migration = await readFile("db/migrations/0058_cheaper_signatures.sql", "utf8");
    await app.database.db.transaction(async (tx) => {
      for (const statement of migration.split("--> statement-breakpoint")) await tx.execute(sql.raw(statement));
    });

    expect(await db().count("question_stem_bands")).toBe(await db().count("questions"));
    expect(await db().count("question_stem_bands", sql`bands = '{7}'`)).toBe(0);
    const stale = await db().rows(sql`select 1 from questions q join question_stem_bands b on b.tenant_id = q.tenant_id and b.question_id = q.id
      where b.bands <> question_stem_bands(q.certificate_id, q.type, q.stem)`);
    expect(stale).toEqual([]);
    const [kept] = await db().rows<{ same: boolean }>(sql`select b.bands = question_stem_bands(${trainer}::uuid, 'single_choice', ${stem}) as same
      from import_row_bands b where b.job_id = ${job.id}`);
    expect(kept).toEqual({ same: true });
    // The band index is back: the seeded pair still finds each other on the question's page.
    const [seeded, twin] = await db().rows<{ id: string }>(sql`select id from (select distinct on (stem) id, stem from questions
      where tenant_id = ${ai} and stem in (${seededStem}, ${seededTwin}) order by stem, created_at) first order by stem = ${seededTwin}`);
    const similar = ((await (await editor.data(`/w/demo-ai/questions/${seeded.id}`, questionRoute)).json()) as { similar: { id: string }[] }).similar;
    expect(similar.map((q) => q.id)).toContain(twin.id);
    await db().rows(sql`delete from import_jobs where id = ${job.id}`);
  });
});
