import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type FormInput, type HttpClient, type TestApp } from "../support/app";
import { owner } from "../support/db";
import { creditCode, draftFeeForm, password } from "../support/demo";
import { send as rawPost, textBody } from "../support/raw-post";
import { signUpAndVerify } from "../support/signup";

// Bad input to every action in app/routes (signup, login, forgot-password, reset-password.$token,
// join.$slug.$token, w.$slug.members, set-language, logout, the certificate forms, the fee, order and
// payment forms; the committee's settings are in committee-fees.test.ts): missing
// fields, wrong types, oversized values and bodies, control and bidi characters, odd Unicode, odd
// headers and cookies. Always a 4xx (never a 500) with field messages in the user's language, and
// nothing written.

const tables = [
  "tenants",
  "users",
  "memberships",
  "invitations",
  "sessions",
  "password_resets",
  "login_attempts",
  "email_outbox",
  "audit_log",
  "account_audit_log",
  "certificates",
  "fee_disclosures",
  "fee_disclosure_withdrawals",
  "assessment_orders",
  "payments",
  "refunds",
  "notice_period_settings",
  "cost_caps",
  "payment_accounts",
  "stripe_events",
] as const;

const zh = {
  required: "此项为必填项。",
  invalidType: "格式不正确。",
  invalidOption: "请从列表中选择。",
  email: "请输入有效的电子邮箱地址。",
  controlChars: "不能包含控制字符。",
  slug: "只能使用小写字母、数字和连字符，且不能以连字符开头或结尾。",
  creditCode: "统一社会信用代码无效（应为 18 位，且校验位正确）。",
  passwordMismatch: "两次输入的密码不一致。",
  invalid: "填写内容无效。",
  tooShort: (n: number) => `至少需要 ${n} 个字符。`,
  tooLong: (n: number) => `最多 ${n} 个字符。`,
};
const en = {
  required: "This field is required.",
  invalidOption: "Choose one of the options.",
  email: "Enter a valid email address.",
  controlChars: "Must not contain control characters.",
  tooShort: (n: number) => `Enter at least ${n} characters.`,
  tooLong: (n: number) => `Enter at most ${n} characters.`,
};

/** Characters no name may hold: C0 controls (NUL included), DEL, bidi embeddings, overrides and isolates. */
const controls: Record<string, string> = {
  NUL: "\u0000",
  BEL: "\u0007",
  VT: "\u000B",
  ESC: "\u001B[31m",
  DEL: "\u007F",
  LRE: "\u202A",
  RLO: "\u202E",
  LRI: "\u2066",
  PDI: "\u2069",
};

type Form = FormInput | URLSearchParams | FormData;

/** The same field twice: a list where one value is expected. */
function repeated(form: FormInput, field: string, values: string[]) {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) if (value !== undefined && key !== field) body.append(key, String(value));
  for (const value of values) body.append(field, value);
  return body;
}

/** A file upload where text is expected. */
function withFile(form: FormInput, field: string) {
  const body = new FormData();
  for (const [key, value] of Object.entries(form)) if (value !== undefined && key !== field) body.append(key, String(value));
  body.append(field, new Blob(["x@example.test"], { type: "text/plain" }), "evil.txt");
  return body;
}

describe("bad input", () => {
  let app: TestApp;
  let admin: HttpClient; // admin of demo-ai, zh-CN
  let adminEn: HttpClient; // admin of demo-care, English
  let editor: HttpClient; // editor of demo-ai
  let teacher: HttpClient; // school teacher, to switch language
  let joinPath: string;
  let resetPath: string;
  let certificateId: string;
  let otherCertificateId: string;
  let draftId: string; // a draft fee disclosure of demo-ai
  let publishedId: string; // a published one
  let orderId: string; // a pending order of demo-school at demo-ai, with a recorded transfer
  let transferId: string;
  let schoolAdmin: HttpClient;
  let finance: HttpClient;
  const db = () => owner(app.database);
  const counts = async () => Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await db().count(t)] as const)));

  /** A raw form POST (tests/support/raw-post.ts): the status, or "hung up" when the connection broke before an answer. */
  const send = async (client: HttpClient, path: string, routeId: string, body: string, options: { chunked?: boolean } = {}) => {
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const answer = await rawPost(app.url, `${path}?_data=${encodeURIComponent(routeId)}`, textBody("application/x-www-form-urlencoded", body), {
      cookie,
      chunked: options.chunked,
    });
    return answer.status || "hung up";
  };
  const formBody = (form: FormInput) => new URLSearchParams(Object.entries(form).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))).toString();

  /** A 4xx, never a 500; the JSON answer's field messages. */
  const fieldErrors = async (response: Response, label: string) => {
    expect(response.status, label).toBeGreaterThanOrEqual(400);
    expect(response.status, label).toBeLessThan(500);
    const text = await response.text();
    expect(response.headers.get("content-type"), `${label}: ${text.slice(0, 100)}`).toMatch(/^application\/json/);
    const body = JSON.parse(text) as { result: { error: Record<string, string[]> } };
    expect(body.result?.error, label).toBeTypeOf("object");
    return body.result.error;
  };

  interface Case {
    label: string;
    form: Form;
    field: string;
    message?: string;
    status?: number;
  }
  /** Posts every case, checks the field message, and that nothing at all was written. */
  const reject = async (client: HttpClient, path: string, routeId: string, cases: Case[]) => {
    const before = await counts();
    for (const c of cases) {
      const response = await client.action(path, routeId, c.form);
      if (c.status) expect(response.status, c.label).toBe(c.status);
      const errors = await fieldErrors(response, c.label);
      // A list field may carry its message on an item (`levels[0]`).
      const messages = errors[c.field] ?? Object.entries(errors).find(([key]) => key.startsWith(`${c.field}[`))?.[1];
      expect(messages, `${c.label}: ${JSON.stringify(errors).slice(0, 200)}`).toBeDefined();
      expect(messages!.length, c.label).toBeGreaterThan(0);
      for (const message of messages!) expect(message, c.label).toMatch(/\S/);
      if (c.message) expect(messages, c.label).toContain(c.message);
    }
    expect(await counts()).toEqual(before);
  };
  /** Every control character in one text field: refused with the control-character message. */
  const controlCases = (form: FormInput, field: string): Case[] =>
    Object.entries(controls).map(([name, char]) => ({
      label: `${field} with ${name}`,
      form: { ...form, [field]: `名${char}称` },
      field,
      message: zh.controlChars,
    }));

  beforeAll(async () => {
    app = await startApp();
    admin = app.client();
    await admin.login("org-admin@demo.xcert.test");
    adminEn = app.client({ locale: "en" });
    await adminEn.login("org2-admin@demo.xcert.test");
    editor = app.client();
    await editor.login("org-editor@demo.xcert.test");
    teacher = app.client();
    await teacher.login("school-teacher@demo.xcert.test");
    expect((await admin.post("/w/demo-ai/members", { email: "invitee@example.test", role: "viewer" })).status).toBe(200);
    expect((await app.client().post("/forgot-password", { email: "org-finance@demo.xcert.test" })).status).toBe(200);
    const mails = await db().rows<{ template: string; text: string }>(sql`select template, text from email_outbox`);
    joinPath = /\/join\/demo-ai\/[A-Za-z0-9_-]{43}/.exec(mails.find((m) => m.template === "invitation")!.text)![0];
    resetPath = /\/reset-password\/[A-Za-z0-9_-]{43}/.exec(mails.find((m) => m.template === "password-reset")!.text)![0];
    const certificates = await db().rows<{ id: string; slug: string }>(
      sql`select c.id, t.slug from certificates c join tenants t on t.id = c.tenant_id order by c.code`,
    );
    certificateId = certificates.find((c) => c.slug === "demo-ai")!.id;
    otherCertificateId = certificates.find((c) => c.slug === "demo-care")!.id;
    finance = app.client();
    await finance.login("org-finance@demo.xcert.test");
    schoolAdmin = app.client();
    await schoolAdmin.login("school-admin@demo.xcert.test");
    const [trainer] = await db().rows<{ id: string }>(sql`select id from certificates where code = 'AI-TRAINER'`);
    const draft = await finance.post("/w/demo-ai/fees/new", { ...draftFeeForm(trainer.id), intent: "save" });
    draftId = draft.headers.get("location")!.split("/").at(-1)!;
    [{ id: publishedId }] = await db().rows<{ id: string }>(
      sql`select id from fee_disclosures where status = 'published' and certificate_id = ${trainer.id} limit 1`,
    );
    const order = await schoolAdmin.post("/w/demo-school/orders/new", {
      certificateId: trainer.id,
      level: "intermediate",
      examSite: "徐汇校区",
      examDate: "2099-01-01",
      headcount: 2,
    });
    orderId = order.headers.get("location")!.split("/").at(-1)!;
    await schoolAdmin.post(`/w/demo-school/orders/${orderId}`, { intent: "transfer", amount: "700.00", reference: "BAD-INPUT-1" });
    [{ id: transferId }] = await db().rows<{ id: string }>(sql`select id from payments where order_id = ${orderId}`);
  });
  afterAll(() => app.close());

  describe("signup", () => {
    const valid = {
      kind: "organization",
      tenantName: "上海某某培训评价有限公司",
      slug: "bad-input-org",
      creditCode: creditCode("91310000MA1XC0300"),
      name: "张三",
      email: "bad-input@example.test",
      password: "bad-input-password",
    } satisfies FormInput;
    const post = (cases: Case[], client = app.client()) => reject(client, "/signup", "routes/signup", cases);

    it("names every missing field, in Chinese and in English", async () => {
      const fields = Object.keys(valid);
      const before = await counts();
      // A missing choice (kind) is asked to be chosen; a missing text is required.
      const expected = (field: string, messages: { required: string; invalidOption: string }) => [
        field === "kind" ? messages.invalidOption : messages.required,
      ];
      const empty = await fieldErrors(await app.client().action("/signup", "routes/signup", {}), "empty");
      for (const field of fields) expect(empty[field], field).toEqual(expected(field, zh));
      const blank = await fieldErrors(await app.client().action("/signup", "routes/signup", Object.fromEntries(fields.map((f) => [f, ""]))), "blank");
      for (const field of fields) expect(blank[field], field).toEqual(expected(field, zh));
      const english = await fieldErrors(await app.client({ locale: "en" }).action("/signup", "routes/signup", {}), "en");
      for (const field of fields) expect(english[field], field).toEqual(expected(field, en));
      for (const field of fields) {
        const errors = await fieldErrors(await app.client().action("/signup", "routes/signup", { ...valid, [field]: undefined }), field);
        expect(Object.keys(errors), field).toEqual([field]);
      }
      expect(await counts()).toEqual(before);
    });

    it("refuses wrong types: an unknown or committee kind, lists, files and nested names", async () => {
      await post([
        { label: "kind company", form: { ...valid, kind: "company" }, field: "kind", message: zh.invalidOption },
        { label: "kind committee", form: { ...valid, kind: "committee" }, field: "kind", message: zh.invalidOption },
        { label: "kind number", form: { ...valid, kind: 1 }, field: "kind", message: zh.invalidOption },
        { label: "kind bool", form: { ...valid, kind: true }, field: "kind", message: zh.invalidOption },
        { label: "tenantName twice", form: repeated(valid, "tenantName", ["甲", "乙"]), field: "tenantName", message: zh.invalidType },
        { label: "email twice", form: repeated(valid, "email", ["a@example.test", "b@example.test"]), field: "email", message: zh.invalidType },
        { label: "password twice", form: repeated(valid, "password", ["first-password-1", "second-password-2"]), field: "password", message: zh.invalidType },
        { label: "email as a file", form: withFile(valid, "email"), field: "email", message: zh.invalidType },
        { label: "name as a file", form: withFile(valid, "name"), field: "name", message: zh.invalidType },
        { label: "slug as an object", form: { ...valid, slug: undefined, "slug.en": "abc" }, field: "slug" },
        { label: "slug as a list", form: { ...valid, slug: undefined, "slug[0]": "abc" }, field: "slug" },
      ]);
    });

    it("refuses oversized values with a length message, and an oversized body with 413", async () => {
      await post([
        { label: "tenantName 101", form: { ...valid, tenantName: "名".repeat(101) }, field: "tenantName", message: zh.tooLong(100) },
        { label: "tenantName 900 kB", form: { ...valid, tenantName: "x".repeat(900_000) }, field: "tenantName" },
        { label: "name 61", form: { ...valid, name: "x".repeat(61) }, field: "name", message: zh.tooLong(60) },
        { label: "slug 41", form: { ...valid, slug: "a".repeat(41) }, field: "slug", message: zh.tooLong(40) },
        { label: "slug 2", form: { ...valid, slug: "ab" }, field: "slug", message: zh.tooShort(3) },
        { label: "slug 900 kB", form: { ...valid, slug: "a".repeat(900_000) }, field: "slug" },
        { label: "creditCode 900 kB", form: { ...valid, creditCode: "9".repeat(900_000) }, field: "creditCode" },
        { label: "email 256", form: { ...valid, email: `${"a".repeat(243)}@example.test` }, field: "email", message: zh.tooLong(254) },
        { label: "password 129", form: { ...valid, password: "p".repeat(129) }, field: "password", message: zh.tooLong(128) },
        { label: "password 9", form: { ...valid, password: "p".repeat(9) }, field: "password", message: zh.tooShort(10) },
      ]);
      await post(
        [
          { label: "en tenantName 101", form: { ...valid, tenantName: "x".repeat(101) }, field: "tenantName", message: en.tooLong(100) },
          { label: "en password 9", form: { ...valid, password: "p".repeat(9) }, field: "password", message: en.tooShort(10) },
        ],
        app.client({ locale: "en" }),
      );
      const before = await counts();
      expect(await send(app.client(), "/signup", "routes/signup", formBody({ ...valid, tenantName: "x".repeat(1024 * 1024) }))).toBe(413);
      expect(await counts()).toEqual(before);
    });

    it("refuses control characters, bidi overrides and odd Unicode in every field", async () => {
      await post([
        ...controlCases(valid, "tenantName"),
        ...controlCases(valid, "name"),
        { label: "slug with emoji", form: { ...valid, slug: "ai-🎓-org" }, field: "slug", message: zh.slug },
        { label: "slug with zero-width space", form: { ...valid, slug: "ai\u200Borg" }, field: "slug", message: zh.slug },
        { label: "slug with NUL", form: { ...valid, slug: "ai\u0000org" }, field: "slug", message: zh.slug },
        { label: "slug in Chinese", form: { ...valid, slug: "人工智能" }, field: "slug", message: zh.slug },
        { label: "slug with fullwidth letters", form: { ...valid, slug: "ａｂｃ" }, field: "slug", message: zh.slug },
        { label: "slug with RLO", form: { ...valid, slug: "abc\u202Edef" }, field: "slug", message: zh.slug },
        { label: "slug only hyphens", form: { ...valid, slug: "---" }, field: "slug", message: zh.slug },
        {
          label: "creditCode with zero-width",
          form: { ...valid, creditCode: `${valid.creditCode.slice(0, 9)}\u200B${valid.creditCode.slice(9)}` },
          field: "creditCode",
          message: zh.creditCode,
        },
        {
          label: "creditCode fullwidth digits",
          form: { ...valid, creditCode: "９１３１００００ＭＡ１ＸＣ０３００Ｘ" },
          field: "creditCode",
          message: zh.creditCode,
        },
        { label: "creditCode emoji", form: { ...valid, creditCode: "🎓".repeat(18) }, field: "creditCode", message: zh.creditCode },
        { label: "email with zero-width", form: { ...valid, email: "bad\u200B-input@example.test" }, field: "email", message: zh.email },
        { label: "email with NUL", form: { ...valid, email: "bad\u0000input@example.test" }, field: "email", message: zh.email },
        { label: "email with RLO", form: { ...valid, email: "\u202Etset.elpmaxe@tupni" }, field: "email", message: zh.email },
        { label: "email with emoji", form: { ...valid, email: "🎓@example.test" }, field: "email", message: zh.email },
        { label: "email with newline", form: { ...valid, email: "a@example.test\nBcc: b@example.test" }, field: "email", message: zh.email },
        { label: "name only spaces", form: { ...valid, name: "   " }, field: "name", message: zh.required },
        { label: "name only a newline and tabs", form: { ...valid, name: "\n\t\t" }, field: "name", message: zh.required },
      ]);
      await post([{ label: "en control", form: { ...valid, name: "a\u202Eb" }, field: "name", message: en.controlChars }], app.client({ locale: "en" }));
    });

    it("accepts odd but harmless Unicode and stores it NFC-normalised", async () => {
      const response = await signUpAndVerify(app.client(), {
        ...valid,
        tenantName: "Cafe\u0301 培训 🎓",
        name: "Zoe\u0308 张",
        slug: "unicode-ok",
        email: "unicode-ok@example.test",
      });
      expect(response.headers.get("location")).toBe("/w/unicode-ok");
      const [row] = await db().rows<{ tenant: string; name: string }>(
        sql`select t.name as tenant, u.name from tenants t join memberships m on m.tenant_id = t.id join users u on u.id = m.user_id where t.slug = 'unicode-ok'`,
      );
      expect(row).toEqual({ tenant: "Café 培训 🎓", name: "Zoë 张" });
    });
  });

  describe("login", () => {
    const valid = { email: "org-admin@demo.xcert.test", password };
    const post = (cases: Case[], client = app.client()) => reject(client, "/login", "routes/login", cases);

    it("refuses missing, mistyped, oversized and odd values before any password check, counting nothing", async () => {
      await post([
        { label: "empty", form: {}, field: "email", message: zh.required },
        { label: "no password", form: { email: valid.email }, field: "password", message: zh.required },
        { label: "no email", form: { password }, field: "email", message: zh.required },
        { label: "not an email", form: { ...valid, email: "org-admin" }, field: "email", message: zh.email },
        { label: "email twice", form: repeated(valid, "email", [valid.email, "org2-admin@demo.xcert.test"]), field: "email", message: zh.invalidType },
        { label: "password as a file", form: withFile(valid, "password"), field: "password", message: zh.invalidType },
        { label: "email 900 kB", form: { ...valid, email: `${"a".repeat(900_000)}@example.test` }, field: "email" },
        { label: "password 129", form: { ...valid, password: "p".repeat(129) }, field: "password", message: zh.tooLong(128) },
        { label: "password 900 kB", form: { ...valid, password: "p".repeat(900_000) }, field: "password" },
        { label: "redirectTo 501", form: { ...valid, redirectTo: `/${"a".repeat(500)}` }, field: "redirectTo" },
        { label: "email with NUL", form: { ...valid, email: "org-admin\u0000@demo.xcert.test" }, field: "email", message: zh.email },
        { label: "email with zero-width", form: { ...valid, email: "org-admin\u200B@demo.xcert.test" }, field: "email", message: zh.email },
        { label: "email with RLO", form: { ...valid, email: "\u202Eorg-admin@demo.xcert.test" }, field: "email", message: zh.email },
        { label: "email emoji", form: { ...valid, email: "🔑🔑🔑" }, field: "email", message: zh.email },
      ]);
      await post([{ label: "en empty", form: {}, field: "email", message: en.required }], app.client({ locale: "en" }));
      const before = await counts();
      expect(await send(app.client(), "/login", "routes/login", formBody({ ...valid, password: "p".repeat(1024 * 1024) }))).toBe(413);
      expect(await counts()).toEqual(before);
    });
  });

  describe("forgot-password", () => {
    const post = (cases: Case[], client = app.client()) => reject(client, "/forgot-password", "routes/forgot-password", cases);

    it("refuses a missing or malformed address and mails nothing", async () => {
      await post([
        { label: "empty", form: {}, field: "email", message: zh.required },
        { label: "blank", form: { email: "   " }, field: "email", message: zh.required },
        { label: "not an email", form: { email: "finance" }, field: "email", message: zh.email },
        { label: "twice", form: repeated({}, "email", ["org-finance@demo.xcert.test", "org-admin@demo.xcert.test"]), field: "email", message: zh.invalidType },
        { label: "file", form: withFile({}, "email"), field: "email", message: zh.invalidType },
        { label: "nested", form: { "email.x": "org-finance@demo.xcert.test" }, field: "email" },
        { label: "comma list", form: { email: "org-finance@demo.xcert.test,org-admin@demo.xcert.test" }, field: "email", message: zh.email },
        { label: "header injection", form: { email: "org-finance@demo.xcert.test\r\nBcc: all@example.test" }, field: "email", message: zh.email },
        { label: "NUL", form: { email: "org-finance@demo.xcert.test\u0000" }, field: "email", message: zh.email },
        { label: "zero-width", form: { email: "org-\u200Bfinance@demo.xcert.test" }, field: "email", message: zh.email },
        { label: "bidi", form: { email: "org-finance@demo.xcert.test\u2066" }, field: "email", message: zh.email },
        { label: "256 characters", form: { email: `${"f".repeat(243)}@example.test` }, field: "email", message: zh.tooLong(254) },
        { label: "900 kB", form: { email: "f".repeat(900_000) }, field: "email" },
      ]);
      await post([{ label: "en not an email", form: { email: "finance" }, field: "email", message: en.email }], app.client({ locale: "en" }));
    });
  });

  describe("reset-password.$token", () => {
    const post = (cases: Case[], client = app.client()) => reject(client, resetPath, "routes/reset-password.$token", cases);

    it("refuses missing, mismatched, oversized and mistyped passwords and keeps the link unused", async () => {
      await post([
        { label: "empty", form: {}, field: "password", message: zh.required, status: 400 },
        { label: "no confirm", form: { password: "new-password-123" }, field: "confirm", message: zh.required },
        { label: "mismatch", form: { password: "new-password-123", confirm: "new-password-124" }, field: "confirm", message: zh.passwordMismatch },
        { label: "short", form: { password: "short", confirm: "short" }, field: "password", message: zh.tooShort(10) },
        { label: "129", form: { password: "p".repeat(129), confirm: "p".repeat(129) }, field: "password", message: zh.tooLong(128) },
        { label: "confirm 900 kB", form: { password: "new-password-123", confirm: "p".repeat(900_000) }, field: "confirm" },
        {
          label: "twice",
          form: repeated({ confirm: "new-password-123" }, "password", ["new-password-123", "new-password-124"]),
          field: "password",
          message: zh.invalidType,
        },
        { label: "file", form: withFile({ confirm: "new-password-123" }, "password"), field: "password", message: zh.invalidType },
        { label: "NUL mismatch", form: { password: "new-password-123", confirm: "new-password-123\u0000" }, field: "confirm", message: zh.passwordMismatch },
      ]);
      await post(
        [{ label: "en short", form: { password: "short", confirm: "short" }, field: "password", message: en.tooShort(10) }],
        app.client({ locale: "en" }),
      );
      expect(await db().count("password_resets", sql`used_at is not null`)).toBe(0);
      expect((await (await app.client().data(resetPath, "routes/reset-password.$token")).json()).valid).toBe(true);
    });

    it("answers odd or oversized tokens in the address with 410, not a 500", async () => {
      const before = await counts();
      for (const token of ["x", "A".repeat(5000), encodeURIComponent("漢字🎓"), encodeURIComponent("a\u202Eb"), "%20", "..%2F..%2Fetc"]) {
        const response = await app
          .client()
          .action(`/reset-password/${token}`, "routes/reset-password.$token", { password: "new-password-123", confirm: "new-password-123" });
        expect(response.status, token.slice(0, 20)).toBe(410);
        const page = await app.client().get(`/reset-password/${token}`);
        expect(page.status, token.slice(0, 20)).toBe(200);
      }
      expect(await counts()).toEqual(before);
    });
  });

  describe("join.$slug.$token", () => {
    const valid = { intent: "create", name: "新成员", password: "joiner-password-1" };
    const post = (cases: Case[], client = app.client()) => reject(client, joinPath, "routes/join.$slug.$token", cases);

    it("refuses a missing or unknown intent, missing, oversized or odd fields, and leaves the invitation open", async () => {
      await post([
        { label: "empty", form: {}, field: "intent", message: zh.invalid },
        { label: "unknown intent", form: { ...valid, intent: "admin" }, field: "intent", message: zh.invalid },
        { label: "intent twice", form: repeated(valid, "intent", ["create", "join"]), field: "intent" },
        { label: "no name", form: { ...valid, name: undefined }, field: "name", message: zh.required },
        { label: "no password", form: { ...valid, password: undefined }, field: "password", message: zh.required },
        { label: "short password", form: { ...valid, password: "short" }, field: "password", message: zh.tooShort(10) },
        { label: "name 61", form: { ...valid, name: "名".repeat(61) }, field: "name", message: zh.tooLong(60) },
        { label: "name 900 kB", form: { ...valid, name: "n".repeat(900_000) }, field: "name" },
        { label: "name as a file", form: withFile(valid, "name"), field: "name", message: zh.invalidType },
        ...controlCases(valid, "name"),
      ]);
      await post(
        [
          { label: "en no name", form: { ...valid, name: undefined }, field: "name", message: en.required },
          { label: "en RLO", form: { ...valid, name: "\u202Eevil" }, field: "name", message: en.controlChars },
        ],
        app.client({ locale: "en" }),
      );
      expect(await db().count("invitations", sql`accepted_at is not null`)).toBe(0);
      expect(await db().count("users", sql`email = 'invitee@example.test'`)).toBe(0);
      expect((await (await app.client().data(joinPath, "routes/join.$slug.$token")).json()).invitation.email).toBe("invitee@example.test");
    });

    it("answers odd workspace addresses and tokens with 410 (the form and the page), not a 500", async () => {
      const before = await counts();
      const token = joinPath.split("/").at(-1)!;
      const paths = [
        `/join/${encodeURIComponent("演示")}/${token}`,
        `/join/demo-ai/${encodeURIComponent("🎓")}`,
        `/join/${"a".repeat(3000)}/${token}`,
        `/join/demo-ai/${"t".repeat(5000)}`,
        `/join/DEMO-AI/${token}`,
        `/join/demo-ai%20/${token}`,
        `/join/demo-ai%00/${token}`,
        `/join/demo-ai/${token}%00`,
      ];
      const results: Record<string, string> = {};
      for (const path of paths) {
        const posted = await app.client().action(path, "routes/join.$slug.$token", valid);
        const page = await app.client().get(path);
        results[path.slice(0, 60)] = `${posted.status} ${page.status}`;
      }
      expect(results).toEqual(Object.fromEntries(paths.map((path) => [path.slice(0, 60), "410 410"])));
      expect(await counts()).toEqual(before);
    });
  });

  describe("w.$slug.members", () => {
    const valid = { email: "new-member@example.test", role: "viewer" };
    const post = (cases: Case[], client = admin, slug = "demo-ai") => reject(client, `/w/${slug}/members`, "routes/w.$slug.members", cases);

    it("refuses missing, unknown and mistyped roles and malformed addresses, inviting no one", async () => {
      await post([
        { label: "empty", form: {}, field: "email", message: zh.required },
        { label: "no role", form: { email: valid.email }, field: "role", message: zh.invalidOption },
        { label: "role god", form: { ...valid, role: "god" }, field: "role", message: zh.invalidOption },
        { label: "role owner", form: { ...valid, role: "owner" }, field: "role", message: zh.invalidOption },
        { label: "role ADMIN", form: { ...valid, role: "ADMIN" }, field: "role", message: zh.invalidOption },
        { label: "role with NUL", form: { ...valid, role: "admin\u0000" }, field: "role", message: zh.invalidOption },
        { label: "role twice", form: repeated(valid, "role", ["viewer", "admin"]), field: "role" },
        { label: "role of a school", form: { ...valid, role: "teacher" }, field: "role", message: "您不能授予此角色。" },
        { label: "email as a file", form: withFile(valid, "email"), field: "email", message: zh.invalidType },
        { label: "email twice", form: repeated(valid, "email", ["a@example.test", "b@example.test"]), field: "email", message: zh.invalidType },
        { label: "not an email", form: { ...valid, email: "colleague" }, field: "email", message: zh.email },
        { label: "email with zero-width", form: { ...valid, email: "new\u200B@example.test" }, field: "email", message: zh.email },
        { label: "email with RLO", form: { ...valid, email: "\u202Enew@example.test" }, field: "email", message: zh.email },
        { label: "email with newline", form: { ...valid, email: "new@example.test\nCc: x@example.test" }, field: "email", message: zh.email },
        { label: "email 900 kB", form: { ...valid, email: "e".repeat(900_000) }, field: "email" },
      ]);
      await post(
        [
          { label: "en empty", form: {}, field: "email", message: en.required },
          { label: "en role", form: { ...valid, role: "god" }, field: "role", message: en.invalidOption },
        ],
        adminEn,
        "demo-care",
      );
      const before = await counts();
      expect(await send(admin, "/w/demo-ai/members", "routes/w.$slug.members", formBody({ ...valid, email: "e".repeat(1024 * 1024) }))).toBe(413);
      expect(await counts()).toEqual(before);
    });

    it("answers odd workspace addresses with 404, not a 500", async () => {
      const before = await counts();
      const slugs = [
        encodeURIComponent("演示"),
        "a".repeat(2000),
        encodeURIComponent("demo-ai\u0000"),
        encodeURIComponent("demo-ai\u202E"),
        "DEMO-AI",
        "demo-ai%20",
      ];
      const results: Record<string, string> = {};
      for (const slug of slugs) {
        const posted = await admin.post(`/w/${slug}/members`, valid);
        const page = await admin.get(`/w/${slug}/members`);
        results[slug.slice(0, 30)] = `${posted.status} ${page.status}`;
      }
      expect(results).toEqual(Object.fromEntries(slugs.map((slug) => [slug.slice(0, 30), "404 404"])));
      expect(await counts()).toEqual(before);
    });
  });

  describe("set-language", () => {
    it("refuses an unknown or malformed locale, changing neither the account nor the cookie", async () => {
      const before = await counts();
      const languageCookie = teacher.cookies.get("lng");
      const cases: [string, Form][] = [
        ["empty", {}],
        ["xx", { locale: "xx" }],
        ["EN", { locale: "EN" }],
        ["zh-cn", { locale: "zh-cn" }],
        ["en with NUL", { locale: "en\u0000" }],
        ["en with RLO", { locale: "\u202Een" }],
        ["en twice", repeated({}, "locale", ["en", "zh-CN"])],
        ["file", withFile({}, "locale")],
        ["900 kB", { locale: "e".repeat(900_000) }],
        ["redirectTo 501", { locale: "en", redirectTo: `/${"r".repeat(500)}` }],
      ];
      for (const [label, form] of cases) {
        const response = await teacher.action("/set-language", "routes/set-language", form);
        expect(response.headers.getSetCookie(), label).toEqual([]);
        const errors = await fieldErrors(response, label);
        expect(Object.keys(errors).length, label).toBeGreaterThan(0);
      }
      const empty = await fieldErrors(await teacher.action("/set-language", "routes/set-language", {}), "empty");
      expect(empty.locale).toEqual([zh.invalidOption]);
      const unknown = await fieldErrors(await app.client({ locale: "en" }).action("/set-language", "routes/set-language", { locale: "fr" }), "fr");
      expect(unknown.locale).toEqual([en.invalidOption]);
      const [user] = await db().rows<{ locale: string }>(sql`select locale from users where email = 'school-teacher@demo.xcert.test'`);
      expect(user.locale).toBe("zh-CN");
      expect(teacher.cookies.get("lng")).toBe(languageCookie);
      expect(await counts()).toEqual(before);
    });
  });

  describe("logout", () => {
    it("ignores whatever is posted along, and a forged or garbled session cookie ends nothing and writes nothing", async () => {
      const before = await counts();
      const cookies = [
        "%",
        "!!!",
        "x".repeat(4000),
        Buffer.from(JSON.stringify({ token: "x" })).toString("base64"),
        Buffer.from(JSON.stringify("\u0000".repeat(43))).toString("base64"),
        Buffer.from(JSON.stringify("A".repeat(43))).toString("base64"),
      ];
      for (const value of cookies) {
        const client = app.client();
        client.cookies.set("xcert_session", value);
        const response = await client.post("/logout", { junk: "\u0000\u202E🎓", email: "org-admin@demo.xcert.test" });
        expect(response.status, value.slice(0, 20)).toBe(302);
        expect(response.headers.get("location")).toBe("/");
        const page = await client.get("/workspaces");
        expect(page.status, value.slice(0, 20)).toBe(302);
      }
      const big = await send(app.client(), "/logout", "routes/logout", formBody({ junk: "x".repeat(1024 * 1024) }));
      expect(big === "hung up" || big < 500).toBe(true);
      expect(await counts()).toEqual(before);
      // The real sessions are untouched.
      expect((await admin.get("/w/demo-ai")).status).toBe(200);
    });
  });

  describe("certificate forms", () => {
    const valid = { code: "BAD-INPUT", nameZh: "坏输入", nameEn: "Bad input", industryCode: "digital", levels: "junior", status: "draft" };

    it("refuses bad input to the new-certificate form", async () => {
      await reject(editor, "/w/demo-ai/certificates/new", "routes/w.$slug.certificates.new", [
        { label: "empty", form: {}, field: "code", message: zh.required },
        { label: "code in Chinese", form: { ...valid, code: "代码" }, field: "code" },
        { label: "levels unknown", form: { ...valid, levels: "expert" }, field: "levels" },
        { label: "status unknown", form: { ...valid, status: "published" }, field: "status", message: zh.invalidOption },
        ...controlCases(valid, "nameZh"),
        { label: "nameEn 900 kB", form: { ...valid, nameEn: "n".repeat(900_000) }, field: "nameEn" },
        { label: "code as a file", form: withFile(valid, "code"), field: "code", message: zh.invalidType },
      ]);
    });

    it("refuses bad input to the certificate form and leaves the certificate as it was", async () => {
      const read = () => db().rows(sql`select * from certificates where id = ${certificateId}`);
      const before = await read();
      await reject(editor, `/w/demo-ai/certificates/${certificateId}`, "routes/w.$slug.certificates.$certificateId", [
        { label: "empty", form: {}, field: "nameZh", message: zh.required },
        { label: "nameZh RLO", form: { ...valid, nameZh: "证书\u202E" }, field: "nameZh", message: zh.controlChars },
        { label: "nameEn NUL", form: { ...valid, nameEn: "Cert\u0000" }, field: "nameEn", message: zh.controlChars },
        { label: "levels twice unknown", form: repeated(valid, "levels", ["junior", "grandmaster"]), field: "levels" },
        { label: "description 4001", form: { ...valid, description: "d".repeat(4001) }, field: "description", message: zh.tooLong(4000) },
        { label: "status as a file", form: withFile(valid, "status"), field: "status" },
      ]);
      expect(await read()).toEqual(before);
    });

    it("answers a malformed, unknown or foreign certificate id with 404, not a 500", async () => {
      const before = await counts();
      const ids = [
        "not-a-uuid",
        "------------------------------------",
        "00000000-0000-0000-0000-00000000000g",
        "00000000-0000-0000-0000-000000000000",
        otherCertificateId,
        encodeURIComponent("🎓"),
      ];
      const results: Record<string, string> = {};
      for (const id of ids) {
        const posted = await editor.action(`/w/demo-ai/certificates/${id}`, "routes/w.$slug.certificates.$certificateId", valid);
        const page = await editor.get(`/w/demo-ai/certificates/${id}`);
        results[id] = `${posted.status} ${page.status}`;
      }
      expect(results).toEqual(Object.fromEntries(ids.map((id) => [id, "404 404"])));
      expect(await counts()).toEqual(before);
    });
  });

  describe("fee, order and payment forms", () => {
    it("refuses bad input to the new-disclosure form", async () => {
      const valid = draftFeeForm(certificateId);
      await reject(admin, "/w/demo-ai/fees/new", "routes/w.$slug.fees.new", [
        { label: "empty", form: { intent: "save" }, field: "certificateId", message: zh.required },
        { label: "amount words", form: { ...valid, amount: "三百八" }, field: "amount" },
        { label: "amount negative", form: { ...valid, amount: "-1" }, field: "amount" },
        { label: "amount three decimals", form: { ...valid, amount: "1.234" }, field: "amount" },
        { label: "amount exponent", form: { ...valid, amount: "1e3" }, field: "amount" },
        { label: "amount huge", form: { ...valid, amount: "99999999999999999999" }, field: "amount" },
        { label: "amount twice", form: repeated(valid, "amount", ["1.00", "2.00"]), field: "amount", message: zh.invalidType },
        { label: "kind made up", form: { ...valid, kind: "mandatory_training" }, field: "kind", message: zh.invalidOption },
        { label: "unit made up", form: { ...valid, unit: "per_year" }, field: "unit", message: zh.invalidOption },
        { label: "level made up", form: { ...valid, level: "expert" }, field: "level", message: zh.invalidOption },
        { label: "day impossible", form: { ...valid, effectiveFrom: "2026-02-30" }, field: "effectiveFrom" },
        { label: "day words", form: { ...valid, effectiveFrom: "next monday" }, field: "effectiveFrom" },
        { label: "until impossible", form: { ...valid, effectiveUntil: "2099-13-01" }, field: "effectiveUntil" },
        { label: "certificate not a uuid", form: { ...valid, certificateId: "AI-TRAINER" }, field: "certificateId" },
        {
          label: "certificate of another organization",
          form: { ...valid, certificateId: otherCertificateId },
          field: "certificateId",
          message: zh.invalidOption,
        },
        { label: "supersedes not a uuid", form: { ...valid, supersedesId: "1 or 1=1" }, field: "supersedesId" },
        { label: "includes 1001", form: { ...valid, includes: "含".repeat(1001) }, field: "includes", message: zh.tooLong(1000) },
        { label: "certificate as a file", form: withFile(valid, "certificateId"), field: "certificateId", message: zh.invalidType },
        ...controlCases(valid, "contact"),
      ]);
      // In English for an English-speaking finance officer.
      const english = await fieldErrors(await adminEn.action("/w/demo-care/fees/new", "routes/w.$slug.fees.new", { intent: "save" }), "en");
      expect(english.certificateId).toEqual([en.required]);
    });

    it("refuses bad input to a draft, a withdrawal and an unknown intent, leaving the disclosures as they were", async () => {
      const read = () => db().rows(sql`select id, status, amount_fen::text, effective_from::text from fee_disclosures order by id`);
      const before = await read();
      const valid = draftFeeForm(certificateId);
      const draft = `/w/demo-ai/fees/${draftId}`;
      const published = `/w/demo-ai/fees/${publishedId}`;
      const route = "routes/w.$slug.fees.$disclosureId";
      await reject(admin, draft, route, [
        { label: "amount blank", form: { ...valid, amount: "" }, field: "amount", message: zh.required },
        { label: "contact RLO", form: { ...valid, contact: "021\u202E" }, field: "contact", message: zh.controlChars },
        { label: "intent unknown", form: { ...valid, intent: "approve" }, field: "intent" },
        { label: "intent missing", form: { ...valid, intent: undefined }, field: "intent" },
      ]);
      await reject(admin, published, route, [
        { label: "withdraw without reason", form: { intent: "withdraw", effectiveFrom: "2099-01-01" }, field: "reason", message: zh.required },
        { label: "withdraw bad day", form: { intent: "withdraw", reason: "停开", effectiveFrom: "2099-02-30" }, field: "effectiveFrom" },
        {
          label: "withdraw reason NUL",
          form: { intent: "withdraw", reason: "停\u0000开", effectiveFrom: "2099-01-01" },
          field: "reason",
          message: zh.controlChars,
        },
      ]);
      expect(await read()).toEqual(before);
    });

    it("answers a malformed, unknown or foreign disclosure or order id with 404, not a 500", async () => {
      const before = await counts();
      const [careFee] = await db().rows<{ id: string }>(
        sql`select d.id from fee_disclosures d join tenants t on t.id = d.tenant_id where t.slug = 'demo-care' limit 1`,
      );
      const ids = ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "'; drop table fee_disclosures; --", encodeURIComponent("🎓")];
      const results: Record<string, string> = {};
      for (const id of [...ids, careFee.id]) {
        const fee = await admin.action(`/w/demo-ai/fees/${id}`, "routes/w.$slug.fees.$disclosureId", { intent: "delete" });
        const feePage = await admin.get(`/w/demo-ai/fees/${id}`);
        const publicPage = await app.client().get(`/fees/${id}`);
        results[id] = `${fee.status} ${feePage.status} ${publicPage.status === 200 ? "public" : publicPage.status}`;
      }
      for (const id of ids) {
        const order = await schoolAdmin.action(`/w/demo-school/orders/${id}`, "routes/w.$slug.orders.$orderId", { intent: "cancel" });
        const page = await schoolAdmin.get(`/w/demo-school/orders/${id}`);
        results[`order ${id}`] = `${order.status} ${page.status}`;
      }
      expect(results).toEqual({
        ...Object.fromEntries(ids.map((id) => [id, "404 404 404"])),
        // Another organization's published fee is public, but not in this workspace.
        [careFee.id]: "404 404 public",
        ...Object.fromEntries(ids.map((id) => [`order ${id}`, "404 404"])),
      });
      expect(await counts()).toEqual(before);
    });

    it("refuses bad input to the order form", async () => {
      const valid = { certificateId, level: "intermediate", examSite: "徐汇校区", examDate: "2099-01-01", headcount: "60" };
      await reject(schoolAdmin, "/w/demo-school/orders/new", "routes/w.$slug.orders.new", [
        { label: "empty", form: {}, field: "certificateId", message: zh.required },
        { label: "headcount words", form: { ...valid, headcount: "六十" }, field: "headcount" },
        { label: "headcount fraction", form: { ...valid, headcount: "60.5" }, field: "headcount" },
        { label: "headcount huge", form: { ...valid, headcount: "1e308" }, field: "headcount" },
        { label: "headcount negative", form: { ...valid, headcount: "-60" }, field: "headcount" },
        { label: "exam date impossible", form: { ...valid, examDate: "2099-02-29" }, field: "examDate" },
        { label: "level unknown", form: { ...valid, level: "master" }, field: "level", message: zh.invalidOption },
        { label: "certificate not a uuid", form: { ...valid, certificateId: "x" }, field: "certificateId" },
        {
          label: "unknown certificate",
          form: { ...valid, certificateId: "00000000-0000-4000-8000-000000000000" },
          field: "certificateId",
          message: zh.invalidOption,
        },
        { label: "exam site 201", form: { ...valid, examSite: "场".repeat(201) }, field: "examSite", message: zh.tooLong(200) },
        ...controlCases(valid, "examSite"),
      ]);
    });

    it("refuses bad input to transfers, confirmations and refunds, leaving order and payments as they were", async () => {
      const read = () =>
        db().rows(
          sql`select o.status, o.refunded_fen::text, (select json_agg(p.status order by p.id) from payments p where p.order_id = o.id) as payments from assessment_orders o where o.id = ${orderId}`,
        );
      const before = await read();
      const route = "routes/w.$slug.orders.$orderId";
      await reject(schoolAdmin, `/w/demo-school/orders/${orderId}`, route, [
        { label: "transfer amount words", form: { intent: "transfer", amount: "七百", reference: "x" }, field: "amount" },
        { label: "transfer without reference", form: { intent: "transfer", amount: "700.00" }, field: "reference", message: zh.required },
        {
          label: "transfer reference 101",
          form: { intent: "transfer", amount: "700.00", reference: "r".repeat(101) },
          field: "reference",
          message: zh.tooLong(100),
        },
        {
          label: "transfer reference ESC",
          form: { intent: "transfer", amount: "700.00", reference: "ICBC\u001B[31m" },
          field: "reference",
          message: zh.controlChars,
        },
        { label: "intent unknown", form: { intent: "pay" }, field: "intent" },
      ]);
      await reject(finance, `/w/demo-ai/orders/${orderId}`, route, [
        { label: "confirm without payment", form: { intent: "confirm" }, field: "paymentId", message: zh.required },
        { label: "confirm payment not a uuid", form: { intent: "confirm", paymentId: "1" }, field: "paymentId" },
        { label: "refund without reason", form: { intent: "refund", paymentId: transferId, amount: "1.00" }, field: "reason", message: zh.required },
        {
          label: "refund of a pending payment",
          form: { intent: "refund", paymentId: transferId, amount: "1.00", reason: "x" },
          field: "paymentId",
          message: zh.invalidOption,
        },
      ]);
      expect(await read()).toEqual(before);
    });
  });

  describe("bodies every action may receive", () => {
    const targets = (): { label: string; client: () => HttpClient; path: string; routeId: string }[] => [
      { label: "signup", client: () => app.client(), path: "/signup", routeId: "routes/signup" },
      { label: "login", client: () => app.client(), path: "/login", routeId: "routes/login" },
      { label: "forgot-password", client: () => app.client(), path: "/forgot-password", routeId: "routes/forgot-password" },
      { label: "reset-password", client: () => app.client(), path: resetPath, routeId: "routes/reset-password.$token" },
      { label: "join", client: () => app.client(), path: joinPath, routeId: "routes/join.$slug.$token" },
      { label: "members", client: () => admin, path: "/w/demo-ai/members", routeId: "routes/w.$slug.members" },
      { label: "set-language", client: () => teacher, path: "/set-language", routeId: "routes/set-language" },
      { label: "certificates.new", client: () => editor, path: "/w/demo-ai/certificates/new", routeId: "routes/w.$slug.certificates.new" },
      { label: "fees.new", client: () => finance, path: "/w/demo-ai/fees/new", routeId: "routes/w.$slug.fees.new" },
      { label: "fees.$disclosureId", client: () => finance, path: `/w/demo-ai/fees/${draftId}`, routeId: "routes/w.$slug.fees.$disclosureId" },
      { label: "orders.new", client: () => schoolAdmin, path: "/w/demo-school/orders/new", routeId: "routes/w.$slug.orders.new" },
      { label: "orders.$orderId", client: () => schoolAdmin, path: `/w/demo-school/orders/${orderId}`, routeId: "routes/w.$slug.orders.$orderId" },
    ];
    const raw = (client: HttpClient, path: string, routeId: string, body: BodyInit | null, headers: Record<string, string>) => {
      const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      return fetch(`${app.url}${path}?_data=${encodeURIComponent(routeId)}`, {
        method: "POST",
        body,
        headers: { ...headers, ...(cookie ? { cookie } : {}) },
        redirect: "manual",
      });
    };

    it("answers JSON, broken multipart, an empty body and invalid UTF-8 with a 4xx, writing nothing", async () => {
      const before = await counts();
      const bodies: [string, BodyInit | null, Record<string, string>][] = [
        ["json", JSON.stringify({ email: "org-admin@demo.xcert.test", password }), { "content-type": "application/json" }],
        [
          "broken multipart",
          '--xyz\r\nContent-Disposition: form-data; name="email"\r\n\r\nunterminated',
          { "content-type": "multipart/form-data; boundary=xyz" },
        ],
        ["multipart without boundary", "email=a", { "content-type": "multipart/form-data" }],
        ["no body", null, {}],
        ["text", "hello", { "content-type": "text/plain" }],
        [
          "invalid UTF-8",
          Buffer.from("email=%FF%FE%00&password=%C0%AF&name=%ED%A0%80&locale=%E0%A4%A"),
          { "content-type": "application/x-www-form-urlencoded" },
        ],
        ["xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', { "content-type": "application/xml" }],
      ];
      for (const target of targets())
        for (const [label, body, headers] of bodies) {
          const response = await raw(target.client(), target.path, target.routeId, body, headers);
          expect(response.status, `${target.label}: ${label}`).toBeGreaterThanOrEqual(400);
          expect(response.status, `${target.label}: ${label}`).toBeLessThan(500);
        }
      expect(await counts()).toEqual(before);
    });

    it("refuses a body over 1 MB with 413, with or without a Content-Length", async () => {
      const before = await counts();
      const form = `email=${"a".repeat(1_500_000)}&password=x&name=x&locale=en&intent=create`;
      const failures: string[] = [];
      for (const target of targets()) {
        expect(await send(target.client(), target.path, target.routeId, form), `${target.label}: Content-Length`).toBe(413);
        // Sent in chunks, the size is only known while reading: the bound must hold there too, and
        // the client still gets the answer (the server reads the rest before answering).
        const chunked = await send(target.client(), target.path, target.routeId, form, { chunked: true });
        if (chunked !== 413) failures.push(`${target.label}: chunked → ${chunked}`);
      }
      expect(failures).toEqual([]);
      expect(await counts()).toEqual(before);
    });
  });

  describe("headers, cookies and redirect targets", () => {
    it("treats an X-Forwarded-For that is not an IP address as no address, never a 500", async () => {
      const values = ["999.999.999.999", "1.2.3", "dead", "::::::::", "abc.def", "1.2.3.4.5", "256.0.0.1", "<script>", "1.2.3.4, 10.0.0.1", "2001:db8::1"];
      const statuses: Record<string, number> = {};
      const before = await db().count("login_attempts");
      for (const [i, ip] of values.entries()) {
        const response = await app.client({ ip }).action("/login", "routes/login", { email: `xff-probe-${i}@example.test`, password: "wrong-password-1" });
        statuses[ip] = response.status;
      }
      expect(statuses).toEqual(Object.fromEntries(values.map((ip) => [ip, 401])));
      expect(await db().count("login_attempts")).toBe(before + values.length);
      const stored = await db().rows<{ ip: string | null }>(sql`select host(ip) as ip from login_attempts where email like 'xff-probe-%'`);
      // Behind the one trusted proxy the client is the right-most hop (decision 024), never the left-most.
      expect(
        stored
          .map((r) => r.ip)
          .filter(Boolean)
          .sort(),
      ).toEqual(["10.0.0.1", "2001:db8::1"]);
    });

    it("never redirects off the site or answers 500, whatever the redirectTo", async () => {
      const targets = [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/\u0000/evil.example",
        "/a\r\nSet-Cookie: xcert_session=stolen",
        " //evil.example",
        "/\\/evil.example",
        "/%2F%2Fevil.example",
      ];
      const results: Record<string, string> = {};
      for (const redirectTo of targets) {
        const login = await app.client().post("/login", { email: "org2-admin@demo.xcert.test", password, redirectTo });
        const language = await teacher.post("/set-language", { locale: "zh-CN", redirectTo });
        for (const [action, response] of [
          ["login", login],
          ["set-language", language],
        ] as const) {
          const location = response.headers.get("location");
          const where = location === null ? null : new URL(location, app.url);
          results[`${action} ${JSON.stringify(redirectTo)}`] =
            response.status === 302 && where?.origin === app.url && !response.headers.getSetCookie().some((l) => l.includes("stolen"))
              ? "ok"
              : `${response.status} ${location}`;
        }
      }
      expect(results).toEqual(Object.fromEntries(Object.keys(results).map((key) => [key, "ok"])));
    });

    it("answers a malformed language cookie in the default language, not with a 500", async () => {
      for (const value of ["%E0%A4%A", "%", "en%", "%00", "x".repeat(3000)]) {
        const client = app.client();
        client.cookies.set("lng", value);
        const page = await client.get("/login");
        expect(page.status, value.slice(0, 20)).toBe(200);
        expect(await page.text()).toContain('<html lang="zh-CN"');
        const errors = await fieldErrors(await client.action("/login", "routes/login", {}), value.slice(0, 20));
        expect(errors.email).toEqual([zh.required]);
      }
    });

    it("answers a garbled session cookie as signed out on every page that needs a session", async () => {
      for (const value of ["%", "%E0%A4%A", "!!!", "x".repeat(4000), Buffer.from("[1,2,3]").toString("base64")]) {
        const client = app.client();
        client.cookies.set("xcert_session", value);
        for (const path of ["/workspaces", "/w/demo-ai", "/w/demo-ai/members"]) {
          const response = await client.get(path);
          expect(response.status, `${path} ${value.slice(0, 20)}`).toBe(302);
          expect(response.headers.get("location")).toMatch(/^\/login\?redirectTo=/);
        }
        const invite = await client.post("/w/demo-ai/members", { email: "cookie@example.test", role: "viewer" });
        expect(invite.status).toBe(302);
      }
      expect(await db().count("invitations", sql`email = 'cookie@example.test'`)).toBe(0);
    });
  });
});
