import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runImportJob } from "../../app/modules/imports/jobs.server";
import { questionColumns } from "../../app/modules/questions/import-rows";
import { startGatedApp, type TestApp } from "../support/app";
import { owner } from "../support/db";
import { type ImportGate } from "../support/import-gate";

// An import runner whose lease ran out (a near-duplicate check of a large file takes minutes on PGlite)
// may be overtaken by another runner of the same job. The one that claimed last finishes the job; the
// overtaken one, when it goes on, writes nothing: no second move, no "done" over the other's result.

describe("an import runner overtaken after its lease ran out", () => {
  let app: TestApp;
  let gate: ImportGate;
  const db = () => owner(app.database);

  let close: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    ({ app, gate, close } = await startGatedApp());
  });
  afterAll(() => close?.());

  it("leaves the job to the runner that claimed it since: the rows move once, one 'done' is written", async () => {
    const [{ ai, trainer, editor }] = await db().rows<{ ai: string; trainer: string; editor: string }>(sql`
      select t.id as ai, c.id as trainer, u.id as editor from tenants t
      join certificates c on c.tenant_id = t.id join memberships m on m.tenant_id = t.id join users u on u.id = m.user_id
      where t.slug = 'demo-ai' and u.email = 'org-editor@demo.xcert.test' order by c.created_at limit 1`);
    const cells = (stem: string): Record<string, string> => ({
      type: "单选题",
      stem,
      optionA: "按项目质量要求",
      optionB: "按标注员喜好",
      answer: "A",
      difficulty: "2",
      level: "初级",
      pool: "练习",
      visibility: "仅本机构",
    });
    const stems = ["接管测试一：标注交付前的抽检比例由什么决定？", "接管测试二：语音转写的时间戳应当精确到多少？", "接管测试三：图像拉框时遮挡目标如何处理？"];
    const csv = `\uFEFF${[questionColumns.map((c) => c.zh), ...stems.map((stem) => questionColumns.map((c) => cells(stem)[c.key] ?? ""))]
      .map((r) => r.map((c) => `"${c}"`).join(","))
      .join("\r\n")}\r\n`;
    const [job] = await db().rows<{ id: string }>(sql`insert into import_jobs (tenant_id, kind, format, certificate_id, file_name, created_by_user_id)
      values (${ai}, 'questions', 'csv', ${trainer}, 'takeover.csv', ${editor}) returning id`);
    await db().rows(
      sql`insert into import_files (tenant_id, job_id, bytes) values (${ai}, ${job.id}, decode(${Buffer.from(csv).toString("base64")}, 'base64'))`,
    );

    // The first runner stages the rows and stands at its checkpoint; meanwhile its lease runs out.
    const first = runImportJob(ai, job.id);
    const paused = await gate.next(job.id);
    expect(paused).toMatchObject({ status: "importing", importedRows: 3 });
    await db().rows(sql`update import_jobs set locked_until = now() - interval '1 second' where id = ${job.id}`);

    // A second runner claims the job (as the background loop would) and finishes it from the staged rows.
    const second = await runImportJob(ai, job.id);
    expect(second).toMatchObject({ status: "done", importedRows: 3, attempts: 2 });

    // The first one goes on: it finds the job no longer its own and ends without writing.
    await paused.release();
    expect(await first).toBeNull();
    expect(await db().count("questions", sql`import_job_id = ${job.id}`)).toBe(3);
    const [state] = await db().rows<{ status: string; imported_rows: number; attempts: number }>(
      sql`select status, imported_rows, attempts from import_jobs where id = ${job.id}`,
    );
    expect(state).toEqual({ status: "done", imported_rows: 3, attempts: 2 });
    expect(await db().count("audit_log", sql`entity_id = ${job.id} and action = 'question_import.done'`)).toBe(1);
  });
});
