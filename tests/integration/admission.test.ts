import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, shanghaiDate } from "../../app/ui/format";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";
import { signUpOrganization } from "../support/demo";

// Decision 042: an organization or school is pending until the committee admits it. Pending (or
// suspended) it builds its banks but cannot publish fees, share to the library or issue credentials,
// at the database whatever the app does; the committee's admin admits, refuses or suspends with a
// reason, the applicant hears of it by email, and everything is audited.

describe("admission of organizations and schools", () => {
  let app: TestApp;
  let committee: HttpClient;
  let founder: HttpClient;
  let pendingSlug: string;
  let pendingId: string;
  let pendingCertificate: string;
  const db = () => owner(app.database);
  const tenantId = async (slug: string) => (await db().rows<{ id: string }>(sql`select id from tenants where slug = ${slug}`))[0].id;
  const admissionOf = async (slug: string) => (await db().rows<{ admission: string }>(sql`select admission from tenants where slug = ${slug}`))[0].admission;
  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  const decide = (client: HttpClient, id: string, form: Record<string, string>) =>
    client.action(`/committee/admissions/${id}`, "routes/committee.admissions.$tenantId", form);
  const feeRow = (
    tenant: string,
    certificate: string,
  ) => sql`insert into fee_disclosures (tenant_id, certificate_id, level, kind, amount_fen, unit, effective_from, contact, status, published_at)
    values (${tenant}, ${certificate}, 'intermediate', 'assessment', 10000, 'per_person', ${addDays(shanghaiDate(), 60)}, '021-0000 0000', 'published', now())`;

  beforeAll(async () => {
    app = await startApp();
    committee = app.client();
    await committee.login("committee@demo.xcert.test");
    founder = app.client();
    const signed = await signUpOrganization(founder, { slug: "pending", name: "待准入", code: "PEND-1" }, { admitted: false });
    pendingSlug = signed.slug;
    pendingCertificate = signed.certificateId;
    pendingId = await tenantId(pendingSlug);
  });
  afterAll(() => app.close());

  it("lists every organization and school for the committee, filtered, paginated and exported; the seed's pending one with its evidence", async () => {
    const page = await (await committee.data("/committee/admissions?status=pending", "routes/committee.admissions._index")).json();
    const rows = (page as { page: { rows: { slug: string; status: string }[]; nextCursor: string | null } }).page.rows;
    expect(rows.map((r) => r.slug)).toEqual(expect.arrayContaining(["demo-pending", pendingSlug]));
    expect(rows.every((r) => r.status === "pending")).toBe(true);
    const admitted = (await (await committee.data("/committee/admissions?status=admitted", "routes/committee.admissions._index")).json()) as {
      page: { rows: { slug: string }[] };
    };
    expect(admitted.page.rows.map((r) => r.slug)).toEqual(expect.arrayContaining(["demo-ai", "demo-care", "demo-school"]));
    expect(admitted.page.rows.map((r) => r.slug)).not.toContain("committee");
    const html = await (await committee.get("/committee/admissions")).text();
    expect(html).toContain('href="/committee/admissions"');
    const seeded = await tenantId("demo-pending");
    const detail = await (await committee.get(`/committee/admissions/${seeded}`)).text();
    expect(detail).toContain("数字技术服务");
    expect(detail).toContain("DIGI-OPS");
    const csv = await committee.get("/committee/admissions/export?format=csv&status=pending");
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain("上海申数数字技能评价有限公司");
    expect((await committee.get("/committee/admissions/export?format=xlsx")).status).toBe(200);
  });

  it("lets a pending organization build its banks but not publish, share or issue, at the database", async () => {
    const scope = { tenantId: pendingId, tenantKind: "organization", role: "owner" };
    // A private material is fine; a shared one, or sharing it later, is refused.
    const [material] = await asApp(scope, (tx) =>
      query<{ id: string }>(
        tx,
        sql`insert into materials (tenant_id, certificate_id, kind, title) values (${pendingId}, ${pendingCertificate}, 'textbook', '自编教材') returning id`,
      ),
    );
    expect(material.id).toBeTruthy();
    expect(
      await databaseError(
        asApp(scope, (tx) => tx.execute(sql`update materials set visibility = 'shared' where tenant_id = ${pendingId} and id = ${material.id}`)),
      ),
    ).toMatch(/not admitted.*share/);
    expect(
      await databaseError(
        asApp(scope, (tx) =>
          tx.execute(
            sql`insert into materials (tenant_id, certificate_id, kind, title, visibility) values (${pendingId}, ${pendingCertificate}, 'textbook', 'x', 'shared')`,
          ),
        ),
      ),
    ).toMatch(/not admitted/);
    expect(await databaseError(asApp(scope, (tx) => tx.execute(feeRow(pendingId, pendingCertificate))))).toMatch(/not admitted.*publish fees/);
    // Even the system scope (a job, the seed) cannot.
    expect(await databaseError(asApp({ tenantId: pendingId, role: "system" }, (tx) => tx.execute(feeRow(pendingId, pendingCertificate))))).toMatch(
      /not admitted/,
    );
    // The organization cannot admit itself, nor read another's filing.
    expect(await databaseError(asApp(scope, (tx) => tx.execute(sql`select decide_admission(${pendingId}, 'admitted', '')`)))).toMatch(/committee's admin/);
    expect(await databaseError(asApp(scope, (tx) => tx.execute(sql`update tenants set admission = 'admitted' where id = ${pendingId}`)))).toMatch(
      /permission denied/,
    );
    const seen = await asApp(scope, (tx) => query<{ tenant_id: string }>(tx, sql`select tenant_id from tenant_admissions`));
    expect(seen.map((r) => r.tenant_id)).toEqual([pendingId]);
    expect(
      await asApp({ tenantId: await tenantId("demo-ai"), tenantKind: "organization", role: "editor" }, (tx) => query(tx, sql`select * from tenant_admissions`)),
    ).toEqual([]);
    expect(await asApp({ role: "public" }, (tx) => query(tx, sql`select * from tenant_admissions`))).toEqual([]);
    expect(await databaseError(asApp({ role: "public" }, (tx) => tx.execute(sql`select * from admission_contacts(${pendingId})`)))).toMatch(
      /committee's admin/,
    );
    // The workspace says why.
    const overview = await (await founder.get(`/w/${pendingSlug}`)).text();
    expect(overview).toContain('data-testid="admission-banner"');
    // Nothing of it is public.
    expect(await (await app.client().get("/fees")).text()).not.toContain(pendingSlug);
  });

  it("shows a pending organization on no public page: the catalogue and its export, credit rules, selected cases, evaluations", async () => {
    // What the walls do not stop: an active certificate (building banks needs one), a credit rule a
    // school records for it, a typical case the committee selected, a member scoring it.
    await db().rows(sql`update certificates set status = 'active', name_zh = '待准入证书' where id = ${pendingCertificate}`);
    const school = await tenantId("demo-school");
    await db().rows(sql`insert into credit_rules (tenant_id, organization_id, certificate_id, level, course_code, course_name, credits, exemption, valid_from)
      values (${school}, ${pendingId}, ${pendingCertificate}, 'intermediate', 'PEND-C1', '待准入课程', 2, 'none', ${addDays(shanghaiDate(), -1)})`);
    await db().rows(sql`insert into typical_cases (tenant_id, title, summary, body, status, decided_at)
      values (${pendingId}, '待准入典型案例', 'x', 'x', 'selected', now())`);
    const visitor = app.client();
    const pages = {
      "/library/certificates": "待准入证书",
      "/library/certificates?q=%E5%BE%85%E5%87%86%E5%85%A5": "待准入证书",
      "/library/certificates/export?format=csv": "待准入证书",
      "/api/v1/credit-rules": "PEND-C1",
      "/cases/selected": "待准入典型案例",
    };
    for (const [path, text] of Object.entries(pages)) {
      const response = await visitor.get(path);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).not.toContain(text);
    }
    // The committee still sees the certificate's credit rule and the case; the school its own rule.
    expect(await db().count("credit_rules", sql`organization_id = ${pendingId}`)).toBe(1);
    // Not evaluated either: not in the evidence, and a score for it is refused.
    const [open] = await db().rows<{ id: string }>(sql`select id from evaluation_periods where status = 'open' order by created_at desc limit 1`);
    const evaluation = (await (await committee.data(`/committee/evaluations/${open.id}`, "routes/committee.evaluations.$periodId")).json()) as {
      organizations: { evidence: { organizationId: string } }[];
    };
    expect(evaluation.organizations.length).toBeGreaterThan(0);
    expect(evaluation.organizations.map((o) => o.evidence.organizationId)).not.toContain(pendingId);
    const scored = await committee.action(`/committee/evaluations/${open.id}`, "routes/committee.evaluations.$periodId", {
      intent: "score",
      organizationId: pendingId,
      criterion: "integrity",
      score: 80,
      comment: "x",
    });
    expect(scored.status).toBe(400);
    expect(await db().count("evaluation_scores", sql`organization_id = ${pendingId}`)).toBe(0);
    // Once admitted (later in this file) its catalogue entry appears: the filter is the admission, not the data.
    await db().rows(sql`delete from typical_cases where tenant_id = ${pendingId}`);
    await db().rows(sql`delete from credit_rules where organization_id = ${pendingId}`);
  });

  it("keeps the committee's pages from organizations, and decisions from committee members other than the admin", async () => {
    expect([403, 404]).toContain((await founder.get("/committee/admissions")).status);
    expect([403, 404]).toContain((await founder.post(`/committee/admissions/${pendingId}`, { intent: "admit" })).status);
    const orgAdmin = app.client();
    await orgAdmin.login("org-admin@demo.xcert.test");
    expect([403, 404]).toContain((await orgAdmin.get(`/committee/admissions/${pendingId}`)).status);
    expect([403, 404]).toContain((await orgAdmin.get("/committee/admissions/export?format=csv")).status);
    // A committee member who is not the admin: the database refuses too.
    const committeeId = await tenantId("committee");
    expect(
      await databaseError(
        asApp({ tenantId: committeeId, tenantKind: "committee", role: "member" }, (tx) =>
          tx.execute(sql`select decide_admission(${pendingId}, 'admitted', '')`),
        ),
      ),
    ).toMatch(/committee's admin/);
    expect(await admissionOf(pendingSlug)).toBe("pending");
  });

  it("refuses bad decisions with 4xx and field messages, changing nothing", async () => {
    const before = await db().count("audit_log", sql`action like 'admission.%'`);
    const noReason = await decide(committee, pendingId, { intent: "refuse", reason: "  " });
    expect(noReason.status).toBe(400);
    expect(Object.keys(await errorsOf(noReason))).toEqual(["reason"]);
    expect((await decide(committee, pendingId, { intent: "approve" })).status).toBe(400);
    expect((await decide(committee, pendingId, { intent: "admit", reason: "x".repeat(1001) })).status).toBe(400);
    // Not from this status.
    const wrong = await decide(committee, pendingId, { intent: "suspend", reason: "无" });
    expect(wrong.status).toBe(409);
    expect((await committee.post("/committee/admissions/not-a-uuid", { intent: "admit" })).status).toBe(404);
    expect((await committee.post(`/committee/admissions/${await tenantId("committee")}`, { intent: "admit" })).status).toBe(404);
    // At the database: a refusal states its reason, and no illegal move.
    const scope = { tenantId: await tenantId("committee"), tenantKind: "committee", role: "admin" };
    expect(await databaseError(asApp(scope, (tx) => tx.execute(sql`select decide_admission(${pendingId}, 'refused', '')`)))).toMatch(/reason/);
    expect(await databaseError(asApp(scope, (tx) => tx.execute(sql`select decide_admission(${pendingId}, 'suspended', 'x')`)))).toMatch(
      /cannot go from pending to suspended/,
    );
    expect(await admissionOf(pendingSlug)).toBe("pending");
    expect(await db().count("audit_log", sql`action like 'admission.%'`)).toBe(before);
  });

  it("admits: audited, the applicant mailed, publishing opens", async () => {
    const response = await decide(committee, pendingId, { intent: "admit", reason: "" });
    expect(response.status).toBe(200);
    expect(await admissionOf(pendingSlug)).toBe("admitted");
    const [entry] = await db().rows<{ action: string; tenant_id: string }>(
      sql`select action, tenant_id from audit_log where action = 'admission.admit' and entity_id = ${pendingId}::text`,
    );
    expect(entry.tenant_id).toBe(await tenantId("committee"));
    const mails = await db().rows<{ template: string; subject: string }>(
      sql`select template, subject from email_outbox where "to" = ${`${pendingSlug}@example.test`} and template = 'admission-decision'`,
    );
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toContain("准入");
    const [filing] = await db().rows<{ status: string; decided_at: Date | null }>(
      sql`select status, decided_at from tenant_admissions where tenant_id = ${pendingId}`,
    );
    expect(filing.status).toBe("admitted");
    expect(filing.decided_at).not.toBeNull();
    // The database lets it share now.
    const scope = { tenantId: pendingId, tenantKind: "organization", role: "owner" };
    await asApp(scope, (tx) =>
      tx.execute(
        sql`insert into materials (tenant_id, certificate_id, kind, title, visibility) values (${pendingId}, ${pendingCertificate}, 'textbook', '共享教材', 'shared')`,
      ),
    );
    expect(await db().count("materials", sql`tenant_id = ${pendingId} and visibility = 'shared'`)).toBe(1);
    // Admitted, its certificate joins the public catalogue and its export (the cache follows tenants).
    expect(await (await app.client().get("/library/certificates")).text()).toContain("待准入证书");
    expect(await (await app.client().get("/library/certificates/export?format=csv")).text()).toContain("待准入证书");
  });

  it("refuses a pending one with its reason, mailed", async () => {
    const seeded = await tenantId("demo-pending");
    const response = await decide(committee, seeded, { intent: "refuse", reason: "经营范围不含技能评价。" });
    expect(response.status).toBe(200);
    expect(await admissionOf("demo-pending")).toBe("refused");
    const [filing] = await db().rows<{ reason: string }>(sql`select reason from tenant_admissions where tenant_id = ${seeded}`);
    expect(filing.reason).toBe("经营范围不含技能评价。");
    expect(await db().count("email_outbox", sql`template = 'admission-decision' and "to" = 'pending-owner@demo.xcert.test'`)).toBe(1);
  });

  it("suspends an admitted organization: its public fee pages say so, new publishing is refused; reinstating restores it", async () => {
    const ai = await tenantId("demo-ai");
    const [published] = await db().rows<{ id: string; certificate_id: string }>(
      sql`select id, certificate_id from fee_disclosures where tenant_id = ${ai} and status = 'published' limit 1`,
    );
    // Every public page that names the organization, as a visitor sees it (cached by data version).
    const [credential] = await db().rows<{ number: string }>(sql`select number from credentials where tenant_id = ${ai} and status = 'active' limit 1`);
    const [period] = await db().rows<{ code: string }>(sql`select code from evaluation_periods where status = 'finalized' limit 1`);
    const visitor = app.client();
    const publicPages = [`/fees?organization=demo-ai`, `/verify/${credential.number}`, "/library/certificates", `/evaluations/${period.code}`];
    const mark = 'data-testid="organization-suspended-mark"';
    const etags = new Map<string, string | null>();
    for (const path of publicPages) {
      const response = await visitor.get(path);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).not.toContain(mark);
      etags.set(path, response.headers.get("etag"));
    }
    // Cached: asked again with its ETag, the fee list answers 304 until the data changes.
    expect((await visitor.get("/fees?organization=demo-ai", { "If-None-Match": etags.get("/fees?organization=demo-ai")! })).status).toBe(304);
    const signedStatus = async () => {
      const body = (await (await visitor.get(`/verify/${credential.number}.json`)).json()) as { id: string };
      const jwt = body.id.replace("data:application/vc+jwt,", "");
      return (JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString()) as { credentialStatus: { status: string; issuerStatus: string } })
        .credentialStatus;
    };
    expect(await signedStatus()).toMatchObject({ status: "active", issuerStatus: "admitted" });

    expect((await decide(committee, ai, { intent: "suspend", reason: "年度评价不合格。" })).status).toBe(200);
    expect(await admissionOf("demo-ai")).toBe("suspended");
    const page = await (await app.client().get(`/fees/${published.id}`)).text();
    expect(page).toContain('data-testid="organization-suspended"');
    // The suspension bumped the pages' data versions: each cached page now carries the mark.
    for (const path of publicPages) {
      const response = await visitor.get(path);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toContain(mark);
      if (etags.get(path)) expect(response.headers.get("etag"), path).not.toBe(etags.get(path));
    }
    expect(await (await visitor.get(`/verify/${credential.number}`)).text()).toContain('data-testid="organization-suspended"');
    // The credential itself stays what it was (lawfully issued); the signed JSON names the issuer's suspension.
    expect(await signedStatus()).toMatchObject({ status: "active", issuerStatus: "suspended" });
    // The app answers 409 with a message; the database refuses anyway.
    const finance = app.client();
    await finance.login("org-finance@demo.xcert.test");
    const refused = await finance.action("/w/demo-ai/fees/new", "routes/w.$slug.fees.new", {
      certificateId: published.certificate_id,
      level: "intermediate",
      kind: "training",
      amount: "100.00",
      unit: "per_person",
      includes: "培训。",
      effectiveFrom: addDays(shanghaiDate(), 60),
      contact: "021-6482 0000",
      changeReason: "",
      intent: "publish",
    });
    expect([400, 409]).toContain(refused.status);
    expect(
      await databaseError(asApp({ tenantId: ai, tenantKind: "organization", role: "finance" }, (tx) => tx.execute(feeRow(ai, published.certificate_id)))),
    ).toMatch(/not admitted \(suspended\)/);
    expect((await decide(committee, ai, { intent: "reinstate", reason: "" })).status).toBe(200);
    expect(await admissionOf("demo-ai")).toBe("admitted");
    expect(await (await app.client().get(`/fees/${published.id}`)).text()).not.toContain('data-testid="organization-suspended"');
    expect(await (await visitor.get("/fees?organization=demo-ai")).text()).not.toContain(mark);
    expect(await db().count("audit_log", sql`action in ('admission.suspend', 'admission.reinstate') and entity_id = ${ai}::text`)).toBe(2);
  });
});
