import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { searchLibrary } from "../../app/modules/library/library.server";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { asApp, databaseError, owner, query } from "../support/db";
import { creditCode } from "../support/demo";

// The shared course library (issue 15 item 2): every organization's shared items for schools, the
// committee and organizations alike; never the exam pool, a private item or a draft, whoever asks.

const listRoute = "routes/library._index";
type Row = { kind: string; id: string; tenantId: string; title: string; organizationName: string; path: string };

describe("the shared course library", () => {
  let app: TestApp;
  let db: ReturnType<typeof owner>;
  let teacher: HttpClient;
  let ai: string;
  let care: string;
  let school: string;
  let committee: string;
  let users: Record<string, string>;
  /** Every item a library reader may see, and every one it must never see, as the owner counts them. */
  let hidden: Set<string>;
  let shared: Set<string>;

  const list = async (client: HttpClient, query: string) => {
    const response = await client.data(`/library?${query}`, listRoute);
    expect(response.status).toBe(200);
    return (await response.json()) as { rows: Row[]; nextCursor: string | null; scope: { slug: string }; choices: { slug: string }[] };
  };
  const everything = sql`select * from library_items(null, null, null, null, null, null, null, null, null, null, 100000, null)`;

  beforeAll(async () => {
    app = await startApp();
    db = owner(app.database);
    const tenants = await db.rows<{ slug: string; id: string }>(sql`select slug, id from tenants`);
    const tenant = (slug: string) => tenants.find((t) => t.slug === slug)!.id;
    [ai, care, school, committee] = [tenant("demo-ai"), tenant("demo-care"), tenant("demo-school"), tenant("committee")];
    users = Object.fromEntries((await db.rows<{ email: string; id: string }>(sql`select email, id from users`)).map((u) => [u.email, u.id]));
    // A draft standard, a draft shared practice question and a shared exam-free draft: never in the library either.
    hidden = new Set(
      (
        await db.rows<{ id: string }>(sql`
          select id from questions where not (pool = 'practice' and visibility = 'shared' and status = 'published')
          union all select id from cases where visibility <> 'shared'
          union all select id from materials where visibility <> 'shared'
          union all select id from standard_versions where status <> 'published'`)
      ).map((r) => r.id),
    );
    shared = new Set(
      (
        await db.rows<{ id: string }>(sql`
          select q.id from questions q join certificates c on c.tenant_id = q.tenant_id and c.id = q.certificate_id
            where q.pool = 'practice' and q.visibility = 'shared' and q.status = 'published' and c.status = 'active'
          union all select k.id from cases k join certificates c on c.tenant_id = k.tenant_id and c.id = k.certificate_id where k.visibility = 'shared' and c.status = 'active'
          union all select m.id from materials m join certificates c on c.tenant_id = m.tenant_id and c.id = m.certificate_id where m.visibility = 'shared' and c.status = 'active'
          union all select v.id from standard_versions v join certificates c on c.tenant_id = v.tenant_id and c.id = v.certificate_id where v.status = 'published' and c.status = 'active'`)
      ).map((r) => r.id),
    );
    teacher = app.client();
    await teacher.login("school-teacher@demo.xcert.test");
  });
  afterAll(() => app.close());

  it("the demo holds what the library must hide: exam-pool questions, private cases and materials, drafts", () => {
    expect(hidden.size).toBeGreaterThan(5);
    expect(shared.size).toBeGreaterThan(5);
  });

  describe("raw SQL through library_items() as each kind of member", () => {
    const scopes = () => ({
      school: { tenantId: school, tenantKind: "school", userId: users["school-teacher@demo.xcert.test"], role: "teacher" },
      organization: { tenantId: care, tenantKind: "organization", userId: users["org2-admin@demo.xcert.test"], role: "admin" },
      committee: { tenantId: committee, tenantKind: "committee", userId: users["committee@demo.xcert.test"], role: "admin" },
    });
    for (const who of ["school", "organization", "committee"] as const) {
      it(`${who}: exactly the shared, published, practice items of every organization; never an exam-pool, private or draft one`, async () => {
        const rows = await asApp(scopes()[who], (tx) => query<{ id: string; tenant_id: string }>(tx, everything));
        const ids = rows.map((r) => r.id);
        expect(ids.filter((id) => hidden.has(id))).toEqual([]);
        expect(new Set(ids)).toEqual(shared);
        expect(new Set(rows.map((r) => r.tenant_id))).toEqual(new Set([ai, care]));
        // Item pages and downloads go through the same filter.
        for (const id of [...hidden].slice(0, 20)) {
          const [found] = await asApp(scopes()[who], (tx) =>
            query<{ item: unknown }>(
              tx,
              sql`select coalesce(library_item('question', t, ${id}::uuid), library_item('case', t, ${id}::uuid), library_item('material', t, ${id}::uuid), library_item('standard', t, ${id}::uuid)) as item from unnest(array[${ai}::uuid, ${care}::uuid]) t`,
            ),
          ).then((r) => r.filter((x) => x.item));
          expect(found).toBeUndefined();
        }
      });
    }

    it("the committee reads private cases under its own RLS policy, but not through the library", async () => {
      const scope = scopes().committee;
      const privateCases = await asApp(scope, (tx) => query<{ id: string }>(tx, sql`select id from cases where visibility = 'private'`));
      expect(privateCases.length).toBeGreaterThan(0);
      const library = new Set((await asApp(scope, (tx) => query<{ id: string }>(tx, everything))).map((r) => r.id));
      expect(privateCases.filter((c) => library.has(c.id))).toEqual([]);
    });

    it("a term too short for a trigram finds, through its characters and pairs, exactly what the plain scan finds (decision 056)", async () => {
      const scope = scopes().school;
      const ids = (driver: string | null, short: string | null, pattern: string) =>
        asApp(scope, (tx) =>
          query<{ id: string }>(
            tx,
            sql`select id from library_items(array[${pattern}]::text[], ${driver}::text, null, null, null, null, null, null, null, null, 100000, ${short}::text)`,
          ),
        ).then((rows) => rows.map((r) => r.id).sort());
      // Two characters, one character, a pair matching only a certificate's name, an English pair in another case, absent.
      for (const term of ["照护", "护", "擦浴", "养老", "AI", "ai", "鳕鱼"]) {
        const pattern = `%${term}%`;
        const scanned = await ids(null, null, pattern);
        expect(await ids(pattern, term, pattern), term).toEqual(scanned);
      }
      expect((await ids("%照护%", "照护", "%照护%")).length).toBeGreaterThan(0);
      expect((await ids("%护%", "护", "%护%")).length).toBeGreaterThan(0);
    });

    it("the candidates and the ordered walk return the same rows in the same order, with filters and keyset pages (decision 061)", async () => {
      const scope = scopes().school;
      const [elderly] = await db.rows<{ id: string }>(sql`select id from certificates where code = 'ELDERLY-CARE'`);
      const [{ since }] = await db.rows<{ since: string }>(
        sql`select (percentile_disc(0.5) within group (order by updated_at))::text as since from questions where visibility = 'shared'`,
      );
      // walk_from, walk_cap: the candidates alone; the walk alone; a tiny break-even and cap (the capped walk
      // and its fall-back to the candidates); the function's own choice.
      const modes: [string, number | null, number | null][] = [
        ["candidates", 1_000_000_000, null],
        ["walk", 0, 0],
        ["capped walk", 1, 2],
        ["chosen", null, null],
      ];
      type Filters = { kinds?: string; org?: string; industry?: string; cert?: string; level?: string; since?: string };
      const run = async (terms: string[], driver: string, short: boolean, f: Filters, walkFrom: number | null, walkCap: number | null, lim: number) => {
        const seen: string[] = [];
        let after: { at: string; id: string } | null = null;
        for (;;) {
          const rows: { id: string; at: string }[] = await asApp(scope, (tx) =>
            query<{ id: string; at: string }>(
              tx,
              sql`select id, updated_at::text as at from library_items(
                array[${sql.join(
                  terms.map((t) => sql`${`%${t}%`}`),
                  sql`, `,
                )}]::text[], ${`%${driver}%`}::text, ${f.kinds ? sql`array[${f.kinds}]::text[]` : sql`null::text[]`},
                ${f.org ?? null}::uuid, ${f.industry ?? null}::text, ${f.cert ?? null}::uuid, ${f.level ?? null}::text, ${f.since ?? null}::timestamptz,
                ${after?.at ?? null}::timestamptz, ${after?.id ?? null}::uuid, ${lim}::int, ${short ? driver : null}::text, ${walkFrom}::int, ${walkCap}::int)`,
            ),
          );
          seen.push(...rows.map((r) => r.id));
          if (rows.length < lim) return seen;
          after = rows[rows.length - 1];
        }
      };
      // A common term, two terms (a trigram driver, a short one), a term found only in certificates' names, a
      // rare term, an absent one.
      const searches: [string[], string, boolean][] = [
        [["老年照护"], "老年照护", false],
        [["老年照护", "实操"], "老年照护", false],
        [["实操", "照护"], "实操", true],
        [["elderly"], "elderly", false],
        [["床上擦浴"], "床上擦浴", false],
        [["鳕鱼标注"], "鳕鱼标注", false],
      ];
      const filters: Filters[] = [{}, { org: care }, { level: "intermediate" }, { kinds: "question" }, { cert: elderly.id }, { since }];
      let pagesRead = 0;
      for (const [terms, driver, short] of searches) {
        for (const f of filters) {
          const label = `${terms.join(" ")} ${JSON.stringify(f)}`;
          const whole = await run(terms, driver, short, f, 1_000_000_000, null, 100_000);
          expect(await run(terms, driver, short, f, 0, 0, 100_000), `walk: ${label}`).toEqual(whole);
          for (const [mode, walkFrom, walkCap] of modes) {
            expect(await run(terms, driver, short, f, walkFrom, walkCap, 3), `${mode}, pages of 3: ${label}`).toEqual(whole);
            pagesRead += whole.length > 3 ? 1 : 0;
          }
        }
      }
      // The common searches span several pages, so keyset continuation was exercised by every plan.
      expect(pagesRead).toBeGreaterThan(12);
      expect((await run(["老年照护"], "老年照护", false, {}, 0, 0, 100_000)).length).toBeGreaterThan(4);
      // The estimate helper runs any query text: only the owner (library_items) may call it.
      expect(await databaseError(asApp(scope, (tx) => query(tx, sql`select library_rows_estimate('select 1')`)))).toMatch(/permission denied/);
    });

    it("nobody outside a membership reads the library: public, auth, system without a tenant", async () => {
      for (const scope of [{ role: "public" }, { role: "auth" }, { role: "user", userId: users["school-teacher@demo.xcert.test"] }, { role: "system" }]) {
        expect(await asApp(scope, (tx) => query(tx, everything))).toEqual([]);
        expect(await asApp(scope, (tx) => query(tx, sql`select * from library_attachment(${ai}::uuid, gen_random_uuid(), gen_random_uuid())`))).toEqual([]);
      }
    });
  });

  it("two terms: 老年照护 实操 finds shared cases and practice questions of demo-ai and demo-care, each item matching both", async () => {
    const { rows } = await list(teacher, `q=${encodeURIComponent("老年照护 实操")}`);
    expect(new Set(rows.map((r) => r.tenantId))).toEqual(new Set([ai, care]));
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(["case", "question", "material"]));
    expect(rows.map((r) => r.title)).toContain("失能老人床上擦浴实操");
    expect(rows.map((r) => r.title)).toContain("老年照护陪护机器人方言语音标注实操");
    // Same words, never shown: the private case and the exam-pool question.
    expect(rows.some((r) => r.title.includes("内部") || r.title.includes("考核题库"))).toBe(false);
    expect(rows.every((r) => r.id && !hidden.has(r.id))).toBe(true);
    // Each term alone finds more; both must match.
    const one = (await list(teacher, `q=${encodeURIComponent("实操")}`)).rows.length;
    expect(one).toBeGreaterThanOrEqual(rows.length);
    expect((await list(teacher, `q=${encodeURIComponent("老年照护 不存在的词")}`)).rows).toEqual([]);
    // English substrings too (a certificate's English name), case-insensitive.
    const english = await list(teacher, `q=${encodeURIComponent("elderly 擦浴")}`);
    expect(english.rows.map((r) => r.title)).toEqual(["失能老人床上擦浴实操"]);
  });

  it("filters: organization, industry field, certificate, level, kind, updated since", async () => {
    const q = `q=${encodeURIComponent("实操")}`;
    expect((await list(teacher, `${q}&organization=${care}`)).rows.every((r) => r.tenantId === care)).toBe(true);
    expect((await list(teacher, `${q}&organization=${ai}`)).rows.every((r) => r.tenantId === ai)).toBe(true);
    expect((await list(teacher, `${q}&industry=elderly-care`)).rows.every((r) => r.tenantId === care)).toBe(true);
    const [elderly] = await db.rows<{ id: string }>(sql`select id from certificates where code = 'ELDERLY-CARE'`);
    expect((await list(teacher, `${q}&certificate=${elderly.id}`)).rows.every((r) => r.tenantId === care)).toBe(true);
    const juniors = (await list(teacher, `${q}&level=junior`)).rows;
    expect(juniors.map((r) => r.tenantId)).toEqual(juniors.map(() => ai));
    expect((await list(teacher, `${q}&kind=question`)).rows.every((r) => r.kind === "question")).toBe(true);
    expect((await list(teacher, `kind=standard`)).rows.every((r) => r.kind === "standard")).toBe(true);
    expect((await list(teacher, `${q}&updatedSince=2999-01-01`)).rows).toEqual([]);
    expect((await list(teacher, `${q}&updatedSince=2000-01-01`)).rows.length).toBeGreaterThan(0);
    // A stale or forged filter value is dropped, not an error.
    expect((await list(teacher, `${q}&organization=not-a-uuid&level=master`)).rows.length).toBeGreaterThan(0);
    // The certificate choices are the chosen organization's (every certificate of the country in one list
    // was most of the page at scale), plus the chosen certificate.
    type Options = { options: { certificates: { id: string }[] } };
    const choicesOf = async (query: string) =>
      ((await (await teacher.data(`/library?${query}`, listRoute)).json()) as Options).options.certificates.map((c) => c.id).sort();
    const careCertificates = (await db.rows<{ id: string }>(sql`select id from certificates where tenant_id = ${care} and status = 'active'`))
      .map((r) => r.id)
      .sort();
    expect(await choicesOf(q)).toEqual([]);
    expect(await choicesOf(`${q}&organization=${care}`)).toEqual(careCertificates);
    expect(await choicesOf(`${q}&certificate=${elderly.id}`)).toEqual([elderly.id]);
  });

  it("keyset pages: every item once, newest first, whatever the page size", async () => {
    const scope = { tenantId: school, tenantKind: "school", userId: users["school-teacher@demo.xcert.test"], role: "teacher" };
    const all = await asApp(scope, (tx) => searchLibrary(tx, {}, 1000));
    expect(all.nextCursor).toBeNull();
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await asApp(scope, (tx) => searchLibrary(tx, { cursor }, 3));
      expect(page.rows.length).toBeLessThanOrEqual(3);
      seen.push(...page.rows.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.rows.map((r) => r.id));
    expect(new Set(seen)).toEqual(shared);
    const times = all.rows.map((r) => Date.parse(r.updatedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Over HTTP, the page's cursor leads to the next page.
    const first = await list(teacher, "");
    expect(first.rows.length).toBe(Math.min(30, shared.size));
  });

  it("an item page shows provenance, version and last update; a private or exam-pool item is 404; a shared attachment downloads", async () => {
    const { rows } = await list(teacher, `q=${encodeURIComponent("床上擦浴")}`);
    const page = await teacher.get(rows[0].path);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("上海颐康老年照护服务有限公司");
    expect(html).toContain("失能老人床上擦浴");
    expect(html).toContain("不分版本");
    // The school member may propose adopting the level (the schools' adoption page).
    expect(html).toMatch(/\/w\/demo-school\/adoptions\/new\?certificateId=[0-9a-f-]+&amp;level=intermediate/);
    const [privateCase] = await db.rows<{ id: string }>(sql`select id from cases where tenant_id = ${care} and visibility = 'private'`);
    expect((await teacher.get(`/library/case/${care}/${privateCase.id}`)).status).toBe(404);
    const [exam] = await db.rows<{ id: string }>(sql`select id from questions where tenant_id = ${care} and pool = 'exam'`);
    expect((await teacher.get(`/library/question/${care}/${exam.id}`)).status).toBe(404);
    expect((await teacher.get(`/library/nothing/${care}/${exam.id}`)).status).toBe(404);
    const [attachment] = await db.rows<{ tenant_id: string; material_id: string; id: string; size_bytes: number }>(sql`
      select a.tenant_id, a.material_id, a.id, a.size_bytes from material_attachments a join materials m on m.tenant_id = a.tenant_id and m.id = a.material_id
      where m.visibility = 'shared' limit 1`);
    const download = await teacher.get(`/library/material/${attachment.tenant_id}/${attachment.material_id}/attachments/${attachment.id}`);
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBe(Number(attachment.size_bytes));
    const [privateAttachment] = await db.rows<{ tenant_id: string; material_id: string; id: string }>(sql`
      select a.tenant_id, a.material_id, a.id from material_attachments a join materials m on m.tenant_id = a.tenant_id and m.id = a.material_id
      where m.visibility = 'private' limit 1`);
    if (privateAttachment)
      expect(
        (await teacher.get(`/library/material/${privateAttachment.tenant_id}/${privateAttachment.material_id}/attachments/${privateAttachment.id}`)).status,
      ).toBe(404);
  });

  it("organizations and the committee read each other's shared items; no propose link outside a school", async () => {
    const careAdmin = app.client();
    await careAdmin.login("org2-admin@demo.xcert.test");
    const seenByCare = await list(careAdmin, `q=${encodeURIComponent("老年照护 实操")}`);
    expect(seenByCare.scope.slug).toBe("demo-care");
    expect(seenByCare.rows.some((r) => r.tenantId === ai)).toBe(true);
    const html = await (await careAdmin.get(seenByCare.rows[0].path)).text();
    expect(html).not.toContain("/adoptions/new");
    const chair = app.client();
    await chair.login("committee@demo.xcert.test");
    const seenByCommittee = await list(chair, "");
    expect(seenByCommittee.scope.slug).toBe("committee");
    expect(seenByCommittee.rows.every((r) => !hidden.has(r.id))).toBe(true);
  });

  it("a user of two schools chooses the scope, remembered in a cookie; a workspace not theirs is refused with nothing set", async () => {
    const [second] = await app.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('app.role', 'system', true)`);
      const [t] = await query<{ id: string }>(
        tx,
        sql`insert into tenants (slug, kind, name, credit_code) values ('second-school', 'school', '第二职业学院', ${creditCode("12310000425099999")}) returning id`,
      );
      await tx.execute(sql`select set_config('app.tenant_id', ${t.id}, true)`);
      await tx.execute(sql`insert into memberships (tenant_id, user_id, role) values (${t.id}, ${users["school-teacher@demo.xcert.test"]}, 'teacher')`);
      return [t];
    });
    expect(second.id).toBeTruthy();
    const before = await list(teacher, "");
    expect(before.choices.map((c) => c.slug).sort()).toEqual(["demo-school", "second-school"]);
    const refused = await teacher.action("/library", listRoute, { scope: "demo-ai" });
    expect(refused.status).toBe(400);
    expect((await list(teacher, "")).scope.slug).toBe(before.scope.slug);
    const chosen = await teacher.post("/library", { scope: "second-school" });
    expect(chosen.status).toBe(302);
    expect((await list(teacher, "")).scope.slug).toBe("second-school");
    await teacher.post("/library", { scope: "demo-school" });
    expect((await list(teacher, "")).scope.slug).toBe("demo-school");
  });

  it("the result list exports to CSV and XLSX with the page's filters", async () => {
    const csv = await teacher.get(`/library/export?q=${encodeURIComponent("老年照护 实操")}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const text = await csv.text();
    expect(text).toContain("失能老人床上擦浴实操");
    expect(text).toContain("上海颐康老年照护服务有限公司");
    expect(text).not.toContain("内部");
    const xlsx = await teacher.get(`/library/export?q=${encodeURIComponent("实操")}&format=xlsx`);
    expect(xlsx.status).toBe(200);
    expect(new Uint8Array(await xlsx.arrayBuffer()).slice(0, 2)).toEqual(new Uint8Array([0x50, 0x4b]));
  });

  it("logged out: /library sends to login; the certificate catalogue is public, with levels, industry, organization and standard", async () => {
    const visitor = app.client();
    const library = await visitor.get(`/library?q=${encodeURIComponent("实操")}`);
    expect(library.status).toBe(302);
    expect(library.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(`/library?q=${encodeURIComponent("实操")}`)}`);
    expect((await visitor.get(`/library/case/${care}/${shared.values().next().value}`)).status).toBe(302);
    const catalogue = await visitor.get("/library/certificates");
    expect(catalogue.status).toBe(200);
    const html = await catalogue.text();
    expect(html).toContain("老年照护");
    expect(html).toContain("人工智能训练师");
    expect(html).toContain("上海颐康老年照护服务有限公司");
    // Only active certificates: the draft BIGDATA-PY is not in the catalogue.
    expect(html).not.toContain("BIGDATA-PY");
    expect(html).not.toContain("/adoptions/new");
    const filtered = await (await visitor.get("/library/certificates?industry=elderly-care")).text();
    expect(filtered).toContain("ELDERLY-CARE");
    expect(filtered).not.toContain("AI-TRAINER");
    const csv = await visitor.get("/library/certificates/export?format=csv");
    expect(await csv.text()).toContain("ELDERLY-CARE");
    // A school member sees the propose-adoption link in the catalogue.
    expect(await (await teacher.get("/library/certificates")).text()).toContain("/w/demo-school/adoptions/new?certificateId=");
  });
});
