import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../db/client.server";
import { runDueJobs } from "../../app/modules/jobs/scheduler.server";
import { sendProgressReminders } from "../../app/modules/school/progress.server";
import { withSystem } from "../../app/modules/tenancy/context.server";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";

// Issue 15, the school side, on the demo data: majors, pinned adoptions, filings, credit rules,
// violation reports, progress reminders. Walls are probed as the app role with raw SQL.
describe("the school side", () => {
  let app: TestApp;
  let db: ReturnType<typeof owner>;
  let schoolAdmin: HttpClient;
  let teacher: HttpClient;
  let committee: HttpClient;
  let ids: { ai: string; care: string; school: string; committee: string };
  let users: Record<string, string>;

  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  const system = <T>(statement: ReturnType<typeof sql>) =>
    app.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.role', 'system', true)`);
      return rowsOf<T>(await tx.execute(statement));
    });

  beforeAll(async () => {
    app = await startApp();
    db = owner(app.database);
    const tenants = await db.rows<{ slug: string; id: string }>(sql`select slug, id from tenants`);
    const tenant = (slug: string) => tenants.find((t) => t.slug === slug)!.id;
    ids = { ai: tenant("demo-ai"), care: tenant("demo-care"), school: tenant("demo-school"), committee: tenant("committee") };
    const userRows = await db.rows<{ email: string; id: string }>(sql`select email, id from users`);
    users = Object.fromEntries(userRows.map((u) => [u.email, u.id]));
    schoolAdmin = app.client();
    await schoolAdmin.login("school-admin@demo.xcert.test");
    teacher = app.client({ locale: "en" });
    await teacher.login("school-teacher@demo.xcert.test");
    committee = app.client();
    await committee.login("committee@demo.xcert.test");
  });
  afterAll(() => app.close());

  describe("pilot majors", () => {
    it("creates a major with field messages for bad input and writes nothing on failure", async () => {
      const before = await db.count("pilot_majors");
      const bad = await schoolAdmin.action("/w/demo-school/majors?index", "routes/w.$slug.majors._index", {
        code: "59A",
        name: "",
        educationLevel: "higher_vocational",
      });
      expect(bad.status).toBe(400);
      const errors = await errorsOf(bad);
      expect(errors.code?.[0]).toContain("6 位数字");
      expect(errors.name).toBeTruthy();
      const taken = await schoolAdmin.post("/w/demo-school/majors?index", { code: "590302", name: "重复", educationLevel: "higher_vocational" });
      expect(taken.status).toBe(400);
      expect(await db.count("pilot_majors")).toBe(before);
      const created = await schoolAdmin.post("/w/demo-school/majors?index", { code: "500101", name: "现代物流管理", educationLevel: "higher_vocational" });
      expect(created.status).toBe(302);
      expect(await db.count("pilot_majors")).toBe(before + 1);
      expect(
        await db.count(
          "audit_log",
          sql`action = 'pilot_major.create' and tenant_id = ${ids.school} and actor_user_id = ${users["school-admin@demo.xcert.test"]}`,
        ),
      ).toBe(1);
    });

    it("lets a teacher read majors but not write them, at the app and at the database", async () => {
      expect((await teacher.get("/w/demo-school/majors")).status).toBe(200);
      expect((await teacher.post("/w/demo-school/majors?index", { code: "500102", name: "x", educationLevel: "secondary" })).status).toBe(403);
      const scope = { tenantId: ids.school, tenantKind: "school", userId: users["school-teacher@demo.xcert.test"], role: "teacher" };
      expect(
        await databaseError(
          asApp(scope, (tx) =>
            query(tx, sql`insert into pilot_majors (tenant_id, code, name, education_level) values (${ids.school}, '500103', 'x', 'secondary')`),
          ),
        ),
      ).toMatch(/row-level security/);
    });

    it("imports majors and cohorts through the import pipeline (a job of no certificate); a bad row imports nothing", async () => {
      const upload = (text: string, name: string) => {
        const form = new FormData();
        form.set("file", new File([`\uFEFF${text}`], name, { type: "text/csv" }));
        return schoolAdmin.post("/w/demo-school/majors/import", form);
      };
      const waitFor = async (location: string) => {
        const id = location.split("/").pop()!;
        for (let i = 0; i < 200; i++) {
          const [job] = await db.rows<{ status: string; certificate_id: string | null; error_count: number }>(
            sql`select status, certificate_id, error_count from import_jobs where id = ${id}`,
          );
          if (job.status === "done" || job.status === "failed") return job;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error("import did not finish");
      };
      const before = await db.count("cohorts");
      const bad = await upload(
        "专业代码,专业名称,层次,入学年份,学生人数,预计毕业日期\n530701,电子商务,高职专科,2025,40,2028-06-30\n12,坏,不知道,,,\n",
        "bad.csv",
      );
      expect(bad.status).toBe(302);
      const failed = await waitFor(bad.headers.get("location")!);
      expect(failed).toMatchObject({ status: "failed", certificate_id: null });
      expect(failed.error_count).toBeGreaterThanOrEqual(2);
      expect(await db.count("pilot_majors", sql`code = '530701'`)).toBe(0);
      const good = await upload(
        "专业代码,专业名称,层次,入学年份,学生人数,预计毕业日期\n530701,电子商务,高职专科,2025,40,2028-06-30\n530701,电子商务,高职专科,2026,45,2029-06-30\n590302,智慧健康养老服务与管理,高职专科,2026,50,2029-06-30\n",
        "majors.csv",
      );
      expect((await waitFor(good.headers.get("location")!)).status).toBe("done");
      expect(await db.count("pilot_majors", sql`code = '530701'`)).toBe(1);
      expect(await db.count("cohorts")).toBe(before + 3);
      expect(await db.count("audit_log", sql`action = 'pilot_major_import.done'`)).toBe(1);
    });

    it("exports majors with their cohorts in the import template's columns", async () => {
      const csv = await (await schoolAdmin.get("/w/demo-school/export/majors?format=csv")).text();
      expect(csv).toContain("专业代码");
      expect(csv).toContain("590302,智慧健康养老服务与管理,高职专科");
    });
  });

  describe("adoptions pin their versions", () => {
    let adoptionId: string;

    beforeAll(async () => {
      [{ id: adoptionId }] = await db.rows<{ id: string }>(sql`select id from adoptions where tenant_id = ${ids.school} and certificate_name = '老年照护'`);
    });

    it("shows the pinned version 1 with version 2 available, and its difference", async () => {
      const page = await (await schoolAdmin.get(`/w/demo-school/adoptions/${adoptionId}`)).text();
      expect(page).toContain("固定在标准第 1 版");
      expect(page).toContain("有新版本：第 1 版 → 第 2 版");
      expect(page).toContain("能使用电子监测设备记录健康数据");
    });

    it("keeps the pinned question version when the organization publishes a new one, and shows un-shared items as withdrawn", async () => {
      const [question] = await db.rows<{ id: string; stem: string }>(
        sql`select q.id, q.stem from questions q join adoption_items i on i.item_id = q.id where i.adoption_id = ${adoptionId} order by q.stem limit 1`,
      );
      await system(sql`with q as (update questions set stem = '改写后的题干', version = 2 where id = ${question.id} returning *)
        insert into question_versions (tenant_id, question_id, version, snapshot, pool) select tenant_id, id, 2, jsonb_build_object('stem', stem), pool from q returning 1`);
      let page = await (await schoolAdmin.get(`/w/demo-school/adoptions/${adoptionId}`)).text();
      expect(page).toContain(question.stem);
      expect(page).not.toContain("改写后的题干");
      expect(page).toContain("已发布第 2 版");
      await system(sql`update cases set visibility = 'private' where tenant_id = ${ids.care} and title like '老年照护实操案例%' returning id`);
      page = await (await schoolAdmin.get(`/w/demo-school/adoptions/${adoptionId}`)).text();
      expect(page).toContain("老年照护实操案例：失能老人的居家饮食照护");
      expect(page).toContain("组织已停止共享");
      await system(sql`update cases set visibility = 'shared' where tenant_id = ${ids.care} and title like '老年照护实操案例%' returning id`);
    });

    it("moves to version 2 only when the admin opts in; a teacher cannot", async () => {
      const [v2] = await db.rows<{ id: string }>(sql`select id from standard_versions where tenant_id = ${ids.care} and version = 2`);
      expect((await teacher.post(`/w/demo-school/adoptions/${adoptionId}`, { intent: "optIn", versionId: v2.id })).status).toBe(403);
      expect((await db.rows<{ v: number }>(sql`select standard_version as v from adoptions where id = ${adoptionId}`))[0].v).toBe(1);
      expect((await schoolAdmin.post(`/w/demo-school/adoptions/${adoptionId}`, { intent: "optIn", versionId: v2.id })).status).toBe(200);
      expect((await db.rows<{ v: number }>(sql`select standard_version as v from adoptions where id = ${adoptionId}`))[0].v).toBe(2);
      const page = await (await schoolAdmin.get(`/w/demo-school/adoptions/${adoptionId}`)).text();
      expect(page).not.toContain("有新版本");
    });

    it("a teacher proposes, the admin approves; the level joins the major's piloted levels", async () => {
      const [major] = await db.rows<{ id: string }>(sql`select id from pilot_majors where tenant_id = ${ids.school} and code = '510201'`);
      const [certificate] = await db.rows<{ id: string }>(sql`select id from certificates where tenant_id = ${ids.care}`);
      const form = await teacher.get(`/w/demo-school/adoptions/new?certificateId=${certificate.id}&level=intermediate`);
      expect(await form.text()).toContain("老年照护实操");
      const proposed = await teacher.post("/w/demo-school/adoptions/new", { majorId: major.id, certificateId: certificate.id, level: "intermediate" });
      expect(proposed.status).toBe(302);
      const id = proposed.headers.get("location")!.split("/").pop()!;
      expect((await teacher.post(`/w/demo-school/adoptions/${id}`, { intent: "approve" })).status).toBe(403);
      expect((await schoolAdmin.post(`/w/demo-school/adoptions/${id}`, { intent: "approve" })).status).toBe(200);
      expect(await db.count("pilot_major_certificates", sql`major_id = ${major.id}`)).toBe(1);
      const again = await teacher.post("/w/demo-school/adoptions/new", { majorId: major.id, certificateId: certificate.id, level: "intermediate" });
      expect(again.status).toBe(400);
    });
  });

  describe("书证融通 mapping", () => {
    it("reports the two uncovered requirements of the demo and exports XLSX", async () => {
      const [adoption] = await db.rows<{ id: string }>(
        sql`select id from adoptions where tenant_id = ${ids.school} and certificate_name = '老年照护' and major_id = (select id from pilot_majors where code = '590302')`,
      );
      const response = await schoolAdmin.get(`/w/demo-school/adoptions/${adoption.id}/mapping`);
      const page = await response.text();
      expect(response.status, page.slice(0, 2000)).toBe(200);
      expect(
        (page.match(/data-testid="requirement-uncovered"/g) ?? []).length,
        page.slice(page.indexOf("coverage-summary") - 100, page.indexOf("coverage-summary") + 1500),
      ).toBeGreaterThanOrEqual(2);
      const xlsx = await schoolAdmin.get(`/w/demo-school/adoptions/${adoption.id}/mapping.xlsx`);
      expect(xlsx.status).toBe(200);
      expect(xlsx.headers.get("content-type")).toContain("spreadsheetml");
    });
  });

  describe("credit rules", () => {
    it("refuses an overlapping rule with a field message, and at the database when the app is bypassed", async () => {
      const [certificate] = await db.rows<{ id: string }>(sql`select id from certificates where tenant_id = ${ids.care}`);
      const rule = {
        intent: "create",
        certificateId: certificate.id,
        level: "intermediate",
        courseCode: "ZH201",
        courseName: "养老照护综合实训",
        credits: "2",
        exemption: "exempt_course",
        validFrom: "2030-01-01",
      };
      const before = await db.count("credit_rules");
      const refused = await schoolAdmin.action("/w/demo-school/credit-rules", "routes/w.$slug.credit-rules", rule);
      expect(refused.status).toBe(400);
      expect((await errorsOf(refused)).validFrom?.[0]).toContain("已有规则");
      expect(await db.count("credit_rules")).toBe(before);
      const scope = { tenantId: ids.school, tenantKind: "school", userId: users["school-admin@demo.xcert.test"], role: "admin" };
      expect(
        await databaseError(
          asApp(scope, (tx) =>
            query(
              tx,
              sql`insert into credit_rules (tenant_id, organization_id, certificate_id, level, course_code, course_name, credits, exemption, valid_from)
              values (${ids.school}, ${ids.care}, ${certificate.id}, 'intermediate', 'zh201', 'x', 1, 'none', '2031-05-01')`,
            ),
          ),
        ),
      ).toMatch(/overlaps/);
      // A rule of another course, or one that ends before, is fine.
      const ok = await schoolAdmin.post("/w/demo-school/credit-rules", { ...rule, courseCode: "ZH101", courseName: "老年生活照护" });
      expect(ok.status).toBe(200);
    });

    it("publishes the rules in force at /api/v1/credit-rules without login", async () => {
      const response = await app.client().get("/api/v1/credit-rules");
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data: { course: { code: string }; credits: number; exemption: string }[]; nextCursor: string | null };
      expect(body.data.some((r) => r.course.code === "ZH201" && r.credits === 2 && r.exemption === "exempt_practical")).toBe(true);
      expect(body.data.some((r) => r.course.code === "ZH101")).toBe(false); // valid from 2030
      expect((await app.client().get("/api/v1/credit-rules?asOf=2030-02-01")).status).toBe(200);
      expect((await app.client().get("/api/v1/credit-rules?asOf=tomorrow")).status).toBe(400);
    });
  });

  describe("ending a credit rule", () => {
    const ruleOf = async (courseCode: string) =>
      (
        await db.rows<{ id: string; valid_until: string | null }>(
          sql`select id, valid_until::text from credit_rules where tenant_id = ${ids.school} and course_code = ${courseCode}`,
        )
      )[0];

    it("ends the school's own rule on a last day, audited; refuses extending it or a bad day with a field message, writing nothing", async () => {
      const rule = await ruleOf("ZH101"); // recorded above, valid from 2030-01-01, open-ended
      expect(rule.valid_until).toBeNull();
      const page = await (await schoolAdmin.get("/w/demo-school/credit-rules?course=ZH101")).text();
      expect(page).toContain(`name="ruleId" value="${rule.id}"`);
      const audits = await db.count("audit_log");
      for (const [lastDay, message] of [
        ["2029-12-31", "有效期截止日不能早于生效日期"],
        ["someday", ""],
      ]) {
        const refused = await schoolAdmin.action("/w/demo-school/credit-rules", "routes/w.$slug.credit-rules", { intent: "end", ruleId: rule.id, lastDay });
        expect(refused.status).toBe(400);
        expect((await errorsOf(refused)).lastDay?.[0]).toContain(message);
      }
      expect((await ruleOf("ZH101")).valid_until).toBeNull();
      expect(await db.count("audit_log")).toBe(audits);

      const ended = await schoolAdmin.action("/w/demo-school/credit-rules", "routes/w.$slug.credit-rules", {
        intent: "end",
        ruleId: rule.id,
        lastDay: "2030-06-30",
      });
      expect(ended.status).toBe(200);
      expect((await ruleOf("ZH101")).valid_until).toBe("2030-06-30");
      const [entry] = await db.rows<{ action: string; after: { validUntil: string } }>(
        sql`select action, after from audit_log where entity_id = ${rule.id} order by at desc limit 1`,
      );
      expect(entry).toMatchObject({ action: "credit_rule.end", after: { validUntil: "2030-06-30" } });
      // Only shortened: a later last day would be a new rule's period.
      const longer = await schoolAdmin.action("/w/demo-school/credit-rules", "routes/w.$slug.credit-rules", {
        intent: "end",
        ruleId: rule.id,
        lastDay: "2031-01-01",
      });
      expect(longer.status).toBe(400);
      expect((await errorsOf(longer)).lastDay?.[0]).toContain("只能提前终止");
      expect((await ruleOf("ZH101")).valid_until).toBe("2030-06-30");
    });

    it("lets no one else end it: a teacher is refused, another tenant's rule is not found", async () => {
      const rule = await ruleOf("ZH101");
      expect((await teacher.post("/w/demo-school/credit-rules", { intent: "end", ruleId: rule.id, lastDay: "2030-03-31" })).status).toBe(403);
      // demo-care records a rule of its own: the school cannot end it, nor demo-care the school's.
      const organization = app.client();
      await organization.login("org2-admin@demo.xcert.test");
      const [certificate] = await db.rows<{ id: string }>(sql`select id from certificates where tenant_id = ${ids.care}`);
      const recorded = await organization.post("/w/demo-care/credit-rules", {
        intent: "create",
        certificateId: certificate.id,
        level: "intermediate",
        courseCode: "YL301",
        courseName: "康复护理",
        credits: "1",
        exemption: "none",
        validFrom: "2030-01-01",
      });
      expect(recorded.status).toBe(200);
      const [other] = await db.rows<{ id: string }>(sql`select id from credit_rules where tenant_id = ${ids.care} and course_code = 'YL301'`);
      expect((await schoolAdmin.post("/w/demo-school/credit-rules", { intent: "end", ruleId: other.id, lastDay: "2030-03-31" })).status).toBe(404);
      expect((await organization.post("/w/demo-care/credit-rules", { intent: "end", ruleId: rule.id, lastDay: "2030-03-31" })).status).toBe(404);
      expect((await db.rows<{ valid_until: string | null }>(sql`select valid_until::text from credit_rules where id = ${other.id}`))[0].valid_until).toBeNull();
      expect((await ruleOf("ZH101")).valid_until).toBe("2030-06-30");
    });
  });

  describe("filings", () => {
    it("goes submitted → returned → resubmitted → approved with a record number, emails the school, and refuses skipped steps", async () => {
      const [filing] = await db.rows<{ id: string }>(sql`select id from filings where tenant_id = ${ids.school} and status = 'submitted'`);
      const scope = { tenantId: ids.school, tenantKind: "school", userId: users["school-admin@demo.xcert.test"], role: "admin" };
      expect(
        await databaseError(asApp(scope, (tx) => query(tx, sql`update filings set status = 'approved', record_number = 'X' where id = ${filing.id}`))),
      ).toMatch(/cannot become/);
      const noComment = await committee.post(`/committee/filings/${filing.id}`, { intent: "return", comment: "" });
      expect(noComment.status).toBe(400);
      expect((await committee.post(`/committee/filings/${filing.id}`, { intent: "return", comment: "请补充考核站点设备清单。" })).status).toBe(200);
      expect(await db.count("email_outbox", sql`template = 'filing-status' and "to" = 'school-admin@demo.xcert.test'`)).toBe(1);
      const page = await (await schoolAdmin.get(`/w/demo-school/filings/${filing.id}`)).text();
      expect(page).toContain("请补充考核站点设备清单。");
      expect((await committee.post(`/committee/filings/${filing.id}`, { intent: "approve", recordNumber: "R-1" })).status).toBe(409);
      expect((await schoolAdmin.post(`/w/demo-school/filings/${filing.id}`, { intent: "submit" })).status).toBe(200);
      expect((await db.rows<{ status: string }>(sql`select status from filings where id = ${filing.id}`))[0].status).toBe("resubmitted");
      const missing = await committee.post(`/committee/filings/${filing.id}`, { intent: "approve", recordNumber: "" });
      expect(missing.status).toBe(400);
      expect((await committee.post(`/committee/filings/${filing.id}`, { intent: "approve", recordNumber: "JYB-2026-0001" })).status).toBe(200);
      expect((await db.rows<{ status: string; record_number: string }>(sql`select status, record_number from filings where id = ${filing.id}`))[0]).toEqual({
        status: "approved",
        record_number: "JYB-2026-0001",
      });
      expect(await db.count("email_outbox", sql`template = 'filing-status'`)).toBe(2);
    });

    it("queues filings waiting for review apart from decided ones; a rejection needs a comment and emails the school", async () => {
      const [filing] = await system<{
        id: string;
      }>(sql`insert into filings (tenant_id, major_id, organization_id, certificate_id, level, certificate_name, expected_students_per_year, exam_site_plan, responsible_office, responsible_person, contact_email, status, submitted_at)
        select tenant_id, major_id, organization_id, certificate_id, level, '队列样本证书', 30, exam_site_plan, responsible_office, responsible_person, contact_email, 'submitted', now() from filings where tenant_id = ${ids.school} limit 1 returning id`);
      const pending = await (await committee.get("/committee/filings?queue=pending")).text();
      expect(pending).toContain("队列样本证书");
      expect(await (await committee.get("/committee/filings?queue=decided")).text()).not.toContain("队列样本证书");
      const emails = await db.count("email_outbox", sql`template = 'filing-status'`);
      const noComment = await committee.action(`/committee/filings/${filing.id}`, "routes/committee.filings.$filingId", { intent: "reject", comment: "" });
      expect(noComment.status).toBe(400);
      expect(((await noComment.json()) as { result: { error: Record<string, string[]> } }).result.error.comment).toBeTruthy();
      expect(await db.count("email_outbox", sql`template = 'filing-status'`)).toBe(emails);
      expect((await committee.post(`/committee/filings/${filing.id}`, { intent: "reject", comment: "该证书等级与专业培养目标不符。" })).status).toBe(200);
      expect(await db.count("email_outbox", sql`template = 'filing-status'`)).toBe(emails + 1);
      expect(await (await committee.get("/committee/filings?queue=decided")).text()).toContain("队列样本证书");
      expect(await (await committee.get("/committee/filings")).text()).not.toContain("队列样本证书");
      const history = await (await committee.get(`/committee/filings/${filing.id}`)).text();
      expect(history).toContain("该证书等级与专业培养目标不符。");
      // A school never reaches the committee's queue.
      expect([403, 404]).toContain((await schoolAdmin.get("/committee/filings")).status);
    });
  });

  describe("violation reports", () => {
    it("the reported organization reads zero rows as each of its roles; the school and the committee read the report", async () => {
      const count = async (scope: { tenantId: string; tenantKind: string; role: string; userId?: string }, table: string) =>
        (await asApp(scope, (tx) => query<{ n: number }>(tx, sql`select count(*)::int as n from ${sql.identifier(table)}`)))[0].n;
      for (const role of ["owner", "admin", "editor", "finance", "viewer"])
        for (const table of ["violation_reports", "violation_evidence", "violation_report_updates"]) {
          expect(await count({ tenantId: ids.ai, tenantKind: "organization", role }, table), `${role} ${table}`).toBe(0);
          expect(await count({ tenantId: ids.care, tenantKind: "organization", role }, table), `${role} ${table}`).toBe(0);
        }
      expect(await count({ tenantId: ids.school, tenantKind: "school", role: "teacher" }, "violation_reports")).toBe(1);
      expect(await count({ tenantId: ids.committee, tenantKind: "committee", role: "member" }, "violation_reports")).toBe(1);
      // The seeded report's two evidence files: the school and the committee read both.
      expect(await count({ tenantId: ids.school, tenantKind: "school", role: "teacher" }, "violation_evidence")).toBe(2);
      expect(await count({ tenantId: ids.committee, tenantKind: "committee", role: "member" }, "violation_evidence")).toBe(2);
      // Nor can an organization add evidence to a report, naming the school as the tenant or itself.
      const [{ id: report }] = await db.rows<{ id: string }>(sql`select id from violation_reports`);
      for (const tenant of [ids.school, ids.ai])
        expect(
          await databaseError(
            asApp({ tenantId: ids.ai, tenantKind: "organization", role: "admin" }, (tx) =>
              query(
                tx,
                sql`insert into violation_evidence (tenant_id, report_id, file_name, content_type, size_bytes, sha256, storage_key)
                values (${tenant}, ${report}, 'x.pdf', 'application/pdf', 1, 'x', 'x')`,
              ),
            ),
          ),
        ).toMatch(/row-level security|violates foreign key/);
      // Even naming the organization's own id as the report's tenant does not help it.
      expect(
        await asApp({ tenantId: ids.ai, tenantKind: "organization", role: "admin" }, (tx) =>
          query(tx, sql`select * from violation_reports where organization_id = ${ids.ai}`),
        ),
      ).toEqual([]);
    });

    it("a teacher files a report with evidence; the committee updates its status; the school sees it", async () => {
      const [org] = await db.rows<{ id: string }>(sql`select id from tenants where slug = 'demo-care'`);
      const bad = await teacher.post("/w/demo-school/violations/new", { organizationId: org.id, category: "nonsense", description: "short" });
      expect(bad.status).toBe(400);
      const form = new FormData();
      form.set("organizationId", org.id);
      form.set("category", "undisclosed_fee");
      form.set("description", "考核前临时加收材料费 300 元，未在公示中列明。");
      const pdf = new TextEncoder().encode("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
      form.set("evidence", new File([pdf], "收据.pdf", { type: "application/pdf" }));
      const filed = await teacher.post("/w/demo-school/violations/new", form);
      expect(filed.status).toBe(302);
      const id = filed.headers.get("location")!.split("/").pop()!;
      expect(await db.count("violation_evidence", sql`report_id = ${id}`)).toBe(1);
      expect((await committee.post(`/committee/violations/${id}`, { intent: "status", status: "investigating", note: "已联系该组织核实。" })).status).toBe(200);
      const page = await (await teacher.get(`/w/demo-school/violations/${id}`)).text();
      expect(page).toContain("已联系该组织核实。");
      const careAdmin = app.client();
      await careAdmin.login("org2-admin@demo.xcert.test");
      expect((await careAdmin.get(`/w/demo-school/violations/${id}`)).status).toBe(404);

      // More evidence while the report is open (decision 056): type checked by its bytes, each file audited.
      const add = (file: File | null) => {
        const more = new FormData();
        if (file) more.set("evidence", file);
        return teacher.action(`/w/demo-school/violations/${id}`, "routes/w.$slug.violations.$reportId", more);
      };
      const evidenceRows = () => db.count("violation_evidence", sql`report_id = ${id}`);
      const audited = () => db.count("audit_log", sql`action = 'violation_report.evidence' and entity_id = ${id}`);
      for (const refused of [await add(new File(["不是图片"], "说明.txt", { type: "image/png" })), await add(null)]) {
        expect(refused.status).toBe(400);
        const body = (await refused.json()) as { result: { error?: Record<string, string[]> } };
        expect(body.result.error?.evidence?.length).toBe(1);
      }
      expect(await evidenceRows()).toBe(1);
      const png = Uint8Array.from(Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64"));
      const added = await add(new File([png], "现场照片.png", { type: "image/png" }));
      expect(added.status).toBe(200);
      expect(await evidenceRows()).toBe(2);
      expect(await audited()).toBe(1);
      // The committee sees and downloads every file; the reported organization still reads none.
      const committeePage = await (await committee.get(`/committee/violations/${id}`)).text();
      expect(committeePage).toContain("收据.pdf");
      expect(committeePage).toContain("现场照片.png");
      const [photo] = await db.rows<{ id: string }>(sql`select id from violation_evidence where report_id = ${id} and file_name = '现场照片.png'`);
      const download = await committee.get(`/committee/violations/${id}/evidence/${photo.id}`);
      expect(download.status).toBe(200);
      expect(download.headers.get("content-type")).toBe("image/png");
      expect(new Uint8Array(await download.arrayBuffer())).toEqual(png);
      expect((await careAdmin.get(`/w/demo-school/violations/${id}/evidence/${photo.id}`)).status).toBe(404);

      // Decided: closed to more evidence, in the app and at the database.
      expect((await committee.post(`/committee/violations/${id}`, { intent: "status", status: "dismissed", note: "证据不足。" })).status).toBe(200);
      expect((await add(new File([png], "晚到.png", { type: "image/png" }))).status).toBe(409);
      expect(await evidenceRows()).toBe(2);
      expect(await audited()).toBe(1);
      const scope = { tenantId: ids.school, tenantKind: "school", userId: users["school-teacher@demo.xcert.test"], role: "teacher" };
      const insert = (report: string) =>
        databaseError(
          asApp(scope, (tx) =>
            query(
              tx,
              sql`insert into violation_evidence (tenant_id, report_id, file_name, content_type, size_bytes, sha256, storage_key)
              values (${ids.school}, ${report}, 'x.png', 'image/png', 1, 'x', 'x')`,
            ),
          ),
        );
      expect(await insert(id)).toMatch(/row-level security/);
      expect(await evidenceRows()).toBe(2);
    });
  });

  describe("progress reports", () => {
    it("sends each reminder once across two scheduler runs", async () => {
      const sent = () => db.count("email_outbox", sql`template = 'progress-reminder'`);
      expect(await sent()).toBe(0);
      const first = await withSystem((tx, rescope) => sendProgressReminders(tx, rescope));
      expect(first.sent).toBe(1); // demo-school's one admin, the 14-day reminder (due in 10 days)
      const second = await withSystem((tx, rescope) => sendProgressReminders(tx, rescope));
      expect(second.sent).toBe(0);
      await runDueJobs(new Date(Date.now() + 2 * 86_400_000));
      await runDueJobs(new Date(Date.now() + 3 * 86_400_000));
      expect(await sent()).toBe(1);
      expect(await db.count("progress_report_reminders")).toBe(1);
    });

    it("validates a report, submits it, and marks a late one late", async () => {
      const [period] = await db.rows<{ id: string }>(sql`select period_id as id from progress_reports where tenant_id = ${ids.school}`);
      const bad = await teacher.action(`/w/demo-school/progress/${period.id}`, "routes/w.$slug.progress.$periodId", {
        intent: "submit",
        studentsTrained: "10",
        studentsAssessed: "5",
        passCount: "6",
        credentialedTrainers: "1",
      });
      expect(bad.status).toBe(400);
      expect((await errorsOf(bad)).passCount?.[0]).toContain("cannot exceed");
      const ok = await teacher.post(`/w/demo-school/progress/${period.id}`, {
        intent: "submit",
        studentsTrained: "42",
        studentsAssessed: "40",
        passCount: "36",
        credentialedTrainers: "3",
        narrative: "本学期完成中级考核。",
      });
      expect(ok.status).toBe(200);
      expect((await db.rows<{ status: string; late: boolean }>(sql`select status, late from progress_reports where period_id = ${period.id}`))[0]).toEqual({
        status: "submitted",
        late: false,
      });
      expect(
        (
          await teacher.post(`/w/demo-school/progress/${period.id}`, {
            intent: "save",
            studentsTrained: "1",
            studentsAssessed: "0",
            passCount: "0",
            credentialedTrainers: "0",
          })
        ).status,
      ).toBe(409);
      const [old] = await system<{ id: string }>(
        sql`insert into report_periods (code, starts_on, ends_on, due_on) values ('2020-2021-1', '2020-09-01', '2021-01-31', '2021-01-15') returning id`,
      );
      const late = await teacher.post(`/w/demo-school/progress/${old.id}`, {
        intent: "submit",
        studentsTrained: "1",
        studentsAssessed: "0",
        passCount: "0",
        credentialedTrainers: "0",
      });
      expect(late.status).toBe(200);
      expect((await db.rows<{ late: boolean }>(sql`select late from progress_reports where period_id = ${old.id}`))[0].late).toBe(true);
    });
  });

  describe("assessment coverage", () => {
    it("flags the cohort graduating within six months with students never assessed, until a paid order covers it", async () => {
      let page = await (await schoolAdmin.get("/w/demo-school/assessment-coverage")).text();
      expect(page.match(/data-testid="cohort-flagged"/g)?.length).toBe(1);
      const [cohort] = await db.rows<{ id: string; major_id: string; student_count: number }>(
        sql`select id, major_id, student_count from cohorts where tenant_id = ${ids.school} and expected_graduation < current_date + 200 order by expected_graduation limit 1`,
      );
      const [earlier] = await db.rows<{ certificate_id: string; level: string }>(
        sql`select certificate_id, level from assessment_orders where school_tenant_id = ${ids.school} limit 1`,
      );
      const examDate = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
      const order = {
        certificateId: earlier.certificate_id,
        level: earlier.level,
        examSite: "闵行校区实训中心",
        examDate,
        headcount: String(cohort.student_count),
      };
      expect((await schoolAdmin.post("/w/demo-school/orders/new", { ...order, cohortId: "00000000-0000-4000-8000-000000000000" })).status).toBe(400);
      const placed = await schoolAdmin.post("/w/demo-school/orders/new", { ...order, cohortId: cohort.id });
      expect(placed.status).toBe(302);
      const [stored] = await db.rows<{ id: string; pilot_major_id: string; cohort_id: string }>(
        sql`select id, pilot_major_id, cohort_id from assessment_orders where cohort_id = ${cohort.id}`,
      );
      expect(stored.pilot_major_id).toBe(cohort.major_id);
      page = await (await schoolAdmin.get("/w/demo-school/assessment-coverage")).text();
      expect(page.match(/data-testid="cohort-flagged"/g)?.length).toBe(1); // not paid yet
      await system(sql`update assessment_orders set status = 'paid', paid_at = now() where id = ${stored.id} returning id`);
      page = await (await schoolAdmin.get("/w/demo-school/assessment-coverage")).text();
      expect(page.match(/data-testid="cohort-flagged"/g)).toBeNull();
    });
  });

  describe("every school list exports", () => {
    it("as CSV and XLSX", async () => {
      for (const list of ["majors", "adoptions", "courses", "credit-rules", "filings", "progress", "violations", "assessment-coverage"])
        for (const format of ["csv", "xlsx"])
          expect((await schoolAdmin.get(`/w/demo-school/export/${list}?format=${format}`)).status, `${list} ${format}`).toBe(200);
    });
  });
});
