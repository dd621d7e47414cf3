// `npm run seed:scale`: a national-size data set for the benchmark and the query-plan test, generated
// inside the database (INSERT … SELECT over generate_series, in batches), deterministic from
// SCALE_SEED: the same seed gives the same ids, names, texts and amounts on PGlite and PostgreSQL.
// SCALE multiplies every count (1 = the full set; 0.01 for a quick run). Adds to whatever the database
// holds (the demo may be there); refuses to run twice.
import { sql, type SQL } from "drizzle-orm";
import { hashPassword } from "../../app/modules/auth/password.server";
import { formatCredentialNumber } from "../../app/modules/credentials/number";
import { creditCodeCheckChar } from "../../app/modules/tenancy/credit-code";
import { getDatabase, rowsOf, type Db } from "../client.server";
import { demoPassword } from "./demo";

const seed = process.env.SCALE_SEED ?? "xcert-2026";

/** The national-size counts times `scale` (SCALE, default 1). */
export function scaleCounts(scale = Number(process.env.SCALE ?? 1)) {
  const count = (n: number) => Math.max(1, Math.round(n * scale));
  return {
    organizations: count(300),
    schools: count(1000),
    certificates: count(1500),
    questions: count(1_000_000),
    cases: count(100_000),
    materials: count(200_000),
    disclosures: count(50_000),
    orders: count(200_000),
    // Trainers and examiners: about 200 per organization (issue 16, the /verify benchmark).
    credentials: count(60_000),
    // Pilot majors of the schools, 4 each (issue 15: the library and the dashboard read them), each
    // with 3 cohorts (entry years), one certificate piloted and one approved adoption.
    majors: count(4_000),
  };
}
// Credentials and majors are optional: a generator configured before them (the query-plans test) leaves them out.
export type ScaleCounts = Omit<ReturnType<typeof scaleCounts>, "credentials" | "majors"> & { credentials?: number; majors?: number };
const batch = 100_000;

/** A deterministic uuid for the n-th row of a kind. */
const id = (kind: string, n: SQL | string) => sql`md5(${`${seed}:${kind}:`} || (${typeof n === "string" ? sql.raw(n) : n})::text)::uuid`;
/** A deterministic number in [0, modulo) for the n-th row (differs per salt). */
const pick = (salt: string, n: string, modulo: number) => sql`(abs(hashtext(${`${seed}:${salt}:`} || (${sql.raw(n)})::text)) % ${modulo})`;
const arr = (values: string[]) =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
const from = (values: string[], salt: string, n: string) => sql`(${arr(values)})[1 + ${pick(salt, n, values.length)}]`;

const subjects = [
  "数据标注",
  "智能客服",
  "图像识别",
  "语音转写",
  "模型训练",
  "数据清洗",
  "算法测试",
  "知识库构建",
  "工业机器人操作与运维",
  "电子商务数据分析",
  "云计算平台运维",
  "网络安全评估",
  "老年照护",
  "物流管理",
  "建筑信息模型(BIM)",
  "智能财税",
  "Web前端开发",
  "汽车运用与维修",
  "大数据应用开发(Python)",
];
const scenes = [
  "某电商平台",
  "某三甲医院",
  "上海某物流园区",
  "某商业银行",
  "某智能制造工厂",
  "某社区养老服务中心",
  "浦东新区某科技企业",
  "某职业院校实训中心",
  "某跨境贸易公司",
  "洋山港某码头",
  "徐汇区某文化传媒公司",
  "某新能源汽车4S店",
];
const tasks = [
  "制定作业规范",
  "完成质量检验",
  "处理异常数据",
  "编写测试用例",
  "配置运行参数",
  "分析业务指标",
  "排查系统故障",
  "撰写项目报告",
  "组织现场培训",
  "评估安全风险",
];
const tails = [
  "首先应当采取哪项措施？",
  "下列做法中正确的是哪一项？",
  "应重点关注哪些风险？",
  "最合适的处理方式是什么？",
  "请说明主要步骤及注意事项。",
  "以下说法错误的是哪一项？",
];
const constraints = [
  "项目周期只有两周，",
  "客户要求准确率不低于98%，",
  "数据涉及个人信息，",
  "现场设备型号较旧，",
  "团队中有三名新员工，",
  "需要同时满足行业标准与企业规范，",
];
const districts = ["黄浦", "徐汇", "长宁", "静安", "普陀", "虹口", "杨浦", "闵行", "宝山", "嘉定", "浦东新区", "金山", "松江", "青浦", "奉贤", "崇明"];
const industriesList = [
  "finance",
  "trade",
  "shipping",
  "innovation",
  "economy",
  "services",
  "manufacturing",
  "shopping",
  "culture",
  "ai",
  "digital",
  "elderly-care",
  "construction",
  "logistics",
  "automotive",
];
const levels = ["junior", "intermediate", "senior"];

/** Valid 统一社会信用代码, one per row number: 91… an enterprise, 12… a public institution (a school), in Shanghai. */
function creditCodes(n: number, prefix = "91310000") {
  return Array.from({ length: n }, (_, i) => {
    const first17 = `${prefix}${String(i + 1).padStart(9, "0")}`;
    return first17 + creditCodeCheckChar(first17);
  });
}

/**
 * One statement in a transaction of its own, in the system scope (the fee and order guards let it
 * write history with past dates; the fee audit is refreshed once at the end, not per batch) and with plans made for the tables as they are: a plan cached when a
 * table was small would check each foreign key by a sequential scan (quadratic over a batch).
 */
async function exec(db: Db, statement: SQL) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.role', 'system', true), set_config('xcert.defer_fee_findings', 'on', true)`);
    await tx.execute(sql`set local plan_cache_mode = force_custom_plan`);
    await tx.execute(statement);
  });
}

async function run(db: Db, label: string, statement: SQL) {
  const started = performance.now();
  await exec(db, statement);
  console.log(`  ${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

/** Inserts `total` rows with `statement(start, end)` in batches, printing progress. */
async function batched(db: Db, label: string, total: number, statement: (start: number, end: number) => SQL) {
  const started = performance.now();
  for (let start = 1; start <= total; start += batch) {
    const end = Math.min(total, start + batch - 1);
    await exec(db, statement(start, end));
    process.stdout.write(`\r  ${label}: ${end.toLocaleString("en")} / ${total.toLocaleString("en")}`);
  }
  process.stdout.write(` (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}

export async function seedScale(db: Db, c: ScaleCounts = scaleCounts()) {
  const [exists] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from tenants where slug = 'org-00001'`));
  if (exists.n) return "skipped" as const;
  const passwordHash = await hashPassword(demoPassword);

  await run(
    db,
    `${c.organizations} organizations, ${c.schools} schools, one admin each`,
    sql`
    with t as (
      insert into tenants (id, kind, slug, name, name_en, credit_code, admission)
      select ${id("org", "g")}, 'organization'::tenant_kind, 'org-' || lpad(g::text, 5, '0'),
        '上海' || ${from(subjects, "org-name", "g")} || '培训评价中心' || g, 'Shanghai training and evaluation organization ' || g,
        (string_to_array(${creditCodes(c.organizations).join(",")}, ','))[g], 'admitted'::admission_status
      from generate_series(1, ${c.organizations}::int) g
      union all
      select ${id("school", "g")}, 'school'::tenant_kind, 'school-' || lpad(g::text, 5, '0'),
        '上海市' || ${from(districts, "school-district", "g")} || '区职业技术学校' || g, 'Shanghai vocational school ' || g,
        (string_to_array(${creditCodes(c.schools, "12310000").join(",")}, ','))[g], 'admitted'::admission_status
      from generate_series(1, ${c.schools}::int) g
      returning id, slug
    ), u as (
      insert into users (id, email, name, password_hash)
      select md5(${`${seed}:user:`} || t.slug)::uuid, 'admin@' || t.slug || '.scale.xcert.test', '管理员 ' || t.slug, ${passwordHash} from t
      returning id, email
    )
    insert into memberships (tenant_id, user_id, role)
    select t.id, u.id, 'admin' from t join u on u.email = 'admin@' || t.slug || '.scale.xcert.test'`,
  );
  // The admins sign in without a second factor, as the demo's accounts do: the exemption counts in
  // demo mode only (decision 031), and the benchmark logs in as them to measure pages, not enrolment.
  await run(
    db,
    "  second-factor exemptions of the admins (demo mode only)",
    sql`insert into second_factor_exemptions (user_id) select id from users where email like 'admin@%.scale.xcert.test'`,
  );

  await run(
    db,
    `${c.certificates} certificates with cost caps`,
    sql`
    with c as (
      insert into certificates (tenant_id, id, code, name_zh, name_en, industry_code, levels, description, status)
      select ${id("org", `1 + (g - 1) % ${c.organizations}`)}, ${id("certificate", "g")}, 'X-' || lpad(g::text, 5, '0'),
        ${from(subjects, "cert-subject", "g")} || '职业技能等级证书' || g, 'Vocational skill certificate ' || g,
        ${from(industriesList, "cert-industry", "g")}, '{junior,intermediate,senior}', '面向上海及长三角重点产业的职业技能等级证书。', 'active'
      from generate_series(1, ${c.certificates}::int) g
      returning tenant_id, id
    )
    insert into cost_caps (tenant_id, certificate_id, level, amount_fen, effective_from, reason)
    select c.tenant_id, c.id, l.level::certificate_level, l.cap, '2021-01-01T00:00:00+08:00', '教职成厅函〔2020〕11号'
    from c cross join (values ('junior', 40000), ('intermediate', 60000), ('senior', 90000)) l(level, cap)`,
  );

  // One published skill standard per certificate: per level 2 work areas × 2 tasks × 3 requirements,
  // written as a draft and then published (the node guard only lets drafts change).
  const node = (suffix: string) => sql.raw(`md5('${seed}:node:' || c || ':' || l || ':' || ${suffix})::uuid`);
  const lineage = (suffix: string) => sql.raw(`md5('${seed}:lineage:' || c || ':' || l || ':' || ${suffix})::uuid`);
  const shape = sql`generate_series(1, ${c.certificates}::int) c cross join generate_series(0, 2) l cross join generate_series(1, 2) a`;
  const tenantOf = sql.raw(`md5('${seed}:org:' || (1 + (c - 1) % ${c.organizations})::text)::uuid`);
  const versionOf = sql.raw(`md5('${seed}:standard:' || c::text)::uuid`);
  const levelOf = sql`(${arr(levels)})[1 + l]::certificate_level`;
  await run(
    db,
    `${c.certificates} skill standards (${c.certificates * 36} requirements)`,
    sql`
    insert into standard_versions (tenant_id, id, certificate_id, version, status, notes)
    select ${tenantOf}, ${versionOf}, ${id("certificate", "c")}, 1, 'draft', '首次发布' from generate_series(1, ${c.certificates}::int) c`,
  );
  await run(
    db,
    "  work areas, tasks, requirements",
    sql`
    insert into standard_nodes (tenant_id, id, version_id, level, parent_id, kind, position, code, lineage_id, title_zh, title_en)
    select ${tenantOf}, ${node("a")}, ${versionOf}, ${levelOf}, null, 'work_area', a, a::text, ${lineage("a")},
      ${from(subjects, "area", "c * 10 + a")} || '与' || ${from(tasks, "area-task", "c * 10 + a")}, 'Work area ' || a
    from ${shape}`,
  );
  await exec(
    db,
    sql`
    insert into standard_nodes (tenant_id, id, version_id, level, parent_id, kind, position, code, lineage_id, title_zh, title_en)
    select ${tenantOf}, ${node("a || '.' || t")}, ${versionOf}, ${levelOf}, ${node("a")}, 'work_task', t, a || '.' || t, ${lineage("a || '.' || t")},
      ${from(tasks, "task", "c * 100 + a * 10 + t")}, 'Work task ' || a || '.' || t
    from ${shape} cross join generate_series(1, 2) t`,
  );
  await exec(
    db,
    sql`
    insert into standard_nodes (tenant_id, id, version_id, level, parent_id, kind, position, code, lineage_id, title_zh, title_en)
    select ${tenantOf}, ${node("a || '.' || t || '.' || r")}, ${versionOf}, ${levelOf}, ${node("a || '.' || t")}, 'skill_requirement', r,
      a || '.' || t || '.' || r, ${lineage("a || '.' || t || '.' || r")},
      '能' || ${from(tasks, "req", "c * 1000 + a * 100 + t * 10 + r")} || '，' || ${from(constraints, "req-c", "c * 1000 + a * 100 + t * 10 + r")} || '并记录结果', 'Skill requirement ' || a || '.' || t || '.' || r
    from ${shape} cross join generate_series(1, 2) t cross join generate_series(1, 3) r`,
  );
  await exec(
    db,
    sql`update standard_versions set status = 'published', published_at = now() - interval '400 days'
    where notes = '首次发布' and status = 'draft' and id in (select ${versionOf} from generate_series(1, ${c.certificates}::int) c)`,
  );

  // Fee histories: each (certificate, level, kind) key gets versions 0, 1, 2 … published 45 days
  // before they take effect, each superseding the one before.
  const keys = c.certificates * 3 * 2;
  const disclosureSql = (start: number, end: number) => sql`
    insert into fee_disclosures (tenant_id, id, certificate_id, level, kind, amount_fen, unit, includes, effective_from, contact,
      change_reason, status, supersedes_id, created_at, published_at)
    select ${id("org", `1 + ((g - 1) % ${keys} / 6) % ${c.organizations}`)}, ${id("disclosure", "g")},
      ${id("certificate", `1 + (g - 1) % ${keys} / 6`)}, (${arr(levels)})[1 + (g - 1) % 3]::certificate_level,
      (array['assessment', 'training'])[1 + (g - 1) / 3 % 2]::fee_kind,
      case when (g - 1) / 3 % 2 = 0 then (array[30000, 50000, 80000])[1 + (g - 1) % 3] else 120000 end
        - ((g - 1) / ${keys}) * 1000 + ${pick("fee-amount", "g", 20)} * 100,
      'per_person', '理论考试与实操考核各一次，含证书工本费。', ('2022-03-01'::date + ((g - 1) / ${keys}) * 200 + ${pick("fee-day", "g", 60)}::int),
      '021-' || (60000000 + g)::text, case when g > ${keys} then '根据成本核算调整' else '' end, 'published',
      case when g > ${keys} then ${id("disclosure", `g - ${keys}`)} end,
      ('2022-03-01'::date + ((g - 1) / ${keys}) * 200 + ${pick("fee-day", "g", 60)}::int - 45)::timestamp at time zone 'Asia/Shanghai',
      -- One in 1,000 was published with 20 days' notice instead of 45: a finding for the committee.
      ('2022-03-01'::date + ((g - 1) / ${keys}) * 200 + ${pick("fee-day", "g", 60)}::int - case when g % 1000 = 500 then 20 else 45 end)::timestamp at time zone 'Asia/Shanghai'
    from generate_series(${start}::int, ${end}::int) g`;
  await batched(db, "fee disclosures with histories", c.disclosures, disclosureSql);

  await batched(
    db,
    "assessment orders at the fee in force (70% paid)",
    c.orders,
    (start, end) => sql`
    with o as (
      select g, ${id("org", `1 + ((g - 1) % ${c.certificates}) % ${c.organizations}`)} as tenant_id,
        ${id("certificate", `1 + (g - 1) % ${c.certificates}`)} as certificate_id,
        (${arr(levels)})[1 + ${pick("order-level", "g", 3)}]::certificate_level as level,
        (current_date - ${pick("order-day", "g", 1200)}::int) as order_date,
        ${id("school", sql`1 + ${pick("order-school", "g", c.schools)}`)} as school_id,
        20 + ${pick("order-headcount", "g", 100)}::int as headcount
      from generate_series(${start}::int, ${end}::int) g
    ), priced as (
      select o.*, f.id as disclosure_id, f.amount_fen from o cross join lateral fee_in_force(o.tenant_id, o.certificate_id, o.level, 'assessment', o.order_date) f
    ), inserted as (
      insert into assessment_orders (tenant_id, id, number, school_tenant_id, certificate_id, level, disclosure_id, exam_site, exam_date, order_date,
        headcount, unit_price_fen, total_fen, status, contact_email, created_at, paid_at)
      select tenant_id, ${id("order", "g")}, 'XC' || to_char(order_date, 'YYYYMMDD') || '-' || lpad(g::text, 7, '0'), school_id, certificate_id, level,
        disclosure_id, '上海市' || ${from(districts, "order-site", "g")} || '区考核站点 ' || (g % 40 + 1) || ' 号实训楼', order_date + 20, order_date,
        -- One order in 2,000 charged 50 yuan above the disclosed fee: a finding for the committee.
        headcount, amount_fen + case when g % 2000 = 1000 then 5000 else 0 end, (amount_fen + case when g % 2000 = 1000 then 5000 else 0 end) * headcount,
        case when g % 10 < 7 then 'paid' else 'pending' end::order_status,
        'admin@school.scale.xcert.test', order_date::timestamp at time zone 'Asia/Shanghai',
        case when g % 10 < 7 then (order_date + 3)::timestamp at time zone 'Asia/Shanghai' end
      from priced
      returning tenant_id, id, total_fen, status, paid_at
    )
    insert into payments (tenant_id, order_id, method, status, amount_fen, bank_reference, created_at, confirmed_at)
    select tenant_id, id, 'bank_transfer', 'succeeded', total_fen, 'ICBC-' || left(id::text, 8), paid_at, paid_at from inserted where status = 'paid'`,
  );

  // Stems of realistic length: a scene, the subject, a task, a constraint and a question.
  const stem = (n: string) =>
    sql`${from(scenes, "q-scene", n)} || '在开展' || ${from(subjects, "q-subject", n)} || '项目时，需要' || ${from(tasks, "q-task", n)} || '。' || ${from(constraints, "q-constraint", n)} || '作为项目成员，' || ${from(tails, "q-tail", n)} || '（题号 ' || ${sql.raw(n)} || '）'`;
  await batched(
    db,
    "questions (30% exam pool) with version 1",
    c.questions,
    (start, end) => sql`
    with q as (
      insert into questions (tenant_id, id, certificate_id, level, type, stem, options, answer, explanation, difficulty, requirement_ids, tags, pool, visibility,
        status, version, created_at, updated_at, published_at)
      select ${id("org", `1 + ((g - 1) % ${c.certificates}) % ${c.organizations}`)}, ${id("question", "g")}, ${id("certificate", `1 + (g - 1) % ${c.certificates}`)},
        (${arr(levels)})[1 + ${pick("q-level", "g", 3)}]::certificate_level,
        case when g % 10 < 6 then 'single_choice' when g % 10 < 8 then 'multiple_choice' else 'true_false' end::question_type,
        ${stem("g")},
        case when g % 10 < 8 then '["按既定规范执行并记录","先与项目负责人确认要求","跳过有疑问的部分","凭个人经验处理"]'::jsonb else '[]'::jsonb end,
        case when g % 10 < 6 then 'B' when g % 10 < 8 then 'AB' else (array['true', 'false'])[1 + g % 2] end,
        '依据职业技能等级标准与企业作业规范，应先明确要求再执行，并做好记录。', 1 + ${pick("q-difficulty", "g", 5)}::int,
        -- 9 in 10 cover one skill requirement of their certificate and level (the standard's lineage ids).
        case when g % 10 = 9 then '{}'::uuid[] else array[md5(${`${seed}:lineage:`} || (1 + (g - 1) % ${c.certificates}) || ':' || ${pick("q-level", "g", 3)}
          || ':' || (1 + g % 2) || '.' || (1 + g / 2 % 2) || '.' || (1 + g / 4 % 3))::uuid] end,
        array[${from(subjects, "q-subject", "g")}], case when ${pick("q-pool", "g", 10)} < 3 then 'exam' else 'practice' end::question_pool,
        case when ${pick("q-pool", "g", 10)} >= 3 and g % 4 = 0 then 'shared' else 'private' end::resource_visibility, 'published', 1,
        now() - make_interval(days => ${pick("q-age", "g", 900)}::int), now() - make_interval(days => ${pick("q-age", "g", 900)}::int),
        now() - make_interval(days => ${pick("q-age", "g", 900)}::int)
      from generate_series(${start}::int, ${end}::int) g
      returning tenant_id, id, level, type, stem, options, answer, explanation, difficulty, requirement_ids, tags, pool, visibility, published_at
    )
    insert into question_versions (tenant_id, question_id, version, snapshot, pool, published_at)
    select tenant_id, id, 1, jsonb_build_object('level', level, 'type', type, 'stem', stem, 'options', options, 'answer', answer,
      'explanation', explanation, 'rubric', '', 'difficulty', difficulty, 'requirementIds', to_jsonb(requirement_ids), 'tags', to_jsonb(tags),
      'pool', pool, 'visibility', visibility), pool, published_at
    from q`,
  );

  await batched(
    db,
    "cases",
    c.cases,
    (start, end) => sql`
    insert into cases (tenant_id, id, certificate_id, level, title, industry_context, body, visibility, created_at, updated_at)
    select ${id("org", `1 + ((g - 1) % ${c.certificates}) % ${c.organizations}`)}, ${id("case", "g")}, ${id("certificate", `1 + (g - 1) % ${c.certificates}`)},
      (${arr(levels)})[1 + ${pick("k-level", "g", 3)}]::certificate_level,
      ${from(scenes, "k-scene", "g")} || ${from(subjects, "k-subject", "g")} || '项目实践案例（' || g || '）',
      ${from(scenes, "k-scene", "g")} || '，上海' || ${from(districts, "k-district", "g")} || '区',
      '## 项目背景' || chr(10) || ${from(scenes, "k-scene", "g")} || '计划在三个月内完成' || ${from(subjects, "k-subject", "g")} || '相关工作，' || ${from(constraints, "k-c", "g")} || '需要兼顾质量、成本与合规。' || chr(10) || chr(10)
        || '## 任务要求' || chr(10) || '1. ' || ${from(tasks, "k-t1", "g")} || chr(10) || '2. ' || ${from(tasks, "k-t2", "g")} || chr(10) || '3. 形成可复用的作业指导书' || chr(10) || chr(10)
        || '## 实施过程' || chr(10) || '项目组按照职业技能等级标准拆分工作任务，建立质检抽样机制，每周复盘问题清单并更新规范。' || chr(10) || chr(10)
        || '## 成效与反思' || chr(10) || '交付质量达到客户要求，返工率明显下降；后续应加强新人培训与工具自动化。',
      case when g % 3 = 0 then 'shared' else 'private' end::resource_visibility,
      now() - make_interval(days => ${pick("k-age", "g", 900)}::int), now() - make_interval(days => ${pick("k-age", "g", 900)}::int)
    from generate_series(${start}::int, ${end}::int) g`,
  );

  await batched(
    db,
    "teaching materials",
    c.materials,
    (start, end) => sql`
    insert into materials (tenant_id, id, certificate_id, kind, title, publisher, school_editor, enterprise_editor, levels, description, visibility, created_at, updated_at)
    select ${id("org", `1 + ((g - 1) % ${c.certificates}) % ${c.organizations}`)}, ${id("material", "g")}, ${id("certificate", `1 + (g - 1) % ${c.certificates}`)},
      (array['textbook', 'loose_leaf', 'workbook', 'courseware', 'video', 'digital'])[1 + g % 6]::material_kind,
      '《' || ${from(subjects, "m-subject", "g")} || '（' || (array['初级', '中级', '高级'])[1 + g % 3] || '）》' || (array['教材', '活页式教材', '工作手册', '课件', '教学视频', '数字资源'])[1 + g % 6] || ' 第' || g || '册',
      case when g % 6 < 3 then (array['高等教育出版社', '机械工业出版社', '电子工业出版社', '上海交通大学出版社'])[1 + g % 4] else '' end,
      case when g % 2 = 0 then '上海市' || ${from(districts, "m-d", "g")} || '区职业技术学校 教师' || (g % 97) else '' end,
      case when g % 3 <> 1 then '上海' || ${from(subjects, "m-e", "g")} || '企业 工程师' || (g % 89) else '' end,
      array[(array['junior', 'intermediate', 'senior'])[1 + g % 3]]::certificate_level[], '配套职业技能等级标准编写的教学资源。',
      case when g % 2 = 0 then 'shared' else 'private' end::resource_visibility,
      now() - make_interval(days => ${pick("m-age", "g", 900)}::int), now() - make_interval(days => ${pick("m-age", "g", 900)}::int)
    from generate_series(${start}::int, ${end}::int) g`,
  );

  if (c.credentials) await seedScaleCredentials(db, c.credentials, c);
  if (c.majors) await seedScaleMajors(db, c.majors, c);

  await run(db, "the committee's fee audit (stored findings)", sql`select refresh_fee_findings(null)`);
  await run(db, "analyze", sql`analyze`);
  return "seeded" as const;
}

/**
 * One holder per credential, on the certificates of the organizations; numbers XC-2019-<g>-<check>
 * (a year the demo never issues in), the ID hash a made-up 64-hex value, 40% industry experts.
 */
async function seedScaleCredentials(db: Db, total: number, c: ScaleCounts) {
  const numbers = Array.from({ length: total }, (_, i) => formatCredentialNumber(2019, i + 1));
  const certificateOf = `1 + (g - 1) % ${c.certificates}`;
  const tenantOf = `1 + ((g - 1) % ${c.certificates}) % ${c.organizations}`;
  await batched(
    db,
    "credential holders and credentials",
    total,
    (start, end) => sql`
    with h as (
      insert into credential_holders (tenant_id, id, name, id_hash, id_last4, source, employer_name, contact)
      select ${id("org", tenantOf)}, ${id("holder", "g")},
        ${from(["张", "李", "王", "刘", "陈", "杨", "赵", "黄", "周", "吴"], "h-surname", "g")} || ${from(["明", "伟", "芳", "敏", "静", "丽", "强", "磊", "洋", "艳"], "h-given", "g")} || ${from(["华", "军", "杰", "娟", "涛"], "h-given2", "g")},
        md5(${`${seed}:idhash:`} || g) || md5(${`${seed}:idhash2:`} || g), lpad((g % 10000)::text, 4, '0'),
        case when g % 5 < 2 then 'industry_expert' else 'school_teacher' end::holder_source,
        '上海' || ${from(subjects, "h-employer", "g")} || '企业' || (g % 500), '1390000' || lpad((g % 10000)::text, 4, '0')
      from generate_series(${start}::int, ${end}::int) g
      returning tenant_id, id
    )
    insert into credentials (tenant_id, id, holder_id, role, certificate_id, levels, number, issued_on, expires_on, status)
    select ${id("org", tenantOf)}, ${id("credential", "g")}, ${id("holder", "g")},
      case when g % 4 = 0 then 'examiner' else 'trainer' end::credential_role, ${id("certificate", certificateOf)},
      array[(${arr(levels)})[1 + g % 3]]::certificate_level[], (string_to_array(${numbers.slice(start - 1, end).join(",")}, ','))[g - ${start - 1}],
      '2024-01-01'::date + (g % 300), '2027-01-01'::date + (g % 700),
      case when g % 50 = 0 then 'suspended' else 'active' end::credential_status
    from generate_series(${start}::int, ${end}::int) g`,
  );
  await exec(db, sql`select setval('credential_number_seq', greatest(${total}::bigint, (select last_value from credential_number_seq)))`);
}

/**
 * Pilot majors spread over the schools (major g at school 1 + (g - 1) % schools), each piloting one
 * certificate at one level with an approved adoption pinned to the certificate's published standard
 * (decision 035), and three cohorts of 30–69 students (entry years 2024–2026).
 */
async function seedScaleMajors(db: Db, total: number, c: ScaleCounts) {
  const schoolOf = `1 + (g - 1) % ${c.schools}`;
  // Stride 7 over the certificates so one school's majors pilot different organizations' certificates.
  const certificateOf = `1 + ((g - 1) * 7) % ${c.certificates}`;
  await run(
    db,
    `${total} pilot majors with cohorts and approved adoptions`,
    sql`
    with m as (
      insert into pilot_majors (tenant_id, id, code, name, education_level)
      select ${id("school", schoolOf)}, ${id("major", "g")}, lpad((460000 + g)::text, 6, '0'),
        ${from(subjects, "major-subject", "g")} || '专业' || g,
        (array['secondary', 'higher_vocational', 'vocational_bachelor'])[1 + g % 3]::pilot_major_level
      from generate_series(1, ${total}::int) g
      returning tenant_id, id
    ), pc as (
      insert into pilot_major_certificates (tenant_id, major_id, organization_id, certificate_id, level)
      select ${id("school", schoolOf)}, ${id("major", "g")}, cert.tenant_id, cert.id, (${arr(levels)})[1 + g % 3]::certificate_level
      from generate_series(1, ${total}::int) g
      join certificates cert on cert.id = ${id("certificate", certificateOf)}
      returning tenant_id
    ), co as (
      insert into cohorts (tenant_id, id, major_id, entry_year, student_count, expected_graduation)
      select ${id("school", schoolOf)}, ${id("cohort", "g * 10 + y")}, ${id("major", "g")}, 2023 + y, 30 + ${pick("cohort-size", "g * 10 + y", 40)},
        make_date(2026 + y, 7, 1)
      from generate_series(1, ${total}::int) g cross join generate_series(1, 3) y
      returning tenant_id
    )
    insert into adoptions (tenant_id, id, major_id, organization_id, certificate_id, level, standard_version_id, standard_version,
      certificate_name, organization_name, status, proposal_note, decided_at)
    select ${id("school", schoolOf)}, ${id("adoption", "g")}, ${id("major", "g")}, cert.tenant_id, cert.id, (${arr(levels)})[1 + g % 3]::certificate_level,
      sv.id, sv.version, cert.name_zh, org.name, 'approved', '试点专业采用该证书的标准与资源。', now() - make_interval(days => ${pick("adoption-age", "g", 400)}::int)
    from generate_series(1, ${total}::int) g
    join certificates cert on cert.id = ${id("certificate", certificateOf)}
    join tenants org on org.id = cert.tenant_id
    left join standard_versions sv on sv.tenant_id = cert.tenant_id and sv.certificate_id = cert.id and sv.status = 'published'`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.env.NODE_ENV === "production") {
    console.error("Refusing to load scale data: NODE_ENV=production.");
    process.exit(1);
  }
  const started = performance.now();
  const database = await getDatabase();
  try {
    console.log(`Scale data (SCALE=${process.env.SCALE ?? 1}, SCALE_SEED=${seed}) into ${database.kind}:`);
    const result = await seedScale(database.db);
    console.log(result === "seeded" ? `Done in ${((performance.now() - started) / 1000).toFixed(1)} s.` : "Scale data already present: skipped.");
  } finally {
    await database.close();
  }
}
