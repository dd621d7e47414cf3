import http from "node:http";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { owner } from "../support/db";
import { creditCode, draftFeeForm } from "../support/demo";
import { routeModules, routeOf } from "../support/routes";
import { enrolSecondFactor, openEnrolment, totpCode } from "../support/second-factor";
import { short, Tally } from "./support/summary";

// Fuzzing: every action route (one table below, each with a valid baseline form) receives generated
// invalid input. Each variant carries one change the route must refuse (an "anchor": an unknown intent,
// a malformed id, a bad email …) and, in the other fields, generated trouble: wrong types (lists,
// nested names, numbers for text), missing fields, 1 MB strings, control characters (NUL, ESC, bidi
// overrides), SQL- and HTML-looking strings, negative and huge numbers. Posted as a browser without
// JavaScript posts (document requests: the answer is the HTML page that echoes the form back).
// A route without intents (materials.new) takes field anchors: it ignores an intent.
// Never a 5xx (413 for a body over 1 MB is fine), nothing written (a count and a hash of every table),
// no injected markup in any answer unescaped, and no message in English or as a bare key on a Chinese page.
// The first test enumerates app/routes: an action route missing from the table fails it (issue 20).

const numRuns = Number(process.env.FUZZ_RUNS ?? (short ? 25 : 150));

const scripts = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</textarea><script>alert(1)</script>", "<svg/onload=alert(1)>"];
const sqlish = ["'; drop table users;--", "' or '1'='1", "1; select pg_sleep(5)--", "$1", "%' or 1=1 --", "\\'); truncate audit_log; --"];
const controls = ["\u0000", "\u0007", "\u001B[31m", "\u007F", "\u202A", "\u202E", "\u2066", "\u2069", "\r\n", "\uFEFF", "\uD800"];
const numbers = ["-1", "-0", "-99999999999999999999", "1e308", "-1e308", "NaN", "Infinity", "9".repeat(40), "0x10", "1.5", "1,000"];

/** A value as posted: one string, several (a list where one is expected), or a nested name. */
type Posted = { kind: "value"; value: string } | { kind: "list"; values: string[] } | { kind: "nested"; suffix: string; value: string } | { kind: "missing" };

const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 3, arbitrary: fc.constantFrom(...scripts, ...sqlish) },
  { weight: 3, arbitrary: fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...controls), fc.string({ maxLength: 10 })).map(([a, c, b]) => a + c + b) },
  { weight: 2, arbitrary: fc.constantFrom(...numbers) },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double({ noNaN: false })).map(String) },
  { weight: 1, arbitrary: fc.constantFrom("x".repeat(10_001), "名".repeat(5_000)) },
  // Just over 1 MB: the body bound answers 413 before anything is parsed.
  { weight: 1, arbitrary: fc.constant("x".repeat(1024 * 1024 + 1)) },
);
const posted: fc.Arbitrary<Posted> = fc.oneof(
  { weight: 6, arbitrary: text.map((value) => ({ kind: "value" as const, value })) },
  { weight: 2, arbitrary: fc.array(text, { minLength: 2, maxLength: 3 }).map((values) => ({ kind: "list" as const, values })) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(".x", "[0]", "[]", "[__proto__]"), text).map(([suffix, value]) => ({ kind: "nested" as const, suffix, value })),
  },
  { weight: 2, arbitrary: fc.constant({ kind: "missing" as const }) },
);

/** Field overrides; null removes the field (undefined: TypeScript's reading of a literal list of objects). */
type Anchor = Record<string, string | string[] | null | undefined>;

interface Target {
  route: string;
  client: () => HttpClient;
  path: () => string;
  baseline: () => Record<string, string>;
  /** Changes the route must refuse, whatever else the form holds. */
  anchors: () => Anchor[];
  /** Tables an invalid submission writes to by design. */
  writes?: string[];
  headers?: Record<string, string>;
}

/**
 * Action routes left out of the fuzzing, each with the reason. Empty today: even the Stripe webhook
 * (signature first) and logout are fuzzed. A route added to app/routes with an action must join the
 * table above or this list, or the first test below fails.
 */
const notFuzzed: Record<string, string> = {};

const badIntents: Anchor[] = [{ intent: "approve" }, { intent: "" }, { intent: ["save", "delete"] }, { intent: "delete\u0000" }, { intent: null }];

describe("fuzzing every action", () => {
  const tally = new Tally("fuzz");
  let app: TestApp;
  const clients: Record<string, HttpClient> = {};
  const ids: Record<string, string> = {};
  let joinPath = "";
  let resetPath = "";
  let enrolment = { secret: "", token: "" };
  let tables: string[] = [];
  const db = () => owner(app.database);

  /**
   * A count and an order-independent hash of every row of every table: inserts, updates and deletes all show.
   * Except a session's last_seen_at: it moves every 5 minutes of use whatever is posted, and a run on a
   * loaded machine is longer than that.
   */
  const snapshot = async () => {
    // Only sessions pay for to_jsonb: the row's text is far cheaper on every other table.
    const parts = tables.map((t) => {
      const row = t === "sessions" ? sql`(to_jsonb(x) - 'last_seen_at')::text` : sql`x::text`;
      return sql`select ${t} as t, count(*)::int as n, coalesce(sum(hashtext(${row})::bigint), 0)::text as h from ${sql.identifier(t)} x`;
    });
    const rows = await db().rows<{ t: string; n: number; h: string }>(sql.join(parts, sql` union all `));
    return Object.fromEntries(rows.map((r) => [r.t, `${r.n}:${r.h}`]));
  };

  /** A document POST on a connection of its own (a refused oversized body spoils a kept-alive one). */
  const post = (client: HttpClient, path: string, body: URLSearchParams, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const url = new URL(app.url + path);
      const bytes = Buffer.from(body.toString());
      const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      const request = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: "POST",
          agent: false,
          headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(bytes.length), ...(cookie ? { cookie } : {}), ...headers },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (c: Buffer) => chunks.push(c));
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, type: String(response.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }),
          );
        },
      );
      // The server may stop reading an oversized body and answer 413 at once.
      request.on("error", (error) => (bytes.length > 1024 * 1024 ? resolve({ status: 413, type: "", body: "" }) : reject(error)));
      request.end(bytes);
    });

  const targets: Target[] = [
    {
      route: "signup",
      client: () => app.client(),
      path: () => "/signup",
      baseline: () => ({
        kind: "organization",
        tenantName: "上海某某培训评价有限公司",
        slug: "fuzz-org",
        creditCode: creditCode("91310000MA1XC0300"),
        name: "张三",
        email: "fuzz@example.test",
        password: "fuzz-password-2026",
      }),
      anchors: () => [
        { kind: "company" },
        { slug: "ab" },
        { creditCode: "123" },
        { email: "not-an-email" },
        { password: "short" },
        { businessScope: "x".repeat(2001) },
      ],
    },
    // Decision 041: "send the link again" after a sign-up.
    {
      route: "signup_.resend",
      client: () => app.client(),
      path: () => "/signup/resend",
      baseline: () => ({ email: "fuzz@example.test" }),
      anchors: () => [{ email: "not-an-email" }, { email: null }, { email: ["a@example.test", "b@example.test"] }],
    },
    {
      route: "login",
      client: () => app.client(),
      path: () => "/login",
      baseline: () => ({ email: "org-admin@demo.xcert.test", password: "not-the-password-1" }),
      anchors: () => [{ email: "" }, { email: "not-an-email" }, { password: "wrong-password-9" }],
      writes: ["login_attempts", "account_audit_log", "rate_limit_hits"],
    },
    {
      route: "forgot-password",
      client: () => app.client(),
      path: () => "/forgot-password",
      baseline: () => ({ email: "org-finance@demo.xcert.test" }),
      anchors: () => [{ email: "not-an-email" }, { email: "" }, { email: ["org-finance@demo.xcert.test", "org-admin@demo.xcert.test"] }],
    },
    {
      route: "reset-password.$token",
      client: () => app.client(),
      path: () => resetPath,
      baseline: () => ({ password: "new-password-123", confirm: "new-password-123" }),
      anchors: () => [{ confirm: "new-password-124" }, { password: "short", confirm: "short" }, { password: null }],
    },
    {
      route: "join.$slug.$token",
      client: () => app.client(),
      path: () => joinPath,
      baseline: () => ({ intent: "create", name: "新成员", password: "joiner-password-1" }),
      anchors: () => [...badIntents, { password: "short" }],
    },
    { route: "logout", client: () => app.client(), path: () => "/logout", baseline: () => ({}), anchors: () => [{}] },
    {
      route: "set-language",
      client: () => clients.teacher,
      path: () => "/set-language",
      baseline: () => ({ locale: "en", redirectTo: "/workspaces" }),
      anchors: () => [{ locale: "fr" }, { locale: null }, { locale: ["en", "zh-CN"] }],
    },
    // The second factor: enrolment (a current code, refused by its anchor), turning it off, and login's second step.
    {
      route: "account.second-factor (enrol)",
      client: () => clients.enrolling,
      path: () => "/account/second-factor",
      baseline: () => ({ intent: "enrol", token: enrolment.token, code: totpCode(enrolment.secret) }),
      anchors: () => [...badIntents, { code: "12ab" }, { token: "v1.x.y.z" }, { token: null }, { code: null }],
    },
    {
      route: "account.second-factor (disable)",
      client: () => clients.enrolled,
      path: () => "/account/second-factor",
      baseline: () => ({ intent: "disable", proof: "demo-password-2026" }),
      anchors: () => [...badIntents, { proof: "wrong-password-1" }, { proof: null }, { proof: "" }],
    },
    {
      route: "login_.second-factor",
      client: () => clients.challenged,
      path: () => "/login/second-factor",
      baseline: () => ({ code: "abcde-fghjk" }),
      anchors: () => [{ code: "12345" }, { code: "abc" }, { code: null }, { code: "zzzzz-zzzzz" }],
      writes: ["login_challenges", "account_audit_log"],
    },
    {
      route: "w.$slug.members",
      client: () => clients.admin,
      path: () => "/w/demo-ai/members",
      baseline: () => ({ email: "fuzz-member@example.test", role: "viewer" }),
      anchors: () => [{ email: "not-an-email" }, { role: "owner" }, { role: null }],
    },
    // Issue 14 items 5 and 7: member removal and role change, withdrawing an invitation, ending a session, password change.
    {
      route: "w.$slug.members (member)",
      client: () => clients.admin,
      path: () => "/w/demo-ai/members?do=member",
      baseline: () => ({ intent: "role", membershipId: ids.financeMembership, role: "viewer" }),
      anchors: () => [
        ...badIntents,
        { membershipId: "x" },
        { role: "owner" },
        { role: "master" },
        { intent: "remove", membershipId: "00000000-0000-4000-8000-000000000000" },
        { intent: "end-sessions", membershipId: null },
      ],
    },
    {
      route: "w.$slug.members (revoke)",
      client: () => clients.admin,
      path: () => "/w/demo-ai/members?do=revoke",
      baseline: () => ({ invitationId: ids.invitation }),
      anchors: () => [{ invitationId: "x" }, { invitationId: null }, { invitationId: "00000000-0000-4000-8000-000000000000" }],
    },
    {
      route: "account.sessions",
      client: () => clients.teacher,
      path: () => "/account/sessions",
      baseline: () => ({ session: "0123456789abcdef" }),
      anchors: () => [{ session: "x" }, { session: null }, { session: "ffffffffffffffff" }],
    },
    {
      route: "account.password",
      client: () => clients.teacher,
      path: () => "/account/password",
      baseline: () => ({ current: "demo-password-2026", password: "fuzz-new-password-2026", confirm: "fuzz-new-password-2026" }),
      anchors: () => [
        { confirm: "other-password-2026" },
        { password: "1234567890", confirm: "1234567890" },
        { current: "not-the-password-1" },
        { current: null },
      ],
      writes: ["rate_limit_hits"],
    },
    {
      route: "w.$slug.certificates.new",
      client: () => clients.editor,
      path: () => "/w/demo-ai/certificates/new",
      baseline: () => ({ code: "FUZZ", nameZh: "模糊测试", nameEn: "Fuzz", industryCode: "digital", levels: "junior", status: "draft" }),
      anchors: () => [{ code: "代码" }, { code: null }, { levels: "master" }, { status: "published" }],
    },
    {
      route: "w.$slug.certificates.$certificateId",
      client: () => clients.editor,
      path: () => `/w/demo-ai/certificates/${ids.certificate}`,
      baseline: () => ({
        code: "AI-TRAINER",
        nameZh: "人工智能训练师",
        nameEn: "AI Trainer",
        industryCode: "digital",
        levels: "intermediate",
        status: "active",
      }),
      anchors: () => [{ code: "代码" }, { nameZh: null }, { levels: "master" }],
    },
    {
      route: "w.$slug.certificates.$certificateId_.standards",
      client: () => clients.editor,
      path: () => `/w/demo-ai/certificates/${ids.certificate}/standards`,
      baseline: () => ({ intent: "start" }),
      anchors: () => badIntents,
    },
    {
      route: "w.$slug.standards.$versionId",
      client: () => clients.editor,
      path: () => `/w/demo-ai/standards/${ids.standardVersion}`,
      baseline: () => ({ intent: "update", nodeId: ids.standardNode, title: "工作领域" }),
      anchors: () => [...badIntents, { intent: "update", nodeId: "x" }, { intent: "move", direction: "sideways" }],
    },
    {
      route: "w.$slug.questions.new",
      client: () => clients.editor,
      path: () => "/w/demo-ai/questions/new",
      baseline: () => ({
        intent: "save",
        certificateId: ids.certificate,
        level: "intermediate",
        type: "single_choice",
        stem: "下列哪项属于监督学习？",
        options: "聚类\n分类\n降维\n关联规则",
        answer: "B",
        difficulty: "3",
      }),
      anchors: () => [...badIntents, { certificateId: "x" }, { type: "essay-ish" }, { answer: "Z" }],
    },
    {
      route: "w.$slug.questions.$questionId",
      client: () => clients.editor,
      path: () => `/w/demo-ai/questions/${ids.question}`,
      baseline: () => ({
        intent: "save",
        certificateId: ids.certificate,
        level: "intermediate",
        type: "single_choice",
        stem: "题干",
        options: "甲\n乙",
        answer: "A",
        difficulty: "3",
      }),
      anchors: () => [...badIntents, { certificateId: "x" }, { difficulty: "6" }],
    },
    {
      route: "w.$slug.questions.import._index",
      client: () => clients.editor,
      path: () => "/w/demo-ai/questions/import",
      baseline: () => ({ format: "xlsx" }),
      anchors: () => [{ file: null }, { file: "not-a-file" }],
    },
    {
      route: "w.$slug.cases.new",
      client: () => clients.editor,
      path: () => "/w/demo-ai/cases/new",
      baseline: () => ({ intent: "save", certificateId: ids.certificate, level: "intermediate", title: "案例", body: "## 背景", visibility: "private" }),
      anchors: () => [...badIntents, { certificateId: "x" }, { visibility: "public-ish" }],
    },
    {
      route: "w.$slug.cases.$caseId",
      client: () => clients.editor,
      path: () => `/w/demo-ai/cases/${ids.case}`,
      baseline: () => ({ intent: "save", certificateId: ids.certificate, level: "intermediate", title: "案例", body: "## 背景", visibility: "private" }),
      anchors: () => [...badIntents, { level: "master" }],
    },
    {
      route: "w.$slug.cases.import._index",
      client: () => clients.editor,
      path: () => "/w/demo-ai/cases/import",
      baseline: () => ({ format: "xlsx" }),
      anchors: () => [{ file: null }, { file: "not-a-file" }],
    },
    {
      route: "w.$slug.materials.new",
      client: () => clients.editor,
      path: () => "/w/demo-ai/materials/new",
      baseline: () => ({ intent: "save", certificateId: ids.certificate, title: "教材", kind: "textbook", levels: "intermediate" }),
      anchors: () => [{ certificateId: "x" }, { kind: "scroll" }, { title: null }, { levels: "master" }],
    },
    {
      route: "w.$slug.materials.$materialId",
      client: () => clients.editor,
      path: () => `/w/demo-ai/materials/${ids.material}`,
      baseline: () => ({ intent: "deleteAttachment", attachmentId: "00000000-0000-4000-8000-000000000000" }),
      anchors: () => [...badIntents, { intent: "deleteAttachment", attachmentId: "x" }, { intent: "upload", file: "not-a-file" }],
    },
    {
      route: "w.$slug.fees.new",
      client: () => clients.finance,
      path: () => "/w/demo-ai/fees/new",
      baseline: () => draftFeeForm(ids.certificate),
      anchors: () => [...badIntents, { amount: "-1" }, { effectiveFrom: "2099-02-30" }, { certificateId: "x" }],
    },
    {
      route: "w.$slug.fees.$disclosureId",
      client: () => clients.finance,
      path: () => `/w/demo-ai/fees/${ids.draft}`,
      baseline: () => draftFeeForm(ids.certificate),
      anchors: () => [...badIntents, { amount: "" }, { intent: "withdraw", reason: null }],
    },
    {
      route: "w.$slug.orders.new",
      client: () => clients.school,
      path: () => "/w/demo-school/orders/new",
      baseline: () => ({ certificateId: ids.certificate, level: "intermediate", examSite: "徐汇校区", examDate: "2099-01-01", headcount: "60" }),
      anchors: () => [{ headcount: "-60" }, { headcount: "1e308" }, { examDate: "2099-02-29" }, { certificateId: "x" }, { level: "master" }],
    },
    {
      route: "w.$slug.orders.$orderId",
      client: () => clients.school,
      path: () => `/w/demo-school/orders/${ids.order}`,
      baseline: () => ({ intent: "transfer", amount: "700.00", reference: "FUZZ-1" }),
      anchors: () => [...badIntents, { amount: "七百" }, { reference: null }, { amount: "-700.00" }],
    },
    { route: "w.$slug.payments", client: () => clients.finance, path: () => "/w/demo-ai/payments", baseline: () => ({}), anchors: () => [{}] },
    {
      route: "committee.settings",
      client: () => clients.committee,
      path: () => "/committee/settings",
      baseline: () => ({ intent: "cap", certificateId: ids.certificate, level: "intermediate", amount: "1000.00", reason: "成本核算复核" }),
      anchors: () => [...badIntents, { amount: "-1000" }, { certificateId: "x" }, { reason: null }],
    },
    // Issue 20 (the audit): every route merged since, with the demo seed's rows and the right account.
    {
      route: "signup_.verify.$token",
      client: () => app.client(),
      path: () => `/signup/verify/${"A".repeat(43)}`,
      baseline: () => ({}),
      anchors: () => [{}, { token: "x" }],
    },
    {
      route: "library._index",
      client: () => clients.school,
      path: () => "/library",
      baseline: () => ({ scope: "demo-school" }),
      anchors: () => [{ scope: "demo-care" }, { scope: "" }, { scope: null }, { scope: ["demo-school", "committee"] }],
    },
    {
      route: "w.$slug.settings",
      client: () => clients.school,
      path: () => "/w/demo-school/settings",
      baseline: () => ({ district: "xuhui" }),
      anchors: () => [{ district: "atlantis" }, { district: null }, { district: ["xuhui", "minhang"] }],
    },
    {
      route: "w.$slug.majors._index",
      client: () => clients.school,
      path: () => "/w/demo-school/majors",
      baseline: () => ({ code: "510201", name: "计算机应用技术", educationLevel: "higher_vocational" }),
      anchors: () => [{ code: "51020" }, { code: "五一〇二〇一" }, { name: null }, { educationLevel: "doctorate" }],
    },
    {
      route: "w.$slug.majors.$majorId",
      client: () => clients.school,
      path: () => `/w/demo-school/majors/${ids.major}`,
      baseline: () => ({ intent: "cohort", entryYear: "2026", studentCount: "80", expectedGraduation: "2029-06-30" }),
      anchors: () => [
        ...badIntents,
        { entryYear: "1999" },
        { studentCount: "-1" },
        { expectedGraduation: "2029-02-30" },
        { intent: "deleteCohort", cohortId: "x" },
        { intent: "link", number: null, proof: "x" },
        { intent: "unlink", linkId: "x" },
      ],
    },
    {
      route: "w.$slug.majors.import._index",
      client: () => clients.school,
      path: () => "/w/demo-school/majors/import",
      baseline: () => ({ format: "xlsx" }),
      anchors: () => [{ file: null }, { file: "not-a-file" }],
    },
    {
      route: "w.$slug.courses",
      client: () => clients.school,
      path: () => "/w/demo-school/courses",
      baseline: () => ({ code: "FUZZ101", name: "模糊测试", credits: "2.0", semester: "3", kind: "professional_core", majorId: ids.major }),
      anchors: () => [{ credits: "2.55" }, { credits: "1000" }, { semester: "13" }, { kind: "elective-ish" }, { majorId: "x" }, { code: null }],
    },
    {
      route: "w.$slug.adoptions.new",
      client: () => clients.school,
      path: () => "/w/demo-school/adoptions/new",
      baseline: () => ({ majorId: ids.major, certificateId: ids.careCertificate, level: "intermediate", proposalNote: "" }),
      anchors: () => [{ majorId: "x" }, { certificateId: null }, { level: "master" }, { questionIds: "x" }, { materialIds: ["x", "y"] }],
    },
    {
      route: "w.$slug.adoptions.$adoptionId",
      client: () => clients.school,
      path: () => `/w/demo-school/adoptions/${ids.adoption}`,
      baseline: () => ({ intent: "reject", decisionNote: "不适合" }),
      anchors: () => [...badIntents, { decisionNote: null }, { decisionNote: "" }, { intent: "optIn", versionId: "x" }],
    },
    {
      route: "w.$slug.adoptions.$adoptionId_.mapping",
      client: () => clients.school,
      path: () => `/w/demo-school/adoptions/${ids.adoption}/mapping`,
      baseline: () => ({ intent: "map", lineageId: ids.lineage, courseId: ids.course }),
      anchors: () => [...badIntents, { lineageId: "x" }, { courseId: null }, { intent: "unmap", courseId: "00000000-0000-4000-8000-000000000000" }],
    },
    {
      route: "w.$slug.credit-rules",
      client: () => clients.school,
      path: () => "/w/demo-school/credit-rules",
      baseline: () => ({
        intent: "create",
        certificateId: ids.careCertificate,
        level: "intermediate",
        courseCode: "FUZZ101",
        courseName: "模糊测试",
        credits: "2",
        exemption: "exempt_course",
        validFrom: "2026-09-01",
      }),
      anchors: () => [
        ...badIntents,
        { credits: "2.55" },
        { exemption: "all" },
        { validFrom: "2026-02-30" },
        { certificateId: "x" },
        { intent: "end", ruleId: "x", lastDay: "2026-12-31" },
      ],
    },
    {
      route: "w.$slug.filings.new",
      client: () => clients.school,
      path: () => "/w/demo-school/filings/new",
      baseline: () => ({
        majorId: ids.major,
        certificateId: ids.careCertificate,
        level: "junior",
        expectedStudentsPerYear: "40",
        examSitePlan: "校内考核站点",
        responsibleOffice: "教务处",
        responsiblePerson: "周航",
        contactEmail: "office@example.test",
      }),
      anchors: () => [{ expectedStudentsPerYear: "0" }, { contactEmail: "not-an-email" }, { majorId: "x" }, { level: "master" }, { examSitePlan: null }],
    },
    {
      route: "w.$slug.filings.$filingId",
      client: () => clients.school,
      path: () => `/w/demo-school/filings/${ids.filing}`,
      baseline: () => ({ intent: "submit" }),
      anchors: () => badIntents,
    },
    {
      route: "w.$slug.progress.$periodId",
      client: () => clients.school,
      path: () => `/w/demo-school/progress/${ids.reportPeriod}`,
      baseline: () => ({ intent: "save", studentsTrained: "60", studentsAssessed: "50", passCount: "40", credentialedTrainers: "2" }),
      anchors: () => [...badIntents, { passCount: "51" }, { studentsTrained: "-1" }, { credentialedTrainers: "1e308" }],
    },
    {
      route: "w.$slug.violations.new",
      client: () => clients.school,
      path: () => "/w/demo-school/violations/new",
      baseline: () => ({ organizationId: ids.careTenant, category: "forced_paid_training", description: "强制教师参加收费培训，未提前公示。" }),
      anchors: () => [{ organizationId: "x" }, { category: "rumour" }, { description: "太短" }, { evidence: "not-a-file" }],
    },
    {
      // More evidence for an open report (decision 056): a file field, so every generated post is refused.
      route: "w.$slug.violations.$reportId",
      client: () => clients.school,
      path: () => `/w/demo-school/violations/${ids.violationReport}`,
      baseline: () => ({ evidence: "not-a-file" }),
      anchors: () => [{ evidence: "" }, { evidence: "x".repeat(20_001) }],
    },
    {
      route: "w.$slug.typical-cases",
      client: () => clients.teacher,
      path: () => "/w/demo-school/typical-cases",
      baseline: () => ({ title: "书证融通案例", summary: "把证书标准融入课程的做法。", body: "一".repeat(40) }),
      anchors: () => [{ title: "短" }, { summary: null }, { body: "太短的正文" }, { body: "x".repeat(20_001) }],
    },
    {
      route: "w.$slug.training (enrol)",
      client: () => clients.school,
      path: () => "/w/demo-school/training",
      baseline: () => ({ intent: "enrol", sessionId: ids.trainingSession, teacherName: "吴老师", idNumber: "310101199001011234" }),
      anchors: () => [...badIntents, { sessionId: "x" }, { idNumber: "12" }, { teacherName: null }, { intent: "session" }],
    },
    {
      route: "w.$slug.training",
      client: () => clients.admin,
      path: () => "/w/demo-ai/training",
      baseline: () => ({
        intent: "session",
        title: "师资培训",
        certificateId: ids.certificate,
        levels: "intermediate",
        role: "trainer",
        startsOn: "2099-03-01",
        endsOn: "2099-03-03",
        mode: "onsite",
        capacity: "30",
      }),
      anchors: () => [
        ...badIntents,
        { capacity: "0" },
        { levels: "master" },
        { mode: "hybrid" },
        { startsOn: "2099-02-30" },
        { intent: "cancel", sessionId: "x" },
        { intent: "complete", enrolmentId: "x" },
      ],
    },
    {
      route: "w.$slug.exam-sites",
      client: () => clients.admin,
      path: () => "/w/demo-ai/exam-sites",
      baseline: () => ({ intent: "site", name: "模糊站点", district: "xuhui", certificateId: ids.certificate, levels: "intermediate", capacity: "40" }),
      anchors: () => [
        ...badIntents,
        { district: "atlantis" },
        { capacity: "0" },
        { certificateId: "x" },
        { intent: "approve", siteId: "x" },
        { intent: "session", siteId: "x", heldOn: "2099-01-01", level: "junior" },
        { intent: "assign", sessionId: "x", credentialNumber: "X" },
      ],
    },
    {
      route: "w.$slug.credentials.new",
      client: () => clients.admin,
      path: () => "/w/demo-ai/credentials/new",
      baseline: () => ({
        name: "张三",
        idNumber: "310101199001011234",
        source: "industry_expert",
        role: "trainer",
        certificateId: ids.certificate,
        levels: "intermediate",
        issuedOn: "2026-01-01",
        expiresOn: "2029-01-01",
      }),
      anchors: () => [{ idNumber: "12" }, { source: "robot" }, { role: "judge" }, { levels: "master" }, { issuedOn: "2026-02-30" }, { certificateId: "x" }],
    },
    {
      route: "w.$slug.credentials.$credentialId",
      client: () => clients.admin,
      path: () => `/w/demo-ai/credentials/${ids.credential}`,
      baseline: () => ({ intent: "status", status: "suspended", reason: "复核资质" }),
      anchors: () => [...badIntents, { status: "expired" }, { status: "draft" }, { reason: null }, { reason: "" }],
    },
    {
      route: "w.$slug.credentials.import._index",
      client: () => clients.admin,
      path: () => "/w/demo-ai/credentials/import",
      baseline: () => ({ format: "xlsx" }),
      anchors: () => [{ file: null }, { file: "not-a-file" }],
    },
    {
      route: "w.$slug.questions.$questionId_.suggestions",
      client: () => clients.editor,
      path: () => `/w/demo-ai/questions/${ids.question}/suggestions`,
      baseline: () => ({ requirementId: "00000000-0000-4000-8000-000000000000" }),
      anchors: () => [{ requirementId: "x" }, { requirementId: null }, { requirementId: ["a", "b"] }, {}],
    },
    {
      route: "w.$slug.cases.$caseId_.suggestions",
      client: () => clients.editor,
      path: () => `/w/demo-ai/cases/${ids.case}/suggestions`,
      baseline: () => ({ requirementId: "00000000-0000-4000-8000-000000000000" }),
      anchors: () => [{ requirementId: "x" }, { requirementId: null }, { requirementId: ["a", "b"] }, {}],
    },
    // Moodle/GIFT import: the job page's "skip the listed questions" and the review page's forms.
    {
      route: "w.$slug.questions.import.$jobId",
      client: () => clients.editor,
      path: () => `/w/demo-ai/questions/import/${ids.importJob}`,
      baseline: () => ({ skip: "1" }),
      anchors: () => [{ skip: "0" }, { skip: "x" }, { skip: null }, { skip: "1" }],
    },
    {
      route: "w.$slug.questions.import.$jobId_.review",
      client: () => clients.editor,
      path: () => `/w/demo-ai/questions/import/${ids.importJob}/review`,
      baseline: () => ({ intent: "accept", accept: `${ids.question}:${ids.lineage}` }),
      anchors: () => [...badIntents, { accept: "x" }, { accept: null }, { accept: `${ids.question}:x` }],
    },
    {
      route: "committee.admissions.$tenantId",
      client: () => clients.committee,
      path: () => `/committee/admissions/${ids.pendingTenant}`,
      baseline: () => ({ intent: "refuse", reason: "材料不全" }),
      anchors: () => [...badIntents, { reason: null }, { reason: "" }, { intent: "suspend", reason: "" }],
    },
    {
      route: "committee.evaluations._index",
      client: () => clients.committee,
      path: () => "/committee/evaluations",
      baseline: () => ({ code: "2099-H1", title: "2099年上半年评估" }),
      anchors: () => [{ code: "2099 上半年" }, { code: "" }, { title: null }, { code: "x".repeat(21) }],
    },
    {
      route: "committee.evaluations.$periodId",
      client: () => clients.committee,
      path: () => `/committee/evaluations/${ids.evaluationPeriod}`,
      baseline: () => ({ intent: "score", organizationId: ids.aiTenant, criterion: "integrity", score: "80" }),
      anchors: () => [
        ...badIntents,
        { score: "101" },
        { criterion: "charm" },
        { organizationId: "x" },
        { intent: "decide", decision: "applaud" },
        { intent: "weights", certificate_quality: "90" },
      ],
    },
    {
      route: "committee.filings.$filingId",
      client: () => clients.committee,
      path: () => `/committee/filings/${ids.filing}`,
      baseline: () => ({ intent: "return", comment: "请补充考核站点计划" }),
      anchors: () => [...badIntents, { comment: null }, { comment: "" }, { intent: "approve", recordNumber: null }],
    },
    {
      route: "committee.typical-cases.$caseId",
      client: () => clients.committee,
      path: () => `/committee/typical-cases/${ids.typicalCase}`,
      baseline: () => ({ intent: "score", score: "85" }),
      anchors: () => [...badIntents, { score: "101" }, { score: "-1" }, { score: "八十" }],
    },
    {
      route: "committee.violations.$reportId",
      client: () => clients.committee,
      path: () => `/committee/violations/${ids.violationReport}`,
      baseline: () => ({ intent: "note", body: "已电话核实" }),
      anchors: () => [...badIntents, { body: "x" }, { body: null }, { intent: "status", status: "closed" }, { intent: "disclose", finding: "太短" }],
    },
    {
      route: "webhooks.stripe",
      client: () => app.client(),
      path: () => "/webhooks/stripe",
      baseline: () => ({ id: "evt_fuzz", type: "checkout.session.completed" }),
      anchors: () => [{}],
      headers: { "stripe-signature": "t=1,v1=deadbeef" },
    },
  ];

  beforeAll(async () => {
    app = await startApp();
    for (const [name, email] of Object.entries({
      admin: "org-admin@demo.xcert.test",
      editor: "org-editor@demo.xcert.test",
      finance: "org-finance@demo.xcert.test",
      school: "school-admin@demo.xcert.test",
      teacher: "school-teacher@demo.xcert.test",
      committee: "committee@demo.xcert.test",
    })) {
      clients[name] = app.client();
      await clients[name].login(email);
    }
    // A demo account part-way through enrolment, one enrolled, and one whose password matched (a challenge).
    clients.enrolling = app.client();
    await clients.enrolling.login("school-admin@demo.xcert.test");
    enrolment = await openEnrolment(clients.enrolling);
    clients.enrolled = app.client();
    await clients.enrolled.login("org2-admin@demo.xcert.test");
    await enrolSecondFactor(clients.enrolled);
    clients.challenged = app.client();
    expect((await clients.challenged.login("org2-admin@demo.xcert.test")).headers.get("location")).toBe("/login/second-factor");
    expect((await clients.admin.post("/w/demo-ai/members", { email: "invitee@example.test", role: "viewer" })).status).toBe(200);
    expect((await app.client().post("/forgot-password", { email: "org-finance@demo.xcert.test" })).status).toBe(200);
    const mails = await db().rows<{ template: string; text: string }>(sql`select template, text from email_outbox`);
    joinPath = /\/join\/demo-ai\/[A-Za-z0-9_-]{43}/.exec(mails.find((m) => m.template === "invitation")!.text)![0];
    resetPath = /\/reset-password\/[A-Za-z0-9_-]{43}/.exec(mails.find((m) => m.template === "password-reset")!.text)![0];
    const one = async (statement: ReturnType<typeof sql>) => (await db().rows<{ id: string }>(statement))[0]?.id;
    const aiTenant = sql`(select id from tenants where slug = 'demo-ai')`;
    ids.certificate = (await one(sql`select id from certificates where code = 'AI-TRAINER'`))!;
    ids.standardVersion = (await one(sql`select id from standard_versions where tenant_id = ${aiTenant} order by version desc limit 1`))!;
    ids.standardNode = (await one(sql`select id from standard_nodes where version_id = ${ids.standardVersion} limit 1`))!;
    ids.question = (await one(sql`select id from questions where tenant_id = ${aiTenant} limit 1`))!;
    ids.case = (await one(sql`select id from cases where tenant_id = ${aiTenant} limit 1`))!;
    ids.material = (await one(sql`select id from materials where tenant_id = ${aiTenant} limit 1`))!;
    ids.financeMembership = (await one(
      sql`select m.id from memberships m join users u on u.id = m.user_id where m.tenant_id = ${aiTenant} and u.email = 'org-finance@demo.xcert.test'`,
    ))!;
    ids.invitation = (await one(sql`select id from invitations where email = 'invitee@example.test'`))!;
    const draft = await clients.finance.post("/w/demo-ai/fees/new", {
      certificateId: ids.certificate,
      level: "intermediate",
      kind: "training",
      amount: "1200.00",
      unit: "per_person",
      effectiveFrom: "2099-01-01",
      contact: "021-0000 0000",
      intent: "save",
    });
    ids.draft = draft.headers.get("location")!.split("/").at(-1)!;
    const order = await clients.school.post("/w/demo-school/orders/new", {
      certificateId: ids.certificate,
      level: "intermediate",
      examSite: "徐汇校区",
      examDate: "2099-01-01",
      headcount: 2,
    });
    ids.order = order.headers.get("location")!.split("/").at(-1)!;
    // The audit's routes (issue 20): the seed's school rows, committee rows and an import job to review.
    const schoolTenant = sql`(select id from tenants where slug = 'demo-school')`;
    ids.aiTenant = (await one(aiTenant))!;
    ids.careTenant = (await one(sql`select id from tenants where slug = 'demo-care'`))!;
    ids.careCertificate = (await one(sql`select id from certificates where tenant_id = ${ids.careTenant} limit 1`))!;
    ids.major = (await one(sql`select id from pilot_majors where tenant_id = ${schoolTenant} order by code limit 1`))!;
    ids.adoption = (await one(sql`select id from adoptions where tenant_id = ${schoolTenant} limit 1`))!;
    ids.course = (await one(sql`select id from school_courses where tenant_id = ${schoolTenant} limit 1`))!;
    ids.lineage = (await one(sql`select lineage_id as id from standard_nodes where lineage_id is not null limit 1`))!;
    ids.filing = (await one(sql`select id from filings where tenant_id = ${schoolTenant} limit 1`))!;
    ids.reportPeriod = (await one(sql`select id from report_periods order by starts_on desc limit 1`))!;
    ids.violationReport = (await one(sql`select id from violation_reports limit 1`))!;
    ids.trainingSession = (await one(sql`select id from training_sessions where not cancelled and starts_on > current_date order by starts_on limit 1`))!;
    ids.credential = (await one(sql`select id from credentials where tenant_id = ${aiTenant} limit 1`))!;
    ids.pendingTenant = (await one(sql`select tenant_id as id from tenant_admissions where status = 'pending' limit 1`))!;
    ids.evaluationPeriod = (await one(sql`select id from evaluation_periods where status <> 'finalized' limit 1`))!;
    ids.typicalCase = (await one(sql`select id from typical_cases where status = 'submitted' limit 1`))!;
    ids.importJob = (await one(
      sql`insert into import_jobs (tenant_id, kind, format, certificate_id, file_name, status) values (${ids.aiTenant}, 'questions', 'gift', ${ids.certificate}, 'fuzz.gift', 'done') returning id`,
    ))!;
    for (const [key, value] of Object.entries(ids)) expect(value, key).toMatch(/^[0-9a-f-]{36}$/);
    tables = (
      await db().rows<{ name: string }>(
        sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
      )
    ).map((r) => r.name);
  });
  afterAll(async () => {
    tally.note(`${targets.length} action routes × ${numRuns} generated inputs, 4 checks each (status, writes, reflection, language)`);
    tally.print();
    await app?.close();
  });

  it("fuzzes every route module with an action, or says why not", () => {
    const fuzzed = new Set(targets.map((t) => routeOf(t.route)));
    const actions = routeModules()
      .filter((r) => r.action)
      .map((r) => r.id);
    expect(actions.length).toBeGreaterThan(50);
    expect(actions.filter((id) => !fuzzed.has(id) && !(id in notFuzzed))).toEqual([]);
    // Nothing fuzzed or excluded that is not an action route any more (a renamed file).
    expect([...fuzzed, ...Object.keys(notFuzzed)].filter((id) => !actions.includes(id))).toEqual([]);
  });

  it.each(targets.map((t) => [t.route, t] as const))("%s", async (_route, target) => {
    const fields = Object.keys(target.baseline());
    const extra = ["intent", "id", "tenantId", "__proto__", "constructor"];
    const variant = fc.record({
      anchor: fc.constantFrom(...target.anchors()),
      trouble: fc.dictionary(fc.constantFrom(...fields, ...extra), posted, { maxKeys: Math.max(1, fields.length) }),
    });
    let lastFailure = "";
    await fc
      .assert(
        fc.asyncProperty(variant, async ({ anchor, trouble }) => {
          const form = new URLSearchParams();
          const values: Record<string, Posted> = Object.fromEntries(
            Object.entries(target.baseline()).map(([k, v]) => [k, { kind: "value", value: v } as Posted]),
          );
          Object.assign(values, trouble);
          for (const [key, value] of Object.entries(anchor)) {
            if (value === undefined) continue;
            values[key] = value === null ? { kind: "missing" } : Array.isArray(value) ? { kind: "list", values: value } : { kind: "value", value };
          }
          for (const [key, value] of Object.entries(values)) {
            if (value.kind === "value") form.append(key, value.value);
            else if (value.kind === "list") for (const v of value.values) form.append(key, v);
            else if (value.kind === "nested") form.append(key + value.suffix, value.value);
          }
          const before = await snapshot();
          const response = await post(target.client(), target.path(), form, target.headers);
          const after = await snapshot();
          const changed = Object.keys(before).filter((t) => before[t] !== after[t] && !(target.writes ?? []).includes(t));
          // Only what a browser renders as a page: a JSON answer (a resource route's field errors echo the
          // submitted values) is never parsed as HTML.
          const reflected = /text\/html/.test(response.type) ? scripts.filter((s) => response.body.includes(s)) : [];
          // Field messages in the user's language (every client here reads Chinese): never zod's English
          // defaults nor a translation key left untranslated.
          const untranslated =
            /text\/html/.test(response.type) && response.status >= 400
              ? (/Invalid input|Expected (string|number|array)|Too (small|big)|Invalid (option|enum value|uuid|email)|errors\.(?!xlsx)[a-z][A-Za-z]+/.exec(
                  response.body,
                )?.[0] ?? null)
              : null;
          const label = `${target.route}: ${response.status} ${JSON.stringify(Object.fromEntries([...form].map(([k, v]) => [k, v.length > 60 ? `${v.slice(0, 60)}…(${v.length})` : v])))}`;
          const ok =
            tally.check(response.status < 500, `${label} → 5xx ${response.body.slice(0, 200)}`) &&
            tally.check(changed.length === 0, `${label} → wrote to ${changed.join(", ")}`) &&
            tally.check(reflected.length === 0, `${label} → reflected ${reflected[0]} unescaped (${response.type})`) &&
            tally.check(untranslated === null, `${label} → "${untranslated}" on a Chinese page`);
          if (!ok) lastFailure = tally.failures.at(-1)!;
          return ok;
        }),
        { numRuns, seed: Number(process.env.FUZZ_SEED ?? 20261125), endOnFailure: true },
      )
      .catch((error: Error) => {
        throw new Error(`${lastFailure}\n${error.message.split("\n").slice(0, 3).join("\n")}`);
      });
  });
});
