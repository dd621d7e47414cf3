// `npm run bench:suggest`: how good the skill-requirement suggestions are (issue 19 item 5, decision
// 052), measured honestly on the demo bank. On a fresh database with the demo seed, every question and
// case linked to requirements has its links hidden (its text alone is given to the same SQL the pages
// use) and counts a hit when one of its true requirements is among the three suggested. Prints the
// figures and writes them into docs/PERFORMANCE.md between the suggestion markers.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { createPglite, fromPglite, migrateDatabase, rowsOf } from "../../db/client.server";
import { seedDemo } from "../../db/seed/demo";

const root = path.resolve(import.meta.dirname, "../..");
const dir = await mkdtemp(path.join(os.tmpdir(), "xcert-bench-suggest-"));
const database = fromPglite(await createPglite({ dataDir: dir }));
try {
  await migrateDatabase(database);
  globalThis.__xcertDatabase = Promise.resolve(database);
  await seedDemo();
  const { suggestRequirements, questionText, caseText } = await import("../../app/modules/standards/suggestions.server");
  type Item = { id: string; tenant_id: string; certificate_id: string; level: string; text: string; truth: string[]; kind: string };
  const items = rowsOf<Item>(
    await database.db.execute(sql`
      select 'question' as kind, id, tenant_id, certificate_id, level::text as level, stem as text, requirement_ids::text[] as truth from questions where cardinality(requirement_ids) > 0
      union all
      select 'case', id, tenant_id, certificate_id, level::text, title || E'\n' || industry_context || E'\n' || body, requirement_ids::text[] from cases where cardinality(requirement_ids) > 0`),
  );
  const tally = { question: { n: 0, top1: 0, top3: 0, chance: 0 }, case: { n: 0, top1: 0, top3: 0, chance: 0 } };
  // How many requirements each item's level offers: the chance a random pick of three hits one.
  const levelSizes = rowsOf<{ tenant_id: string; certificate_id: string; level: string; n: number }>(
    await database.db.execute(sql`
      select v.tenant_id, v.certificate_id, n.level::text as level, count(*)::int as n
      from standard_versions v join standard_nodes n on n.tenant_id = v.tenant_id and n.version_id = v.id and n.kind = 'skill_requirement'
      where v.status = 'published' and v.version = (select max(w.version) from standard_versions w where w.tenant_id = v.tenant_id and w.certificate_id = v.certificate_id and w.status = 'published')
      group by 1, 2, 3`),
  );
  const sizeOf = (item: Item) =>
    Number(levelSizes.find((l) => l.tenant_id === item.tenant_id && l.certificate_id === item.certificate_id && l.level === item.level)?.n ?? 0);
  // The owner's handle reads past RLS; each item is matched against its own organization's standard only.
  for (const item of items) {
    const text = item.kind === "question" ? questionText({ stem: item.text }) : caseText({ title: item.text, industryContext: "", body: "" });
    const suggested =
      (await suggestRequirements(database.db as never, item.tenant_id, item.certificate_id, [{ id: item.id, level: item.level, text }])).get(item.id) ?? [];
    const truth = new Set(item.truth);
    const t = tally[item.kind as "question" | "case"];
    t.n++;
    const size = sizeOf(item);
    // A random three of `size` contains at least one of the item's `truth.size` requirements.
    let miss = 1;
    for (let k = 0; k < Math.min(3, size); k++) miss *= Math.max(0, size - truth.size - k) / (size - k);
    t.chance += size ? 1 - miss : 0;
    if (suggested[0] && truth.has(suggested[0].lineageId)) t.top1++;
    if (suggested.slice(0, 3).some((s) => truth.has(s.lineageId))) t.top3++;
  }
  const [{ requirements }] = rowsOf<{ requirements: number }>(
    await database.db.execute(
      sql`select count(*)::int as requirements from standard_nodes n join standard_versions v on v.tenant_id = n.tenant_id and v.id = n.version_id where v.status = 'published' and n.kind = 'skill_requirement'`,
    ),
  );
  const pct = (a: number, b: number) => (b ? `${Math.round((a / b) * 1000) / 10}%` : "—");
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench:suggest\` on the demo seed (PGlite): each linked item's requirements hidden, its text alone matched against the ${requirements} skill requirements of the published standards (same certificate and level).`,
    "",
    "| Items | Linked items | True requirement ranked first | True requirement in top 3 | Top 3 by chance (random three of the level) |",
    "| --- | ---: | ---: | ---: | ---: |",
    `| Questions (stem) | ${tally.question.n} | ${tally.question.top1} (${pct(tally.question.top1, tally.question.n)}) | ${tally.question.top3} (${pct(tally.question.top3, tally.question.n)}) | ${pct(tally.question.chance, tally.question.n)} |`,
    `| Cases (title, context, body) | ${tally.case.n} | ${tally.case.top1} (${pct(tally.case.top1, tally.case.n)}) | ${tally.case.top3} (${pct(tally.case.top3, tally.case.n)}) | ${pct(tally.case.chance, tally.case.n)} |`,
    "",
    `Caveat: the demo bank is small (${tally.question.n + tally.case.n} linked items; a level offers ${Math.min(...levelSizes.map((l) => Number(l.n)))}–${Math.max(...levelSizes.map((l) => Number(l.n)))} requirements) and its requirements were written alongside its questions, so their words overlap more than in a bank written independently of its standard. Treat the figure as a check that the method works well above chance, not as accuracy on real banks.`,
  ];
  console.log(lines.join("\n"));
  const file = path.join(root, "docs/PERFORMANCE.md");
  const doc = await readFile(file, "utf8");
  const start = "<!-- suggestions:start -->";
  const end = "<!-- suggestions:end -->";
  const block = `${start}\n${lines.join("\n")}\n${end}`;
  const next = doc.includes(start)
    ? doc.replace(new RegExp(`${start}[\\s\\S]*?${end}`), block)
    : `${doc.trimEnd()}\n\n## Skill-requirement suggestions (issue 19 item 5)\n\n${block}\n`;
  await writeFile(file, next);
} finally {
  globalThis.__xcertDatabase = undefined;
  await database.close();
  await rm(dir, { recursive: true, force: true });
}
