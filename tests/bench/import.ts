// `npm run bench:import`: 100,000 questions through the import pipeline (the same job the import
// page starts: parse, validate every row, stage, move into the bank with version 1) against the
// floor, `COPY` of the same rows into `questions`, on a fresh database of its own (PGlite in a
// temporary directory, or a new database on the server named by DATABASE_URL). Prints the times and
// their ratio and writes tests/bench/results/<date>-import-<kind>.json. Then the near-duplicate check
// alone (BENCH_DUP_ROWS staged rows against a bank of BENCH_DUP_BANK in one certificate, with its recall
// against the exact trigram check); BENCH_IMPORT_ROWS=0 runs only that.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { createDatabase, databaseUrl, dropDatabase } from "./database";
import { openDatabase, fromPglite, createPglite, migrateDatabase, rowsOf, type Database } from "../../db/client.server";
import { seedDemo } from "../../db/seed/demo";
import { questionColumns } from "../../app/modules/questions/import-rows";

const rows = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
// The near-duplicate check (issue 19 item 4): staged rows checked against a bank of this size.
const duplicateBank = Number(process.env.BENCH_DUP_BANK ?? 1_000_000);
const duplicateRows = Number(process.env.BENCH_DUP_ROWS ?? 100_000);
const root = path.resolve(import.meta.dirname, "../..");

function csvCell(value: string) {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The i-th question, as the template's cells (Chinese labels) and as the stored row. */
function question(i: number) {
  const difficulty = (i % 5) + 1;
  const exam = i % 10 < 3; // 30% exam pool, as the scale data has it
  const stem = `性能测试题 ${String(i).padStart(6, "0")}：在数据标注项目中，当标注规范出现歧义时，标注员首先应当如何处理？请结合质检流程说明。`;
  const options = ["按个人理解继续标注", "暂停并向项目负责人确认规范", "跳过有歧义的数据", "随机选择一个类别"];
  const explanation = "规范有歧义时应先确认，避免返工与质量问题。";
  return { stem, options, answer: "B", explanation, difficulty, pool: exam ? "exam" : "practice", tags: ["性能测试", "数据标注"] };
}

/** The import template's CSV of `count` questions; `stemOf` replaces the pipeline's stems. */
function templateCsv(count = rows, stemOf?: (i: number) => string) {
  const lines = [questionColumns.map((c) => c.zh).join(",")];
  for (let i = 0; i < count; i++) {
    const q = question(i);
    const cells: Record<string, string> = {
      type: "单选题",
      stem: stemOf ? stemOf(i) : q.stem,
      optionA: q.options[0],
      optionB: q.options[1],
      optionC: q.options[2],
      optionD: q.options[3],
      answer: q.answer,
      explanation: q.explanation,
      difficulty: String(q.difficulty),
      level: "中级",
      tags: q.tags.join(","),
      pool: q.pool === "exam" ? "考试" : "练习",
      visibility: "仅本机构",
    };
    lines.push(questionColumns.map((c) => csvCell(cells[c.key] ?? "")).join(","));
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/** The same rows in COPY's text format, as the bank stores them. */
function copyText(tenantId: string, certificateId: string) {
  const escape = (value: string) => value.replace(/\\/g, "\\\\").replace(/\t/g, "\\t").replace(/\n/g, "\\n");
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    const q = question(i);
    out.push(
      [
        tenantId,
        certificateId,
        "intermediate",
        "single_choice",
        q.stem,
        JSON.stringify(q.options),
        q.answer,
        q.explanation,
        "",
        q.difficulty,
        "{}",
        `{${q.tags.join(",")}}`,
        q.pool,
        "private",
        "published",
        1,
      ]
        .map((v) => escape(String(v)))
        .join("\t"),
    );
  }
  return `${out.join("\n")}\n`;
}

const copyColumns =
  "tenant_id, certificate_id, level, type, stem, options, answer, explanation, rubric, difficulty, requirement_ids, tags, pool, visibility, status, version";

async function freshDatabase(serverUrl: string | undefined): Promise<{ database: Database; cleanup: () => Promise<void>; kind: string }> {
  if (!serverUrl) {
    const dir = await mkdtemp(path.join(os.tmpdir(), "xcert-bench-import-"));
    const database = fromPglite(await createPglite({ dataDir: dir }));
    return {
      database,
      kind: "pglite",
      cleanup: async () => {
        await database.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  // On the server the bench was given (run.ts passes adminUrl; the CLI, DATABASE_URL: the same server).
  // BENCH_DUP_REUSE names a database an earlier run kept (BENCH_KEEP_DATABASE=1): its bank is reused.
  const name = reusedBank ?? `xcert_bench_import_${Date.now()}`;
  if (!reusedBank) await createDatabase(name);
  const database = await openDatabase(databaseUrl(name));
  return {
    database,
    kind: "postgres",
    cleanup: async () => {
      await database.close();
      if (process.env.BENCH_KEEP_DATABASE === "1") console.log(`kept database ${name} (BENCH_DUP_REUSE=${name} reuses its bank)`);
      else await dropDatabase(name);
    },
  };
}
const reusedBank = process.env.BENCH_DUP_REUSE;

// Varied Chinese stems for the duplicate check: a trigram index over the pipeline's template stems
// (identical but for a number) would be all one posting list, which no real bank looks like.
const vocabulary = (
  "数据 标注 采集 清洗 质检 抽检 模型 训练 测试 验证 评估 准确率 召回率 混淆矩阵 意图 识别 知识库 客服 对话 日志 语音 转写 切分 图像 分类 " +
  "拉框 关键点 分割 文本 实体 关系 抽取 脱敏 隐私 授权 合规 存储 传输 权限 巡检 运维 异常 上报 设备 指导 用户 问题 流程 业务 需求 方案 " +
  "成本 风险 报告 图表 指标 统计 分析 迭代 优化 参数 过拟合 欠拟合 特征 样本 标签 规范 歧义 负责人 项目 交付 归档 记录 工具 平台 系统 " +
  "算法 偏差 公平 分组 回归 对照 上线 监控 告警 容量 性能 延迟 吞吐 部署 版本 发布 回滚 备份 恢复 安全 审计 日志 接口 格式 编码 字段"
).split(" ");
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
function variedStem(random: () => number) {
  const words = Array.from({ length: 10 + Math.floor(random() * 8) }, () => vocabulary[Math.floor(random() * vocabulary.length)]);
  return `${words.join("")}？`;
}

/** A question job of the target's certificate with its CSV file, as the import page queues it. */
async function queueCsvJob(database: Database, target: { tenant_id: string; id: string; user_id: string }, fileName: string, file: string) {
  const [job] = rowsOf<{ id: string }>(
    await database.db.execute(sql`insert into import_jobs (tenant_id, kind, format, certificate_id, file_name, created_by_user_id)
      values (${target.tenant_id}, 'questions', 'csv', ${target.id}, ${fileName}, ${target.user_id}) returning id`),
  );
  await database.db.execute(
    sql`insert into import_files (tenant_id, job_id, bytes) values (${target.tenant_id}, ${job.id}, decode(${Buffer.from(file).toString("base64")}, 'base64'))`,
  );
  return job;
}

/**
 * Samples a running job's progress from another connection, to tell where its time to the review
 * went: the file read (its rows counted), every row validated, every row staged; the check follows.
 */
function watchPhases(database: Database, tenantId: string, jobId: string, started: number) {
  const phases: { readMs?: number; validatedMs?: number; stagedMs?: number } = {};
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const [job] = rowsOf<{ status: string; total_rows: number; processed_rows: number; imported_rows: number }>(
        await database.db.execute(
          sql`select status, total_rows, processed_rows, imported_rows from import_jobs where tenant_id = ${tenantId} and id = ${jobId}`,
        ),
      );
      const at = Math.round(performance.now() - started);
      if (job && job.total_rows > 0) {
        phases.readMs ??= at;
        if (job.status !== "validating") phases.validatedMs ??= at;
        if (job.imported_rows === job.total_rows) phases.stagedMs ??= at;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return phases;
    },
  };
}

export interface DuplicateCheckResult {
  bankRows: number;
  stagedRows: number;
  /** Building the bank in the database, its signatures (the trigger) and indexes included. */
  bankLoadMs: number;
  /** The check itself: flagDuplicateRows in the job's own RLS scope. */
  ms: number;
  perRowMs: number;
  flagged: number;
  /** Rows made from a bank stem with a stretch of it replaced (2–12 characters). */
  planted: number;
  /** Recall against the exact trigram check (decision 057): pairs at or above the threshold, how many were flagged. */
  recall: { method: string; pairs: number; found: number; recall: number; byBand: { from: number; pairs: number; found: number }[] };
  loadAverage: { before: number[]; after: number[] };
  /**
   * The whole import of the same rows as a file into that bank (issue 19: "100,000 rows into a bank of
   * 1,000,000 within 60 s"): parse, validate, stage, check (to the review), then, the flagged rows
   * skipped, the move into the bank. BENCH_DUP_PIPELINE=0 leaves it out.
   */
  pipeline?: {
    rows: number;
    toReviewMs: number;
    /** From the user's choice to the job done (the move committed). */
    moveMs: number;
    /** After that, the runner's merge of the GIN pending lists the move filled (decision 063). */
    mergeMs: number;
    totalMs: number;
    /** When each step before the review ended, in ms from the start (sampled every 100 ms). */
    phases: { readMs?: number; validatedMs?: number; stagedMs?: number };
    flagged: number;
    imported: number;
    loadAverage: { before: number[]; after: number[] };
  };
}

/**
 * The cost of the near-duplicate check alone: a bank of `bank` single-choice questions in **one**
 * certificate, built by the database (generate_series; 10–17 words of the vocabulary a stem; indexes
 * dropped during the load and built after it, as a restore would; the signature trigger runs in the
 * load's one INSERT); `staged` rows of a question job in import_rows, 5% of them a bank stem with a
 * stretch of 2–12 characters replaced (similarity from about 0.4 to 0.95); then flagDuplicateRows in
 * the job's own scope (RLS on), timed. Recall: on a bank of at most 200,000 every tenth staged row
 * (the planted rows are rows 1, 21, 41 …) is checked exactly through the trigram index (as the owner); on a larger one the planted rows are
 * compared exactly with the stem they were made from (random stems of this vocabulary stay far below
 * 0.6 of each other).
 */
async function benchDuplicateCheck(
  database: Database,
  target: { tenant_id: string; id: string; user_id: string },
  bank: number,
  staged: number,
): Promise<DuplicateCheckResult> {
  const loadStarted = performance.now();
  if (reusedBank) {
    // The bank as the earlier run built it: what that run imported leaves (published rows, so the owner
    // lifts that guard for this cleanup), its jobs with their staged rows too.
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`alter table questions disable trigger questions_keep_published`);
      await tx.execute(sql`delete from question_versions where tenant_id = ${target.tenant_id}`);
      await tx.execute(sql`delete from questions where tenant_id = ${target.tenant_id} and certificate_id = ${target.id} and import_job_id is not null`);
      await tx.execute(sql`alter table questions enable trigger questions_keep_published`);
      await tx.execute(sql`delete from import_jobs where tenant_id = ${target.tenant_id}`);
    });
    // What the earlier runs deleted is vacuumed away, as autovacuum would (it is off on this machine's
    // server): each run imports the same stems, and their dead copies would be candidates of every lookup.
    for (const table of ["questions", "question_stem_bands", "question_versions", "import_rows", "import_row_bands"])
      await database.db.execute(sql.raw(`vacuum (analyze) ${table}`));
    const [{ n }] = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from questions where certificate_id = ${target.id}`));
    if (n !== bank) throw new Error(`BENCH_DUP_REUSE: the kept bank has ${n} questions, not ${bank}`);
  }
  const dropped = rowsOf<{ indexdef: string; indexname: string }>(
    await database.db.execute(
      sql`select indexname, indexdef from pg_indexes where (tablename = 'questions' and indexdef like '%gin_trgm_ops%') or indexname = 'question_stem_bands_bands_idx'`,
    ),
  );
  if (!reusedBank) for (const index of dropped) await database.db.execute(sql.raw(`drop index ${index.indexname}`));
  const words = `{${vocabulary.join(",")}}`;
  if (!reusedBank)
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select setseed(0.19)`);
      await tx.execute(sql`
    insert into questions (tenant_id, certificate_id, level, type, stem, options, answer, explanation, rubric, difficulty, requirement_ids, tags, pool, visibility, status, version)
    select ${target.tenant_id}, ${target.id}, 'intermediate', 'single_choice', s.stem, '[]', 'A', '', '', 3, '{}', '{}', 'practice', 'private', 'published', 1
    from generate_series(1, ${bank}) g
    cross join lateral (
      select string_agg((${words}::text[])[1 + floor(random() * ${vocabulary.length})::int], '') || '？' as stem
      from generate_series(1, 10 + floor(random() * 8)::int + 0 * g)) s`);
    });
  await database.db.execute(sql`set maintenance_work_mem = '256MB'`);
  if (!reusedBank)
    // All of them, the bank's stem trigram indexes too: the move appends to them as a real bank's would
    // (at 1,000,000 questions they take about 20 s to build).
    for (const index of dropped) await database.db.execute(sql.raw(index.indexdef));
  await database.db.execute(sql`analyze questions`);
  await database.db.execute(sql`analyze question_stem_bands`);
  const bankLoadMs = performance.now() - loadStarted;
  console.log(`  bank of ${bank} with its signatures and indexes built in ${(bankLoadMs / 1000).toFixed(1)} s`);

  const [job] = rowsOf<{ id: string }>(
    await database.db.execute(sql`insert into import_jobs (tenant_id, kind, format, certificate_id, file_name, created_by_user_id, status)
      values (${target.tenant_id}, 'questions', 'csv', ${target.id}, 'dup-bench.csv', ${target.user_id}, 'importing') returning id`),
  );
  const random = prng(19);
  const sources = rowsOf<{ stem: string }>(
    await database.db.execute(sql`select stem from questions where certificate_id = ${target.id} order by md5(stem) limit ${Math.ceil(staged / 20)}`),
  ).map((r) => r.stem);
  const plantedFrom = new Map<number, string>();
  const stems: string[] = [];
  for (let i = 0; i < staged; i++) {
    let stem = variedStem(random);
    if (i % 20 === 0 && sources.length) {
      const source = sources[plantedFrom.size % sources.length];
      const chars = [...source];
      const length = 2 + Math.floor(random() * 11);
      const at = Math.floor(random() * Math.max(1, chars.length - length));
      const replacement = [...variedStem(random)].slice(0, length);
      chars.splice(at, length, ...replacement);
      stem = chars.join("");
      plantedFrom.set(i + 1, source);
    }
    stems.push(stem);
  }
  const rowsData = stems.map((stem, i) => ({
    tenantId: target.tenant_id,
    jobId: job.id,
    rowNumber: i + 1,
    data: { type: "single_choice", level: "intermediate", stem },
  }));
  const { importRows } = await import("../../db/schema");
  for (let start = 0; start < rowsData.length; start += 2000) await database.db.insert(importRows).values(rowsData.slice(start, start + 2000));
  await database.db.execute(sql`analyze import_rows`);

  const { duplicateThreshold } = await import("../../app/modules/questions/duplicates.server");
  const { flagJobDuplicates } = await import("../../app/modules/imports/jobs.server");
  const before = os.loadavg();
  const started = performance.now();
  // As the import job runs it (its lanes, decision 063).
  const flagged = await flagJobDuplicates(target.tenant_id, { tenantId: target.tenant_id, id: job.id, certificateId: target.id }, (checked, total) =>
    console.log(`  near-duplicate check: batch up to row ${checked} of ${total} after ${((performance.now() - started) / 1000).toFixed(1)} s`),
  );
  const ms = performance.now() - started;
  const after = os.loadavg();

  // Recall against the exact check, by similarity band of the pair.
  const flaggedRows = new Set(
    rowsOf<{ row_number: number }>(
      await database.db.execute(
        sql`select row_number from import_rows where tenant_id = ${target.tenant_id} and job_id = ${job.id} and duplicate_of is not null`,
      ),
    ).map((r) => Number(r.row_number)),
  );
  let truth: { row: number; sim: number }[];
  let method: string;
  if (bank <= 200_000) {
    method = "every tenth staged row (the planted ones and as many others) against the whole bank through the trigram index (exact)";
    truth = await database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('pg_trgm.similarity_threshold', ${String(duplicateThreshold)}, true)`);
      return rowsOf<{ row: number; sim: number }>(
        await tx.execute(sql`select r.row_number as row, best.sim from import_rows r cross join lateral (
            select similarity(q.stem, r.data->>'stem') as sim from questions q
            where q.tenant_id = ${target.tenant_id} and q.certificate_id = ${target.id} and q.type = 'single_choice' and q.stem % (r.data->>'stem')
            order by 1 desc limit 1) best
          where r.tenant_id = ${target.tenant_id} and r.job_id = ${job.id} and (r.row_number - 1) % 10 = 0`),
      );
    });
  } else {
    method = "planted rows against the bank stem each was made from (exact similarity)";
    const pairs = [...plantedFrom].map(([row, source]) => ({ row, source, stem: stems[row - 1] }));
    truth = rowsOf<{ row: number; sim: number }>(
      await database.db.execute(sql`select (p->>'row')::int as row, similarity(p->>'source', p->>'stem') as sim
        from jsonb_array_elements(${JSON.stringify(pairs)}::jsonb) p where similarity(p->>'source', p->>'stem') >= ${duplicateThreshold}`),
    );
  }
  const byBand = [0.6, 0.7, 0.8, 0.9].map((from) => {
    const inBand = truth.filter((t) => Number(t.sim) >= from && Number(t.sim) < from + 0.1 + (from === 0.9 ? 0.01 : 0));
    return { from, pairs: inBand.length, found: inBand.filter((t) => flaggedRows.has(Number(t.row))).length };
  });
  const found = truth.filter((t) => flaggedRows.has(Number(t.row))).length;
  const round = (n: number) => Math.round(n * 10) / 10;

  // The same rows through the whole import, as a file into the same bank (the check's job leaves first).
  let pipeline: DuplicateCheckResult["pipeline"];
  if (process.env.BENCH_DUP_PIPELINE !== "0") {
    await database.db.execute(sql`delete from import_jobs where tenant_id = ${target.tenant_id} and id = ${job.id}`);
    const { runImportJob } = await import("../../app/modules/imports/jobs.server");
    const file = templateCsv(staged, (i) => stems[i]);
    const fileJob = await queueCsvJob(database, target, "dup-bench.csv", file);
    const pipelineBefore = os.loadavg();
    const started = performance.now();
    const watch = watchPhases(database, target.tenant_id, fileJob.id, started);
    const review = await runImportJob(target.tenant_id, fileJob.id);
    const toReviewMs = performance.now() - started;
    const phases = await watch.stop();
    if (review?.status !== "review") throw new Error(`import did not stop for review: ${JSON.stringify(review)}`);
    // The user's "skip the flagged rows" (decideDuplicates, without the request around it).
    await database.db.execute(
      sql`update import_jobs set duplicates = 'skip', status = 'importing', locked_until = null where tenant_id = ${target.tenant_id} and id = ${fileJob.id}`,
    );
    const moveStarted = Date.now();
    const done = await runImportJob(target.tenant_id, fileJob.id);
    const moveAndMergeMs = Date.now() - moveStarted;
    // Done for its user when the move commits (finished_at); the runner then merges the indexes' pending lists.
    const moveMs = done?.finishedAt ? done.finishedAt.getTime() - moveStarted : moveAndMergeMs;
    if (done?.status !== "done") throw new Error(`import did not finish: ${JSON.stringify(done)}`);
    pipeline = {
      rows: staged,
      toReviewMs: Math.round(toReviewMs),
      moveMs: Math.round(moveMs),
      mergeMs: Math.round(moveAndMergeMs - moveMs),
      totalMs: Math.round(toReviewMs + moveMs),
      phases,
      flagged: Number(review.duplicateRows),
      imported: Number(done.importedRows),
      loadAverage: { before: pipelineBefore.map(round), after: os.loadavg().map(round) },
    };
    console.log(
      `  the same ${staged} rows as a file into the bank: ${(pipeline.totalMs / 1000).toFixed(1)} s ` +
        `(to the review ${(toReviewMs / 1000).toFixed(1)} s, ${pipeline.flagged} flagged; read, validated, staged at ${[phases.readMs, phases.validatedMs, phases.stagedMs].map((ms) => (ms === undefined ? "?" : (ms / 1000).toFixed(1))).join(", ")} s; move after skipping them ${(moveMs / 1000).toFixed(1)} s, ${pipeline.imported} imported; then the index merge ${(pipeline.mergeMs / 1000).toFixed(1)} s)`,
    );
  }
  return {
    bankRows: bank,
    stagedRows: staged,
    bankLoadMs: Math.round(bankLoadMs),
    ms: Math.round(ms),
    perRowMs: Math.round((ms / staged) * 1000) / 1000,
    flagged,
    planted: plantedFrom.size,
    recall: { method, pairs: truth.length, found, recall: truth.length ? Math.round((found / truth.length) * 10000) / 10000 : 1, byBand },
    loadAverage: { before: before.map(round), after: after.map(round) },
    pipeline,
  };
}

export interface ImportResult {
  at: string;
  database: string;
  rows: number;
  importMs: number;
  copyMs: number;
  ratio: number;
  duplicateCheck?: DuplicateCheckResult;
  machine: { cpus: number; model: string | undefined; memoryGiB: number; node: string };
}

/**
 * Runs the comparison on a fresh database: PGlite in a temporary directory without `serverUrl`, or a
 * new database on that PostgreSQL server (dropped afterwards). `npm run bench` calls it too.
 */
export async function benchImport(serverUrl = process.env.DATABASE_URL): Promise<ImportResult> {
  const { database, cleanup, kind } = await freshDatabase(serverUrl);
  try {
    if (reusedBank && rows > 0) throw new Error("BENCH_DUP_REUSE measures the near-duplicate check alone: set BENCH_IMPORT_ROWS=0");
    await migrateDatabase(database);
    globalThis.__xcertDatabase = Promise.resolve(database);
    if (!reusedBank) await seedDemo();
    const [target] = rowsOf<{ tenant_id: string; id: string; user_id: string }>(
      await database.db.execute(sql`select c.tenant_id, c.id, (select m.user_id from memberships m where m.tenant_id = c.tenant_id limit 1) as user_id
        from certificates c where c.code = 'BIGDATA-PY'`),
    );
    const { runImportJob } = await import("../../app/modules/imports/jobs.server");

    // BENCH_IMPORT_ROWS=0 measures the near-duplicate check alone.
    let importMs = 0;
    let copyMs = 0;
    if (rows > 0) {
      // The pipeline: the job the import page queues, with its file.
      const file = templateCsv();
      const job = await queueCsvJob(database, target, "bench.csv", file);
      const started = performance.now();
      const done = await runImportJob(target.tenant_id, job.id);
      importMs = performance.now() - started;
      if (done?.status !== "done" || done.importedRows !== rows) throw new Error(`import did not finish: ${JSON.stringify(done)}`);

      // The floor: COPY of the same rows straight into the table (no validation, no versions).
      // The imported questions are published, which the database keeps (decision 019): the owner lifts
      // that guard for this cleanup only, inside one transaction.
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`alter table questions disable trigger questions_keep_published`);
        await tx.execute(sql`delete from question_versions where tenant_id = ${target.tenant_id}`);
        await tx.execute(sql`delete from questions where tenant_id = ${target.tenant_id} and certificate_id = ${target.id}`);
        await tx.execute(sql`alter table questions enable trigger questions_keep_published`);
      });
      const text = copyText(target.tenant_id, target.id);
      const copyStarted = performance.now();
      if (database.pglite) {
        await database.pglite.query(`copy questions (${copyColumns}) from '/dev/blob'`, [], { blob: new Blob([text]) });
      } else {
        const writable = await database.sql!.unsafe(`copy questions (${copyColumns}) from stdin`).writable();
        await new Promise<void>((resolve, reject) => {
          writable.on("error", reject);
          writable.on("finish", () => resolve());
          writable.end(text);
        });
      }
      copyMs = performance.now() - copyStarted;
      const [{ n }] = rowsOf<{ n: number }>(await database.db.execute(sql`select count(*)::int as n from questions where certificate_id = ${target.id}`));
      if (n !== rows) throw new Error(`COPY wrote ${n} rows, expected ${rows}`);
    }

    // The near-duplicate check on a bank of its own size (the pipeline's rows leave first; a reused bank stays).
    if (!reusedBank)
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`alter table questions disable trigger questions_keep_published`);
        await tx.execute(sql`delete from question_versions where tenant_id = ${target.tenant_id}`);
        await tx.execute(sql`delete from questions where tenant_id = ${target.tenant_id} and certificate_id = ${target.id}`);
        await tx.execute(sql`alter table questions enable trigger questions_keep_published`);
      });
    const duplicateCheck = duplicateBank > 0 && duplicateRows > 0 ? await benchDuplicateCheck(database, target, duplicateBank, duplicateRows) : undefined;
    if (duplicateCheck) {
      const d = duplicateCheck;
      console.log(
        `near-duplicate check (${kind}): ${d.stagedRows} staged rows against a bank of ${d.bankRows} in one certificate: ${(d.ms / 1000).toFixed(1)} s ` +
          `(${d.perRowMs} ms a row; bank built in ${(d.bankLoadMs / 1000).toFixed(1)} s); ${d.flagged} rows flagged, ${d.planted} planted; ` +
          `recall ${d.recall.found}/${d.recall.pairs} = ${d.recall.recall} (${d.recall.method}; by similarity: ${d.recall.byBand.map((b) => `${b.from}+ ${b.found}/${b.pairs}`).join(", ")}); ` +
          `load average ${d.loadAverage.before.join(" ")} before, ${d.loadAverage.after.join(" ")} after`,
      );
    }

    const result: ImportResult = {
      at: new Date().toISOString(),
      database: kind,
      rows,
      importMs: Math.round(importMs),
      copyMs: Math.round(copyMs),
      ratio: copyMs ? Math.round((importMs / copyMs) * 100) / 100 : 0,
      duplicateCheck,
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    };
    console.log(
      `import of ${rows} questions (${kind}): pipeline ${(importMs / 1000).toFixed(1)} s, COPY ${(copyMs / 1000).toFixed(1)} s, ratio ${result.ratio}×`,
    );
    return result;
  } finally {
    globalThis.__xcertDatabase = undefined;
    await cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchImport();
  const dir = path.join(root, "tests/bench/results");
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, `${result.at.slice(0, 10)}-import-${result.database}.json`), `${JSON.stringify(result, null, 2)}\n`);
}
