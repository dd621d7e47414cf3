import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { owner } from "../support/db";

// The committee sees every organization's banks as counts and freshness; the exam pool as a count
// only (教考分离): no exam question's text reaches the committee's page.
describe("committee: banks overview", () => {
  let app: TestApp;
  let committee: HttpClient;
  const route = "routes/committee.banks";

  beforeAll(async () => {
    app = await startApp();
    committee = app.client();
    await committee.login("committee@demo.xcert.test");
  });
  afterAll(() => app.close());

  it("counts practice and exam questions and cases per certificate level, with the last update", async () => {
    const db = owner(app.database);
    const expected = await db.rows<{ level: string; practice: number; exam: number }>(sql`
      select q.level::text, count(*) filter (where q.pool = 'practice')::int as practice, count(*) filter (where q.pool = 'exam')::int as exam
      from questions q join certificates c on c.tenant_id = q.tenant_id and c.id = q.certificate_id where c.code = 'AI-TRAINER' group by 1`);
    expect(expected.some((e) => e.exam > 0)).toBe(true);
    const data = (await (await committee.data("/committee/banks", route)).json()) as {
      rows: {
        organizationSlug: string;
        certificateCode: string;
        level: string;
        practice: number;
        exam: number;
        cases: number;
        questionsUpdated: string | null;
      }[];
    };
    for (const e of expected) {
      const row = data.rows.find((r) => r.organizationSlug === "demo-ai" && r.certificateCode === "AI-TRAINER" && r.level === e.level);
      expect(row, e.level).toMatchObject({ practice: e.practice, exam: e.exam });
      expect(row!.questionsUpdated).not.toBeNull();
    }
    const cases = await db.count("cases", sql`certificate_id in (select id from certificates where code = 'AI-TRAINER')`);
    expect(data.rows.filter((r) => r.certificateCode === "AI-TRAINER").reduce((sum, r) => sum + r.cases, 0)).toBe(cases);
    const filtered = (await (await committee.data("/committee/banks?organization=demo-care", route)).json()) as { rows: { organizationSlug: string }[] };
    expect(filtered.rows.every((r) => r.organizationSlug === "demo-care")).toBe(true);
  });

  it("never shows an exam question's text to the committee", async () => {
    const stems = await owner(app.database).rows<{ stem: string }>(sql`select stem from questions where pool = 'exam'`);
    expect(stems.length).toBeGreaterThan(0);
    const page = await (await committee.get("/committee/banks")).text();
    expect(page).toContain("考试题（仅数量）");
    for (const { stem } of stems) expect(page).not.toContain(stem);
  });

  it("is for committee members only", async () => {
    const org = app.client();
    await org.login("org-admin@demo.xcert.test");
    expect((await org.get("/committee/banks")).status).toBe(404);
    const anonymous = app.client();
    const redirect = await anonymous.get("/committee/banks");
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get("location")).toContain("/login?redirectTo=");
    // Odd filters are ignored, not errors.
    expect((await committee.get("/committee/banks?organization=%00%27--")).status).toBe(200);
  });
});
