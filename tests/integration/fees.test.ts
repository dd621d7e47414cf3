import ExcelJS from "exceljs";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, shanghaiDate } from "../../app/ui/format";
import { startApp, type FormInput, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";

// Fee disclosures (DOMAIN §二.10, §二.14): the publish rules, immutability in the database, supersede
// and withdraw, the fee in force on any day, and the public pages, CSV and API without login.

const newRoute = "routes/w.$slug.fees.new";
const disclosureRoute = "routes/w.$slug.fees.$disclosureId";

describe("fee disclosures", () => {
  let app: TestApp;
  let finance: HttpClient; // finance of demo-ai, zh-CN
  let careAdmin: HttpClient; // admin of demo-care, English
  let anonymous: HttpClient;
  let ai: string;
  let care: string;
  let trainer: string; // AI-TRAINER of demo-ai, active
  let bigdata: string; // BIGDATA-PY of demo-ai, draft
  let elderly: string; // ELDERLY-CARE of demo-care, active
  const today = shanghaiDate();
  const db = () => owner(app.database);
  const written = async () => ({
    disclosures: await db().count("fee_disclosures"),
    withdrawals: await db().count("fee_disclosure_withdrawals"),
    audit: await db().count("audit_log"),
  });
  const fee = (values: FormInput = {}): FormInput => ({
    certificateId: trainer,
    level: "intermediate",
    kind: "assessment",
    amount: "380.00",
    unit: "per_person",
    includes: "理论考试与实操考核各一次。",
    effectiveFrom: addDays(today, 50),
    contact: "021-6482 0000",
    changeReason: "实操工位成本上升。",
    intent: "publish",
    ...values,
  });
  const errorsOf = async (response: Response) => ((await response.json()) as { result: { error: Record<string, string[]> } }).result.error;
  /** Published rows of one fee (organization, certificate, level, kind), as stored. */
  const published = (certificateId: string, level: string, kind: string) =>
    db().rows<{ id: string; amount_fen: number; effective_from: string; effective_until: string | null; supersedes_id: string | null }>(
      sql`select id, amount_fen::int, to_char(effective_from, 'YYYY-MM-DD') as effective_from, to_char(effective_until, 'YYYY-MM-DD') as effective_until, supersedes_id
          from fee_disclosures where certificate_id = ${certificateId} and level = ${level} and kind = ${kind} and status = 'published'
          order by effective_from`,
    );

  beforeAll(async () => {
    app = await startApp();
    finance = app.client();
    await finance.login("org-finance@demo.xcert.test");
    careAdmin = app.client({ locale: "en" });
    await careAdmin.login("org2-admin@demo.xcert.test");
    anonymous = app.client();
    const ids = await db().rows<{ slug: string; tenant_id: string; code: string; id: string }>(
      sql`select t.slug, t.id as tenant_id, c.code, c.id from certificates c join tenants t on t.id = c.tenant_id`,
    );
    const find = (code: string) => ids.find((r) => r.code === code)!;
    [ai, care] = [find("AI-TRAINER").tenant_id, find("ELDERLY-CARE").tenant_id];
    [trainer, bigdata, elderly] = [find("AI-TRAINER").id, find("BIGDATA-PY").id, find("ELDERLY-CARE").id];
  });
  afterAll(() => app.close());

  it("is found from the home page, which promises only what exists", async () => {
    for (const [locale, promise] of [
      ["zh-CN", "培训师资质"],
      ["en", "trainer credentials"],
    ] as const) {
      const home = await (await app.client({ locale }).get("/")).text();
      for (const href of ['href="/fees"', 'href="/fees.csv"', 'href="/api/v1/fee-disclosures"']) expect(home, `${locale} ${href}`).toContain(href);
      expect(home).not.toContain(promise);
    }
  });

  it("publishes ¥380 with enough notice under the cap, superseding the latest, audited, and public without login", async () => {
    const [previous] = (await published(trainer, "intermediate", "assessment")).slice(-1);
    const response = await finance.post("/w/demo-ai/fees/new", fee());
    expect(response.status).toBe(302);
    const id = response.headers.get("location")!.split("/").at(-1)!;
    const [row] = await db().rows<{
      status: string;
      amount_fen: number;
      published_at: Date | null;
      supersedes_id: string;
      published_by_user_id: string | null;
    }>(sql`select status, amount_fen::int, published_at, supersedes_id, published_by_user_id from fee_disclosures where id = ${id}`);
    expect(row).toMatchObject({ status: "published", amount_fen: 38_000, supersedes_id: previous.id });
    expect(row.published_at).not.toBeNull();
    expect(row.published_by_user_id).not.toBeNull();
    expect(await db().count("audit_log", sql`action = 'fee_disclosure.publish' and entity_id = ${id}`)).toBe(1);

    // Logged out: announced on /fees as upcoming today, in force from its date, and in the API and CSV.
    const todayPage = await anonymous.data("/fees", "routes/fees._index");
    expect(todayPage.status).toBe(200);
    const now = await todayPage.json();
    expect(now.upcoming.map((d: { id: string }) => d.id)).toContain(id);
    expect(
      now.rows.find(
        (d: { certificateCode: string; level: string; kind: string }) =>
          d.certificateCode === "AI-TRAINER" && d.level === "intermediate" && d.kind === "assessment",
      ).amountFen,
    ).toBe(35_000);
    const later = await (await anonymous.data(`/fees?asOf=${addDays(today, 50)}&organization=demo-ai&kind=assessment`, "routes/fees._index")).json();
    expect(later.rows.map((d: { id: string; amountFen: number }) => [d.id, d.amountFen])).toEqual([[id, 38_000]]);
    const html = await (await anonymous.get(`/fees?asOf=${addDays(today, 50)}`)).text();
    expect(html).toContain("¥380.00");
    const api = await (await anonymous.get("/api/v1/fee-disclosures?organization=demo-ai&kind=assessment")).json();
    expect(api.data[0]).toMatchObject({ id, amountFen: 38_000, currency: "CNY", status: "published", supersedesId: previous.id });
    const csv = await (await anonymous.get("/fees.csv?organization=demo-ai")).text();
    expect(csv).toContain(id);
  });

  it("refuses ¥520 above the ¥500 cap and a date 10 days away, in Chinese and in English, writing nothing", async () => {
    const before = await written();
    const refused = await finance.action("/w/demo-ai/fees/new", newRoute, fee({ amount: "520.00", effectiveFrom: addDays(today, 10) }));
    expect(refused.status).toBe(400);
    const errors = await errorsOf(refused);
    expect(errors.amount).toEqual(["考核费 ¥520.00 超过该等级的考核成本上限 ¥500.00。"]);
    expect(errors.effectiveFrom).toEqual([`生效日期须在公示期（30 天）之后，最早为 ${addDays(today, 30)}。`]);
    // demo-care's cap was lowered to ¥450 five days ago: the cap in force is the one that counts.
    const english = await careAdmin.action(
      "/w/demo-care/fees/new",
      newRoute,
      fee({ certificateId: elderly, amount: "460.00", effectiveFrom: addDays(today, 29) }),
    );
    expect(english.status).toBe(400);
    expect(await errorsOf(english)).toEqual({
      amount: ["The assessment fee ¥460.00 exceeds this level's cost cap of ¥450.00."],
      effectiveFrom: [`The effective date must be after the 30-day notice period: ${addDays(today, 30)} at the earliest.`],
    });
    // A fee of another organization's certificate, a level the certificate does not offer, an end
    // before the start, a certificate not in the catalogue: each named on its field.
    const foreign = await errorsOf(await finance.action("/w/demo-ai/fees/new", newRoute, fee({ certificateId: elderly })));
    expect(foreign.certificateId).toEqual(["请从列表中选择。"]);
    const notActive = await errorsOf(await finance.action("/w/demo-ai/fees/new", newRoute, fee({ certificateId: bigdata })));
    expect(notActive.certificateId).toEqual(["只有已启用的证书可以公示收费。"]);
    const until = await errorsOf(await finance.action("/w/demo-ai/fees/new", newRoute, fee({ effectiveUntil: addDays(today, 40) })));
    expect(until.effectiveUntil).toEqual(["截止日期须晚于生效日期。"]);
    expect(await written()).toEqual(before);
  });

  it("saves a draft without the publish rules, refuses to publish it while it breaks them, then publishes it fixed", async () => {
    const draft = await finance.post("/w/demo-ai/fees/new", fee({ intent: "save", level: "senior", amount: "900.00", effectiveFrom: addDays(today, 5) }));
    expect(draft.status).toBe(302);
    const path = draft.headers.get("location")!;
    const id = path.split("/").at(-1)!;
    const read = () => db().rows(sql`select status, amount_fen::int, effective_from::text, level::text, published_at from fee_disclosures where id = ${id}`);
    const stored = await read();
    expect(stored[0]).toMatchObject({ status: "draft", amount_fen: 90_000, published_at: null });
    // A draft is the organization's: not public, not in the API.
    expect((await anonymous.get(`/fees/${id}`)).status).toBe(404);
    expect((await (await anonymous.get("/api/v1/fee-disclosures?limit=500")).json()).data.map((d: { id: string }) => d.id)).not.toContain(id);

    const refused = await finance.action(path, disclosureRoute, fee({ level: "senior", amount: "900.00", effectiveFrom: addDays(today, 5) }));
    expect(refused.status).toBe(400);
    expect(Object.keys(await errorsOf(refused)).sort()).toEqual(["amount", "effectiveFrom"]);
    expect(await read()).toEqual(stored);

    const ok = await finance.action(path, disclosureRoute, fee({ level: "senior", amount: "800.00", effectiveFrom: addDays(today, 30) }));
    expect(ok.status).toBe(200);
    expect((await ok.json()).done).toBe("published");
    const [after] = await read();
    expect(after).toMatchObject({ status: "published", amount_fen: 80_000 });
    expect(await db().count("audit_log", sql`entity_id = ${id} and action in ('fee_disclosure.create', 'fee_disclosure.publish')`)).toBe(2);
  });

  it("keeps a published disclosure immutable: the app answers 409, the trigger refuses UPDATE and DELETE even by the owner", async () => {
    const [row] = await published(trainer, "intermediate", "training");
    const before = await db().rows(sql`select * from fee_disclosures where id = ${row.id}`);
    const edit = await finance.action(`/w/demo-ai/fees/${row.id}`, disclosureRoute, fee({ kind: "training", amount: "1.00", intent: "save" }));
    expect(edit.status).toBe(409);
    expect((await errorsOf(edit))[""]).toEqual(["已发布的公示不可修改，请发布新的公示。"]);
    const remove = await finance.action(`/w/demo-ai/fees/${row.id}`, disclosureRoute, { intent: "delete" });
    expect(remove.status).toBe(409);

    const immutable = /a published fee disclosure is immutable/;
    expect(await databaseError(app.database.db.execute(sql`update fee_disclosures set amount_fen = 1 where id = ${row.id}`))).toMatch(immutable);
    expect(await databaseError(app.database.db.execute(sql`update fee_disclosures set status = 'draft' where id = ${row.id}`))).toMatch(immutable);
    expect(await databaseError(app.database.db.execute(sql`delete from fee_disclosures where id = ${row.id}`))).toMatch(immutable);
    const scope = { tenantId: ai, tenantKind: "organization", role: "finance" };
    expect(await databaseError(asApp(scope, (tx) => tx.execute(sql`update fee_disclosures set amount_fen = 1 where id = ${row.id}`)))).toMatch(immutable);
    expect(await db().rows(sql`select * from fee_disclosures where id = ${row.id}`)).toEqual(before);
  });

  it("teacher training is voluntary whatever is posted: there is no field to make it mandatory", async () => {
    const response = await finance.post(
      "/w/demo-ai/fees/new",
      fee({ kind: "teacher_training", level: "junior", unit: "per_session", amount: "1200.00", mandatory: "true", voluntary: "false" }),
    );
    expect(response.status).toBe(302);
    const id = response.headers.get("location")!.split("/").at(-1)!;
    const columns = await db().rows<{ column_name: string }>(sql`select column_name from information_schema.columns where table_name = 'fee_disclosures'`);
    expect(columns.map((c) => c.column_name).filter((c) => /mandator|compuls|required|voluntar/.test(c))).toEqual([]);
    const html = await (await anonymous.get(`/fees/${id}`)).text();
    expect(html).toContain("自愿参加");
    expect(html).toContain("教师培训一律自愿参加");
  });

  it("records a change as a new disclosure and a withdrawal beside it; the fee in force is unambiguous on every day", async () => {
    const [training] = await published(trainer, "intermediate", "training");
    // A change: ¥2,600 from day +35, superseding the ¥2,800 training fee.
    const change = await finance.post(
      "/w/demo-ai/fees/new",
      fee({ kind: "training", amount: "2600.00", effectiveFrom: addDays(today, 35), supersedesId: training.id }),
    );
    expect(change.status).toBe(302);
    const changeId = change.headers.get("location")!.split("/").at(-1)!;
    // Withdrawn from day +60: no training fee after that until a new one is published.
    const past = await finance.action(`/w/demo-ai/fees/${changeId}`, disclosureRoute, {
      intent: "withdraw",
      reason: "课程停开",
      effectiveFrom: addDays(today, -1),
    });
    expect(past.status).toBe(400);
    expect((await errorsOf(past)).effectiveFrom).toEqual(["撤回最早从明天起生效（今天的收费已可能被订单使用）。"]);
    // Today is refused too: an order placed this morning keeps its fee in force for the audit.
    const fromToday = await finance.action(`/w/demo-ai/fees/${changeId}`, disclosureRoute, { intent: "withdraw", reason: "课程停开", effectiveFrom: today });
    expect(fromToday.status).toBe(400);
    const withdraw = await finance.action(`/w/demo-ai/fees/${changeId}`, disclosureRoute, {
      intent: "withdraw",
      reason: "课程停开",
      effectiveFrom: addDays(today, 60),
    });
    expect(withdraw.status).toBe(200);
    const again = await finance.action(`/w/demo-ai/fees/${changeId}`, disclosureRoute, {
      intent: "withdraw",
      reason: "再次",
      effectiveFrom: addDays(today, 61),
    });
    expect(again.status).toBe(409);
    expect(await db().count("fee_disclosure_withdrawals", sql`disclosure_id = ${changeId}`)).toBe(1);
    expect(await db().count("audit_log", sql`action = 'fee_disclosure.withdraw' and entity_id = ${changeId}`)).toBe(1);
    // Only a published disclosure in force can be superseded: not the superseded one, not the withdrawn one.
    for (const [supersedesId, amount] of [
      [training.id, "2700.00"],
      [changeId, "2650.00"],
    ]) {
      const stale = await finance.action("/w/demo-ai/fees/new", newRoute, fee({ kind: "training", amount, effectiveFrom: addDays(today, 90), supersedesId }));
      expect(stale.status, supersedesId).toBe(400);
      expect(Object.keys(await errorsOf(stale))).toContain("supersedesId");
    }
    // A second disclosure of the same fee from the same day is refused, by the app and by a unique index.
    const sameDay = await finance.action("/w/demo-ai/fees/new", newRoute, fee({ kind: "training", amount: "2500.00", effectiveFrom: addDays(today, 35) }));
    expect((await errorsOf(sameDay)).effectiveFrom).toEqual(["同一证书、等级和收费类型已有从该日期起生效的公示。"]);
    expect(
      await databaseError(
        app.database.db
          .execute(sql`insert into fee_disclosures (tenant_id, certificate_id, level, kind, amount_fen, unit, effective_from, contact, status, published_at)
          select tenant_id, certificate_id, level, kind, 1, unit, effective_from, contact, 'published', now() from fee_disclosures where id = ${changeId}`),
      ),
    ).toMatch(/fee_disclosures_one_per_day_key|duplicate key/);

    // The rule, written out: the latest published effective on or before the day, unless it has
    // ended or been withdrawn by then. The database's fee_in_force must agree on every day.
    const rows = await published(trainer, "intermediate", "training");
    const withdrawals = await db().rows<{ disclosure_id: string; effective_from: string }>(
      sql`select disclosure_id, to_char(effective_from, 'YYYY-MM-DD') as effective_from from fee_disclosure_withdrawals`,
    );
    const expected = (day: string) => {
      const latest = rows.filter((r) => r.effective_from <= day).at(-1);
      if (!latest || (latest.effective_until && latest.effective_until <= day)) return null;
      return withdrawals.some((w) => w.disclosure_id === latest.id && w.effective_from <= day) ? null : latest.id;
    };
    const days = Array.from({ length: 280 }, (_, i) => addDays(today, i - 210));
    const actual = await db().rows<{ day: string; id: string | null }>(
      sql`select to_char(day, 'YYYY-MM-DD') as day, (select id from fee_in_force(${ai}::uuid, ${trainer}::uuid, 'intermediate', 'training', day::date)) as id
          from generate_series(${days[0]}::date, ${days.at(-1)}::date, interval '1 day') as day order by day`,
    );
    expect(actual.map((r) => [r.day, r.id])).toEqual(days.map((day) => [day, expected(day)]));
    expect(new Set(actual.map((r) => r.id))).toEqual(new Set([null, training.id, changeId]));

    // The public history shows both, the old one superseded and the change withdrawn.
    const history = await (await anonymous.data(`/fees/${training.id}`, "routes/fees.$disclosureId")).json();
    expect(history.history.map((d: { id: string; status: string }) => [d.id, d.status])).toEqual([
      [changeId, "withdrawn"],
      [training.id, "superseded"],
    ]);
  });

  it("serves the API as documented: every field, a keyset cursor through all pages, ETag and 304", async () => {
    const total = await db().count("fee_disclosures", sql`status = 'published'`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await anonymous.get(`/api/v1/fee-disclosures?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      const body = (await response.json()) as { data: Record<string, unknown>[]; nextCursor: string | null };
      expect(body.data.length).toBeLessThanOrEqual(3);
      for (const item of body.data) {
        expect(Object.keys(item).sort()).toEqual(
          [
            "amountFen",
            "certificate",
            "currency",
            "effectiveFrom",
            "effectiveUntil",
            "id",
            "kind",
            "level",
            "organization",
            "publishedAt",
            "status",
            "supersedesId",
            "unit",
          ].sort(),
        );
        expect(item.currency).toBe("CNY");
        expect(Number.isSafeInteger(item.amountFen)).toBe(true);
        expect(Object.keys(item.organization as object).sort()).toEqual(["name", "slug"]);
        expect(Object.keys(item.certificate as object).sort()).toEqual(["code", "name"]);
        expect(item.effectiveFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(new Date(item.publishedAt as string).toISOString()).toBe(item.publishedAt);
        seen.push(item.id as string);
      }
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 3));

    const first = await anonymous.get("/api/v1/fee-disclosures");
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get("cache-control")).toMatch(/public, max-age=\d+/);
    const cached = await anonymous.get("/api/v1/fee-disclosures", { "if-none-match": etag! });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe("");
    // Other filters are another representation, with another tag.
    const filtered = await anonymous.get("/api/v1/fee-disclosures?organization=demo-care", { "if-none-match": etag! });
    expect(filtered.status).toBe(200);
    expect((await filtered.json()).data.every((d: { organization: { slug: string } }) => d.organization.slug === "demo-care")).toBe(true);
    // Nonsense in the query is ignored, never a 500.
    for (const query of ["cursor=%%%", "cursor=W10", "limit=-1", "limit=abc", "level=expert", "asOf=2026-13-45", "kind=%00"])
      expect((await anonymous.get(`/api/v1/fee-disclosures?${query}`)).status, query).toBe(200);
  });

  it("serves /fees.csv with a BOM and Chinese headers, one line per published disclosure, honouring the filters", async () => {
    const response = await anonymous.get("/fees.csv");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString("utf8").slice(1).trim().split("\r\n");
    expect(lines[0]).toContain("培训评价组织");
    expect(lines[0]).toContain("证书代码");
    expect(lines.length - 1).toBe(await db().count("fee_disclosures", sql`status = 'published'`));
    const careOnly = (await (await anonymous.get("/fees.csv?organization=demo-care")).text()).trim().split("\r\n");
    expect(careOnly.length - 1).toBe(await db().count("fee_disclosures", sql`status = 'published' and tenant_id = ${care}`));
    expect(careOnly.slice(1).every((line) => line.includes("ELDERLY-CARE"))).toBe(true);
  });

  it("filters /fees by organization, certificate, level, kind and date, and 404s unknown or draft ids", async () => {
    const data = async (query: string) =>
      (await (await anonymous.data(`/fees?${query}`, "routes/fees._index")).json()) as {
        rows: { certificateCode: string; level: string; kind: string; organizationSlug: string }[];
      };
    const all = await data("");
    expect(all.rows.length).toBeGreaterThan(2);
    expect((await data("organization=demo-care")).rows.every((r) => r.organizationSlug === "demo-care")).toBe(true);
    expect((await data("certificate=ai-trainer")).rows.every((r) => r.certificateCode === "AI-TRAINER")).toBe(true);
    expect((await data("kind=training")).rows.every((r) => r.kind === "training")).toBe(true);
    expect((await data("level=senior")).rows.every((r) => r.level === "senior")).toBe(true);
    // The list carries names in the reader's language only.
    const careRow = async (client: typeof anonymous) =>
      ((await (await client.data("/fees?organization=demo-care", "routes/fees._index")).json()) as { rows: Record<string, unknown>[] }).rows[0];
    expect(await careRow(anonymous)).toMatchObject({ organization: "上海颐康老年照护服务有限公司", certificate: "老年照护" });
    expect(await careRow(app.client({ locale: "en" }))).toMatchObject({
      organization: "Shanghai Yikang Elderly Care Services Co., Ltd.",
      certificate: "Elderly Care",
    });
    // Before anything took effect there is nothing in force.
    expect((await data(`asOf=${addDays(today, -365)}`)).rows).toEqual([]);
    for (const id of ["not-a-uuid", "00000000-0000-0000-0000-000000000000"]) expect((await anonymous.get(`/fees/${id}`)).status).toBe(404);
    // The certificate filter: a code to type across all organizations (the list would run to
    // thousands nationally), a list of the organization's own certificates once one is chosen.
    const everyone = await (await anonymous.get("/fees")).text();
    expect(everyone).toMatch(/<input[^>]*name="certificate"/);
    expect(everyone).not.toMatch(/<select[^>]*name="certificate"/);
    const care = await (await anonymous.get("/fees?organization=demo-care")).text();
    const options = /<select[^>]*name="certificate"[^>]*>([\s\S]*?)<\/select>/.exec(care)![1];
    expect(options).toContain('value="ELDERLY-CARE"');
    expect(options).not.toContain('value="AI-TRAINER"');
  });

  it("shows the 50 nearest announced fees and says how to find the rest", async () => {
    const upcoming = async (query = "") =>
      (await (await anonymous.data(`/fees?${query}`, "routes/fees._index")).json()) as {
        upcoming: { id: string; effectiveFrom: string }[];
        moreUpcoming: boolean;
      };
    expect((await upcoming()).moreUpcoming).toBe(false);
    // 60 training fees of ELDERLY-CARE announced for the coming days, recorded as history (system scope).
    await app.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.role', 'system', true)`);
      await tx.execute(sql`insert into fee_disclosures (tenant_id, certificate_id, level, kind, amount_fen, unit, effective_from, contact, status, published_at)
        select ${care}, ${elderly}, 'junior', 'teacher_training', 10000 + g, 'per_person', ${addDays(today, 200)}::date + g, '021-0000 0000', 'published', now()
        from generate_series(1, 60) g`);
    });
    const first = await upcoming();
    expect(first.upcoming).toHaveLength(50);
    expect(first.moreUpcoming).toBe(true);
    const days = first.upcoming.map((d) => d.effectiveFrom);
    expect(days).toEqual([...days].sort());
    expect(await (await anonymous.get("/fees")).text()).toContain("仅显示最近的 50 条");
  });

  it("lets only finance, admin and owner publish; other organizations and schools reach nothing", async () => {
    const editor = app.client();
    await editor.login("org-editor@demo.xcert.test");
    expect((await editor.get("/w/demo-ai/fees")).status).toBe(200);
    expect((await editor.get("/w/demo-ai/fees/new")).status).toBe(403);
    const before = await written();
    expect((await editor.post("/w/demo-ai/fees/new", fee({ effectiveFrom: addDays(today, 70) }))).status).toBe(403);
    const school = app.client();
    await school.login("school-admin@demo.xcert.test");
    expect((await school.get("/w/demo-school/fees")).status).toBe(403);
    expect((await careAdmin.post("/w/demo-ai/fees/new", fee({ effectiveFrom: addDays(today, 70) }))).status).toBe(404);
    expect(await written()).toEqual(before);

    // A draft of demo-ai is invisible to demo-care, the school and the public, in SQL as in the app.
    const draft = await finance.post("/w/demo-ai/fees/new", fee({ intent: "save", effectiveFrom: addDays(today, 90) }));
    const draftId = draft.headers.get("location")!.split("/").at(-1)!;
    expect((await careAdmin.get(`/w/demo-ai/fees/${draftId}`)).status).toBe(404);
    expect((await careAdmin.get(`/w/demo-care/fees/${draftId}`)).status).toBe(404);
    for (const scope of [
      { tenantId: care, tenantKind: "organization", role: "admin" },
      { tenantId: null, role: "public" },
    ]) {
      await asApp(scope, async (tx) => {
        expect(await query(tx, sql`select id from fee_disclosures where id = ${draftId}`)).toEqual([]);
        expect(await query(tx, sql`update fee_disclosures set amount_fen = 1 where tenant_id = ${ai} and status = 'draft' returning id`)).toEqual([]);
      });
      const foreignInsert = asApp(scope, (tx) =>
        tx.execute(sql`insert into fee_disclosures (tenant_id, certificate_id, level, kind, amount_fen, unit, effective_from, contact)
          values (${ai}, ${trainer}, 'junior', 'training', 1, 'per_person', ${addDays(today, 100)}, 'x')`),
      );
      expect(await databaseError(foreignInsert)).toMatch(/row-level security/);
    }
  });

  it("exports the organization's disclosures as CSV and XLSX with yuan amounts", async () => {
    const csv = await (await finance.get("/w/demo-ai/export/fees?format=csv")).text();
    const lines = csv.slice(1).trim().split("\r\n");
    expect(lines[0]).toContain("金额（元）");
    expect(lines.length - 1).toBe(await db().count("fee_disclosures", sql`tenant_id = ${ai}`));
    expect(csv).toContain("350.00");
    const response = await finance.get("/w/demo-ai/export/fees?format=xlsx");
    expect(response.headers.get("content-type")).toMatch(/spreadsheetml/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.worksheets[0];
    expect(sheet.getRow(1).values).toContain("证书代码");
    expect(sheet.rowCount - 1).toBe(lines.length - 1);
  });
});
