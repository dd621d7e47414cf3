import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { owner } from "../support/db";
import { draftFeeForm } from "../support/demo";
import { routeModules, routeOf } from "../support/routes";

// Issue 20 (the audit), the isolation wall route by route: every route module with a `$slug` or an id
// parameter, and every committee page, is requested by those who must not see it: a user of another
// tenant of the same kind, a user of the other kind (an organization on a school's rows, a school on
// the committee's), and a logged-out visitor. Each must answer 403 or 404 (a visitor may be sent to
// log in), never 200 with the row and never a 5xx. A route under w.$slug with an id is also requested
// under the outsider's own workspace with the owner's id (the leak a shared id-lookup would make).
// The owner asks first: a 200 there proves the path names a real row, so a 404 below means something.
// The first test enumerates app/routes: a new route must join the table or the exclusions (with a reason).

type Actor = "aiAdmin" | "careAdmin" | "schoolAdmin" | "committee" | "anon";
type Owner = "ai" | "school" | "committee";

interface Wall {
  route: string;
  owner: Owner;
  /** The owner's path (`/w/<slug>/…` for workspace routes). */
  path: () => string;
  /** Action-only routes are posted to (a harmless form), not fetched. */
  post?: Record<string, string>;
  /** Whether the owner's own request is expected to succeed (false: an action-only route). */
  ownerOk?: boolean;
  /** Who must be refused, when not everyone outside the owner's tenant. */
  outsiders?: Actor[];
}

/** Routes with a parameter left out, each with the reason. */
const notWalled: Record<string, string> = {
  $: "the not-found page: no parameter reaches the database",
  "evaluations.$period": "public by design: a finalized period's published results (tests/integration/evaluations.test.ts)",
  "fees.$disclosureId": "public by design: published disclosures only; drafts are walled below through w.$slug.fees.$disclosureId",
  "verify.$number": "public by design: the credential verification page (tests/integration/credentials.test.ts)",
  "verify.$number[.]json": "public by design: the credential verification JSON (tests/integration/credentials.test.ts)",
  "join.$slug.$token": "token-gated, no login: an invitation of another tenant is refused in tests/integration/isolation.test.ts",
  "reset-password.$token": "token-gated, no login: tests/integration/password-reset.test.ts",
  "signup_.verify.$token": "token-gated, no login: tests/integration/signup-verification.test.ts",
  "library.$kind.$tenantId.$itemId":
    "the shared library: every tenant's shared items by design; private items, drafts and the exam pool are refused in tests/integration/library.test.ts",
  "library.material.$tenantId.$itemId.attachments.$attachmentId": "the shared library's attachments: tests/integration/library.test.ts",
};

const statusOk = (actor: Actor, response: Response) =>
  response.status === 403 ||
  response.status === 404 ||
  (actor === "anon" && response.status === 302 && /^\/login/.test(response.headers.get("location") ?? ""));

describe("isolation, route by route", () => {
  let app: TestApp;
  const clients = {} as Record<Actor, HttpClient>;
  const ids: Record<string, string> = {};
  const db = () => owner(app.database);

  const ai = (rest: string) => () => `/w/demo-ai${rest}`;
  const school = (rest: string) => () => `/w/demo-school${rest}`;
  const committee = (rest: string) => () => `/committee${rest}`;

  const walls: Wall[] = [
    // Committee pages (a school or an organization must not reach any of them).
    ...[
      ["committee", ""],
      ["committee._index", ""],
      ["committee.admissions._index", "/admissions"],
      ["committee.banks", "/banks"],
      ["committee.evaluations._index", "/evaluations"],
      ["committee.fees", "/fees"],
      ["committee.fees[.]csv", "/fees.csv"],
      ["committee.filings._index", "/filings"],
      ["committee.settings", "/settings"],
      ["committee.sites", "/sites"],
      ["committee.typical-cases._index", "/typical-cases"],
      ["committee.violations._index", "/violations"],
    ].map(([route, rest]): Wall => ({ route, owner: "committee", path: committee(rest) })),
    { route: "committee.admissions.export", owner: "committee", path: committee("/admissions/export?format=csv") },
    { route: "committee.admissions.$tenantId", owner: "committee", path: () => `/committee/admissions/${ids.pendingTenant}` },
    { route: "committee.evaluations.$periodId", owner: "committee", path: () => `/committee/evaluations/${ids.evaluationPeriod}` },
    { route: "committee.export.$list", owner: "committee", path: committee("/export/sites?format=csv") },
    { route: "committee.figures.$figure", owner: "committee", path: committee("/figures/open-violations") },
    { route: "committee.filings.$filingId", owner: "committee", path: () => `/committee/filings/${ids.filing}` },
    { route: "committee.orders.$orderId", owner: "committee", path: () => `/committee/orders/${ids.order}` },
    { route: "committee.typical-cases.$caseId", owner: "committee", path: () => `/committee/typical-cases/${ids.typicalCase}` },
    { route: "committee.violations.$reportId", owner: "committee", path: () => `/committee/violations/${ids.violationReport}` },
    {
      route: "committee.violations.$reportId.evidence.$evidenceId",
      owner: "committee",
      path: () => `/committee/violations/${ids.violationReport}/evidence/${ids.violationEvidence}`,
    },
    // An organization's workspace.
    ...[
      ["w.$slug", ""],
      ["w.$slug._index", "/"],
      ["w.$slug_.fees.notice", "/fees/notice"],
      ["w.$slug.audit", "/audit"],
      ["w.$slug.members", "/members"],
      ["w.$slug.search", "/search?q=AI"],
      ["w.$slug.violation-findings", "/violation-findings"],
      ["w.$slug.certificates._index", "/certificates"],
      ["w.$slug.certificates.new", "/certificates/new"],
      ["w.$slug.questions._index", "/questions"],
      ["w.$slug.questions.new", "/questions/new"],
      ["w.$slug.questions.template", "/questions/template?format=xlsx"],
      ["w.$slug.questions.import._index", "/questions/import"],
      ["w.$slug.cases._index", "/cases"],
      ["w.$slug.cases.new", "/cases/new"],
      ["w.$slug.cases.template", "/cases/template?format=xlsx"],
      ["w.$slug.cases.import._index", "/cases/import"],
      ["w.$slug.materials._index", "/materials"],
      ["w.$slug.materials.new", "/materials/new"],
      ["w.$slug.fees._index", "/fees"],
      ["w.$slug.fees.new", "/fees/new"],
      ["w.$slug.payments", "/payments"],
      ["w.$slug.credentials._index", "/credentials"],
      ["w.$slug.credentials.new", "/credentials/new"],
      ["w.$slug.credentials.template", "/credentials/template?format=xlsx"],
      ["w.$slug.credentials.import._index", "/credentials/import"],
      ["w.$slug.exam-sites", "/exam-sites"],
      ["w.$slug.training", "/training"],
      ["w.$slug.coverage", "/coverage"],
      ["w.$slug.export.$list", "/export/members?format=csv"],
    ].map(([route, rest]): Wall => ({ route, owner: "ai", path: ai(rest) })),
    { route: "w.$slug.questions.export", owner: "ai", path: () => `/w/demo-ai/questions/export?certificate=${ids.certificate}&format=csv` },
    { route: "w.$slug.cases.export", owner: "ai", path: () => `/w/demo-ai/cases/export?certificate=${ids.certificate}&format=csv` },
    { route: "w.$slug.standards.diff", owner: "ai", path: () => `/w/demo-ai/standards/diff?from=${ids.firstVersion}&to=${ids.standardVersion}` },
    { route: "w.$slug.certificates.$certificateId", owner: "ai", path: () => `/w/demo-ai/certificates/${ids.certificate}` },
    { route: "w.$slug.certificates.$certificateId_.standards", owner: "ai", path: () => `/w/demo-ai/certificates/${ids.certificate}/standards` },
    { route: "w.$slug.standards.$versionId", owner: "ai", path: () => `/w/demo-ai/standards/${ids.standardVersion}` },
    { route: "w.$slug.standards.$versionId.export[.]xlsx", owner: "ai", path: () => `/w/demo-ai/standards/${ids.standardVersion}/export.xlsx` },
    { route: "w.$slug_.standards.$versionId.print", owner: "ai", path: () => `/w/demo-ai/standards/${ids.standardVersion}/print` },
    { route: "w.$slug.questions.$questionId", owner: "ai", path: () => `/w/demo-ai/questions/${ids.question}` },
    {
      route: "w.$slug.questions.$questionId.attachments.$attachmentId",
      owner: "ai",
      path: () => `/w/demo-ai/questions/${ids.attachmentQuestion}/attachments/${ids.questionAttachment}`,
    },
    {
      route: "w.$slug.questions.$questionId_.suggestions",
      owner: "ai",
      path: () => `/w/demo-ai/questions/${ids.question}/suggestions`,
      post: { requirementId: "00000000-0000-4000-8000-000000000000" },
      ownerOk: false,
    },
    { route: "w.$slug.questions.import.$jobId", owner: "ai", path: () => `/w/demo-ai/questions/import/${ids.questionJob}` },
    { route: "w.$slug.questions.import.$jobId.events", owner: "ai", path: () => `/w/demo-ai/questions/import/${ids.questionJob}/events` },
    { route: "w.$slug.questions.import.$jobId.errors[.]xlsx", owner: "ai", path: () => `/w/demo-ai/questions/import/${ids.questionJob}/errors.xlsx` },
    {
      route: "w.$slug.questions.import.$jobId_.review",
      owner: "ai",
      path: () => `/w/demo-ai/questions/import/${ids.questionJob}/review`,
      post: { intent: "keep" },
      ownerOk: false,
    },
    { route: "w.$slug.cases.$caseId", owner: "ai", path: () => `/w/demo-ai/cases/${ids.case}` },
    {
      route: "w.$slug.cases.$caseId_.suggestions",
      owner: "ai",
      path: () => `/w/demo-ai/cases/${ids.case}/suggestions`,
      post: { requirementId: "00000000-0000-4000-8000-000000000000" },
      ownerOk: false,
    },
    { route: "w.$slug.cases.import.$jobId", owner: "ai", path: () => `/w/demo-ai/cases/import/${ids.caseJob}` },
    { route: "w.$slug.cases.import.$jobId.events", owner: "ai", path: () => `/w/demo-ai/cases/import/${ids.caseJob}/events` },
    { route: "w.$slug.cases.import.$jobId.errors[.]xlsx", owner: "ai", path: () => `/w/demo-ai/cases/import/${ids.caseJob}/errors.xlsx` },
    { route: "w.$slug.materials.$materialId", owner: "ai", path: () => `/w/demo-ai/materials/${ids.material}` },
    {
      route: "w.$slug.materials.$materialId.attachments.$attachmentId",
      owner: "ai",
      path: () => `/w/demo-ai/materials/${ids.attachmentMaterial}/attachments/${ids.materialAttachment}`,
    },
    { route: "w.$slug.fees.$disclosureId", owner: "ai", path: () => `/w/demo-ai/fees/${ids.draftDisclosure}` },
    { route: "w.$slug.credentials.$credentialId", owner: "ai", path: () => `/w/demo-ai/credentials/${ids.credential}` },
    {
      route: "w.$slug.credentials.$credentialId.evidence.$evidenceId",
      owner: "ai",
      path: () => `/w/demo-ai/credentials/${ids.credential}/evidence/${ids.credentialEvidence}`,
    },
    { route: "w.$slug.credentials.import.$jobId", owner: "ai", path: () => `/w/demo-ai/credentials/import/${ids.credentialJob}` },
    { route: "w.$slug.credentials.import.$jobId.events", owner: "ai", path: () => `/w/demo-ai/credentials/import/${ids.credentialJob}/events` },
    { route: "w.$slug.credentials.import.$jobId.errors[.]xlsx", owner: "ai", path: () => `/w/demo-ai/credentials/import/${ids.credentialJob}/errors.xlsx` },
    // A school's workspace.
    ...[
      ["w.$slug.adoptions._index", "/adoptions"],
      ["w.$slug.adoptions.new", "/adoptions/new"],
      ["w.$slug.assessment-coverage", "/assessment-coverage"],
      ["w.$slug.courses", "/courses"],
      ["w.$slug.credit-rules", "/credit-rules"],
      ["w.$slug.filings._index", "/filings"],
      ["w.$slug.filings.new", "/filings/new"],
      ["w.$slug.majors._index", "/majors"],
      ["w.$slug.majors.template", "/majors/template?format=xlsx"],
      ["w.$slug.majors.import._index", "/majors/import"],
      ["w.$slug.orders._index", "/orders"],
      ["w.$slug.orders.new", "/orders/new"],
      ["w.$slug.progress._index", "/progress"],
      ["w.$slug.settings", "/settings"],
      ["w.$slug.typical-cases", "/typical-cases"],
      ["w.$slug.violations._index", "/violations"],
      ["w.$slug.violations.new", "/violations/new"],
    ].map(([route, rest]): Wall => ({ route, owner: "school", path: school(rest) })),
    { route: "w.$slug.adoptions.$adoptionId", owner: "school", path: () => `/w/demo-school/adoptions/${ids.adoption}` },
    { route: "w.$slug.adoptions.$adoptionId_.mapping", owner: "school", path: () => `/w/demo-school/adoptions/${ids.adoption}/mapping` },
    { route: "w.$slug.adoptions.$adoptionId.mapping[.]xlsx", owner: "school", path: () => `/w/demo-school/adoptions/${ids.adoption}/mapping.xlsx` },
    { route: "w.$slug.filings.$filingId", owner: "school", path: () => `/w/demo-school/filings/${ids.filing}` },
    { route: "w.$slug.majors.$majorId", owner: "school", path: () => `/w/demo-school/majors/${ids.major}` },
    { route: "w.$slug.majors.import.$jobId", owner: "school", path: () => `/w/demo-school/majors/import/${ids.majorJob}` },
    { route: "w.$slug.majors.import.$jobId.events", owner: "school", path: () => `/w/demo-school/majors/import/${ids.majorJob}/events` },
    { route: "w.$slug.majors.import.$jobId.errors[.]xlsx", owner: "school", path: () => `/w/demo-school/majors/import/${ids.majorJob}/errors.xlsx` },
    // An order is the school's and the organization's it is placed with (demo-ai): both see it by design.
    { route: "w.$slug.orders.$orderId", owner: "school", path: () => `/w/demo-school/orders/${ids.order}`, outsiders: ["careAdmin", "committee", "anon"] },
    { route: "w.$slug.progress.$periodId", owner: "school", path: () => `/w/demo-school/progress/${ids.reportPeriod}` },
    { route: "w.$slug.violations.$reportId", owner: "school", path: () => `/w/demo-school/violations/${ids.violationReport}` },
    {
      route: "w.$slug.violations.$reportId.evidence.$evidenceId",
      owner: "school",
      path: () => `/w/demo-school/violations/${ids.violationReport}/evidence/${ids.violationEvidence}`,
    },
  ];

  const insiders: Record<Owner, Actor> = { ai: "aiAdmin", school: "schoolAdmin", committee: "committee" };
  const outsiders: Record<Owner, Actor[]> = {
    ai: ["careAdmin", "schoolAdmin", "committee", "anon"],
    school: ["aiAdmin", "careAdmin", "committee", "anon"],
    committee: ["schoolAdmin", "aiAdmin", "anon"],
  };
  /** The outsider's own workspace, for the owner's id under it. */
  const ownSlug: Partial<Record<Actor, string>> = { careAdmin: "demo-care", schoolAdmin: "demo-school", aiAdmin: "demo-ai" };

  /** Fetched, or posted; the body of a stream is never waited for (an import's events). */
  const request = async (actor: Actor, wall: Wall, path: string) => {
    const client = clients[actor];
    const response = wall.post ? await client.post(path, wall.post) : await client.get(path);
    const type = response.headers.get("content-type") ?? "";
    const body = /text\/event-stream/.test(type) ? (await response.body?.cancel(), "") : await response.text();
    return { response, body };
  };

  beforeAll(async () => {
    app = await startApp();
    const accounts: Record<Exclude<Actor, "anon">, string> = {
      aiAdmin: "org-admin@demo.xcert.test",
      careAdmin: "org2-admin@demo.xcert.test",
      schoolAdmin: "school-admin@demo.xcert.test",
      committee: "committee@demo.xcert.test",
    };
    for (const [actor, email] of Object.entries(accounts)) {
      clients[actor as Actor] = app.client();
      await clients[actor as Actor].login(email);
    }
    clients.anon = app.client();
    const one = async (statement: ReturnType<typeof sql>) => (await db().rows<{ id: string }>(statement))[0]?.id;
    const aiTenant = sql`(select id from tenants where slug = 'demo-ai')`;
    const schoolTenant = sql`(select id from tenants where slug = 'demo-school')`;
    ids.aiTenant = (await one(aiTenant))!;
    ids.schoolTenant = (await one(schoolTenant))!;
    ids.certificate = (await one(sql`select id from certificates where code = 'AI-TRAINER'`))!;
    ids.standardVersion = (await one(
      sql`select id from standard_versions where tenant_id = ${aiTenant} and certificate_id = ${ids.certificate} order by version desc limit 1`,
    ))!;
    ids.firstVersion = (await one(
      sql`select id from standard_versions where tenant_id = ${aiTenant} and certificate_id = ${ids.certificate} order by version limit 1`,
    ))!;
    ids.question = (await one(sql`select id from questions where tenant_id = ${aiTenant} limit 1`))!;
    const [attachment] = await db().rows<{ id: string; question_id: string }>(
      sql`select id, question_id from question_attachments where tenant_id = ${aiTenant} limit 1`,
    );
    ids.questionAttachment = attachment?.id;
    ids.attachmentQuestion = attachment?.question_id;
    ids.case = (await one(sql`select id from cases where tenant_id = ${aiTenant} limit 1`))!;
    ids.material = (await one(sql`select id from materials where tenant_id = ${aiTenant} limit 1`))!;
    const [materialAttachment] = await db().rows<{ id: string; material_id: string }>(
      sql`select id, material_id from material_attachments where tenant_id = ${aiTenant} limit 1`,
    );
    ids.materialAttachment = materialAttachment?.id;
    ids.attachmentMaterial = materialAttachment?.material_id;
    ids.credential = (await one(sql`select id from credentials where tenant_id = ${aiTenant} limit 1`))!;
    const job = (kind: string, tenant: string, certificate: string | null) =>
      one(sql`insert into import_jobs (tenant_id, kind, format, certificate_id, file_name, status, failed_rows, error_count, errors)
        values (${tenant}, ${kind}, 'xlsx', ${certificate}, 'walls.xlsx', 'failed', 1, 1, ${JSON.stringify([{ row: 2, column: "A", message: "required" }])}::jsonb)
        returning id`);
    ids.questionJob = (await job("questions", ids.aiTenant, ids.certificate))!;
    ids.caseJob = (await job("cases", ids.aiTenant, ids.certificate))!;
    ids.credentialJob = (await job("credentials", ids.aiTenant, null))!;
    ids.majorJob = (await job("pilot_majors", ids.schoolTenant, null))!;
    ids.adoption = (await one(sql`select id from adoptions where tenant_id = ${schoolTenant} limit 1`))!;
    ids.major = (await one(sql`select id from pilot_majors where tenant_id = ${schoolTenant} limit 1`))!;
    ids.filing = (await one(sql`select id from filings where tenant_id = ${schoolTenant} limit 1`))!;
    ids.reportPeriod = (await one(sql`select id from report_periods order by starts_on desc limit 1`))!;
    ids.violationReport = (await one(sql`select id from violation_reports where tenant_id = ${schoolTenant} limit 1`))!;
    ids.pendingTenant = (await one(sql`select tenant_id as id from tenant_admissions where status = 'pending' limit 1`))!;
    ids.evaluationPeriod = (await one(sql`select id from evaluation_periods limit 1`))!;
    ids.typicalCase = (await one(sql`select id from typical_cases limit 1`))!;
    // A draft disclosure, an order, and evidence files: the seed has none.
    const draft = await clients.aiAdmin.post("/w/demo-ai/fees/new", draftFeeForm(ids.certificate));
    ids.draftDisclosure = draft.headers.get("location")?.split("/").at(-1) ?? "";
    const order = await clients.schoolAdmin.post("/w/demo-school/orders/new", {
      certificateId: ids.certificate,
      level: "intermediate",
      examSite: "徐汇校区",
      examDate: "2099-01-01",
      headcount: 2,
    });
    ids.order = order.headers.get("location")?.split("/").at(-1) ?? "";
    const pdf = () => new Blob([Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")], { type: "application/pdf" });
    const evidence = new FormData();
    evidence.set("intent", "evidence");
    evidence.set("file", pdf(), "evidence.pdf");
    expect((await clients.aiAdmin.post(`/w/demo-ai/credentials/${ids.credential}`, evidence)).status).toBe(200);
    ids.credentialEvidence = (await one(sql`select id from credential_evidence where credential_id = ${ids.credential} limit 1`))!;
    const report = new FormData();
    report.set("organizationId", (await one(sql`select id from tenants where slug = 'demo-care'`))!);
    report.set("category", "forced_paid_training");
    report.set("description", "强制教师参加收费培训，且未提前公示收费标准。");
    report.set("evidence", pdf(), "report.pdf");
    const filed = await clients.schoolAdmin.post("/w/demo-school/violations/new", report);
    expect(filed.status).toBe(302);
    ids.violationReport = filed.headers.get("location")!.split("/").at(-1)!;
    ids.violationEvidence = (await one(sql`select id from violation_evidence where report_id = ${ids.violationReport} limit 1`))!;
    for (const [key, value] of Object.entries(ids)) expect(value, key).toMatch(/^[0-9a-f-]{36}$/);
  });
  afterAll(() => app?.close());

  it("walls every route with a parameter and every committee page, or says why not", () => {
    const walled = new Set(walls.map((w) => routeOf(w.route)));
    const needed = routeModules()
      .filter((r) => r.params.length > 0 || r.id === "committee" || r.id.startsWith("committee."))
      .map((r) => r.id);
    expect(needed.length).toBeGreaterThan(80);
    expect(needed.filter((id) => !walled.has(id) && !(id in notWalled))).toEqual([]);
    expect([...walled, ...Object.keys(notWalled)].filter((id) => !needed.includes(id))).toEqual([]);
  });

  it.each(walls.map((w) => [w.route, w] as const))("%s", async (_route, wall) => {
    const path = wall.path();
    const before = await db().count("audit_log");
    if (wall.ownerOk !== false) {
      const { response } = await request(insiders[wall.owner], wall, path);
      expect(response.status, `${insiders[wall.owner]} (the owner) on ${path}`).toBe(200);
    }
    const refusals: string[] = [];
    const check = async (actor: Actor, target: string) => {
      const { response, body } = await request(actor, wall, target);
      if (!statusOk(actor, response)) refusals.push(`${actor} GET ${target} → ${response.status} ${body.slice(0, 120)}`);
    };
    for (const actor of wall.outsiders ?? outsiders[wall.owner]) {
      await check(actor, path);
      // The owner's ids under the outsider's own workspace.
      const slug = ownSlug[actor];
      if (wall.route.startsWith("w.$slug") && slug && /\/[0-9a-f]{8}-[0-9a-f]{4}-/.test(path)) await check(actor, path.replace(/^\/w\/[^/]+/, `/w/${slug}`));
    }
    expect(refusals).toEqual([]);
    if (wall.post) expect(await db().count("audit_log")).toBe(before);
  });
});
