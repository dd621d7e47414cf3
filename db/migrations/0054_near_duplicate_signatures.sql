-- Near-duplicate questions at scale (issue 19 item 4, decision 057). A MinHash/LSH signature of each
-- question's stem, kept beside the bank, finds the candidates; the exact pg_trgm similarity(stem) >= 0.6
-- and the same certificate and type are then checked on the candidates only.
--
-- The signature: pg_trgm's own trigram set of the stem (show_trgm, the set similarity() compares), each
-- trigram hashed once to 31 bits (h), 120 minhashes min((a*h + b) mod (2^31 - 1)), grouped into 30 bands
-- of 4; each band is hashed with the certificate and type into one int. Two stems whose trigram
-- similarity (a Jaccard index) is s share at least one band with probability 1 - (1 - s^4)^30: 0.985 at
-- s = 0.6, 0.9997 at 0.7; at s = 0.1 0.003. (XOR with a mask instead of a*h + b was tried: its minhashes
-- are correlated, ten times the candidates at 1,000,000 questions.) The coefficients were generated once
-- (xorshift64 from a fixed seed) and must never change: stored signatures would stop matching new ones.
-- COST: about 0.1 ms a call, so the planner evaluates it once per stem and never as a filter per bank row.
CREATE FUNCTION question_stem_bands(certificate uuid, kind question_type, stem text) RETURNS int[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 10000 SET search_path = public, pg_temp AS $$
  SELECT CASE WHEN m.m1 IS NULL THEN '{}'::int[] ELSE ARRAY[
    (hashint8extended(m.m4 | (m.m3 << 31), hashint8extended(m.m2 | (m.m1 << 31), k.base # 1)) >> 32)::int,
    (hashint8extended(m.m8 | (m.m7 << 31), hashint8extended(m.m6 | (m.m5 << 31), k.base # 2)) >> 32)::int,
    (hashint8extended(m.m12 | (m.m11 << 31), hashint8extended(m.m10 | (m.m9 << 31), k.base # 3)) >> 32)::int,
    (hashint8extended(m.m16 | (m.m15 << 31), hashint8extended(m.m14 | (m.m13 << 31), k.base # 4)) >> 32)::int,
    (hashint8extended(m.m20 | (m.m19 << 31), hashint8extended(m.m18 | (m.m17 << 31), k.base # 5)) >> 32)::int,
    (hashint8extended(m.m24 | (m.m23 << 31), hashint8extended(m.m22 | (m.m21 << 31), k.base # 6)) >> 32)::int,
    (hashint8extended(m.m28 | (m.m27 << 31), hashint8extended(m.m26 | (m.m25 << 31), k.base # 7)) >> 32)::int,
    (hashint8extended(m.m32 | (m.m31 << 31), hashint8extended(m.m30 | (m.m29 << 31), k.base # 8)) >> 32)::int,
    (hashint8extended(m.m36 | (m.m35 << 31), hashint8extended(m.m34 | (m.m33 << 31), k.base # 9)) >> 32)::int,
    (hashint8extended(m.m40 | (m.m39 << 31), hashint8extended(m.m38 | (m.m37 << 31), k.base # 10)) >> 32)::int,
    (hashint8extended(m.m44 | (m.m43 << 31), hashint8extended(m.m42 | (m.m41 << 31), k.base # 11)) >> 32)::int,
    (hashint8extended(m.m48 | (m.m47 << 31), hashint8extended(m.m46 | (m.m45 << 31), k.base # 12)) >> 32)::int,
    (hashint8extended(m.m52 | (m.m51 << 31), hashint8extended(m.m50 | (m.m49 << 31), k.base # 13)) >> 32)::int,
    (hashint8extended(m.m56 | (m.m55 << 31), hashint8extended(m.m54 | (m.m53 << 31), k.base # 14)) >> 32)::int,
    (hashint8extended(m.m60 | (m.m59 << 31), hashint8extended(m.m58 | (m.m57 << 31), k.base # 15)) >> 32)::int,
    (hashint8extended(m.m64 | (m.m63 << 31), hashint8extended(m.m62 | (m.m61 << 31), k.base # 16)) >> 32)::int,
    (hashint8extended(m.m68 | (m.m67 << 31), hashint8extended(m.m66 | (m.m65 << 31), k.base # 17)) >> 32)::int,
    (hashint8extended(m.m72 | (m.m71 << 31), hashint8extended(m.m70 | (m.m69 << 31), k.base # 18)) >> 32)::int,
    (hashint8extended(m.m76 | (m.m75 << 31), hashint8extended(m.m74 | (m.m73 << 31), k.base # 19)) >> 32)::int,
    (hashint8extended(m.m80 | (m.m79 << 31), hashint8extended(m.m78 | (m.m77 << 31), k.base # 20)) >> 32)::int,
    (hashint8extended(m.m84 | (m.m83 << 31), hashint8extended(m.m82 | (m.m81 << 31), k.base # 21)) >> 32)::int,
    (hashint8extended(m.m88 | (m.m87 << 31), hashint8extended(m.m86 | (m.m85 << 31), k.base # 22)) >> 32)::int,
    (hashint8extended(m.m92 | (m.m91 << 31), hashint8extended(m.m90 | (m.m89 << 31), k.base # 23)) >> 32)::int,
    (hashint8extended(m.m96 | (m.m95 << 31), hashint8extended(m.m94 | (m.m93 << 31), k.base # 24)) >> 32)::int,
    (hashint8extended(m.m100 | (m.m99 << 31), hashint8extended(m.m98 | (m.m97 << 31), k.base # 25)) >> 32)::int,
    (hashint8extended(m.m104 | (m.m103 << 31), hashint8extended(m.m102 | (m.m101 << 31), k.base # 26)) >> 32)::int,
    (hashint8extended(m.m108 | (m.m107 << 31), hashint8extended(m.m106 | (m.m105 << 31), k.base # 27)) >> 32)::int,
    (hashint8extended(m.m112 | (m.m111 << 31), hashint8extended(m.m110 | (m.m109 << 31), k.base # 28)) >> 32)::int,
    (hashint8extended(m.m116 | (m.m115 << 31), hashint8extended(m.m114 | (m.m113 << 31), k.base # 29)) >> 32)::int,
    (hashint8extended(m.m120 | (m.m119 << 31), hashint8extended(m.m118 | (m.m117 << 31), k.base # 30)) >> 32)::int
  ] END
  FROM (SELECT
      min((h * 1750696990 + 1708908273) % 2147483647) AS m1, min((h * 756402624 + 502750253) % 2147483647) AS m2, min((h * 1237632079 + 1483035944) % 2147483647) AS m3, min((h * 1576753383 + 266452920) % 2147483647) AS m4,
      min((h * 819477700 + 927420325) % 2147483647) AS m5, min((h * 2055973001 + 1478058960) % 2147483647) AS m6, min((h * 1005961540 + 336313735) % 2147483647) AS m7, min((h * 715481273 + 1979907936) % 2147483647) AS m8,
      min((h * 818888143 + 23429129) % 2147483647) AS m9, min((h * 116841100 + 751061929) % 2147483647) AS m10, min((h * 496233573 + 347464913) % 2147483647) AS m11, min((h * 447855362 + 1930374750) % 2147483647) AS m12,
      min((h * 713204473 + 522986784) % 2147483647) AS m13, min((h * 1622765762 + 47153028) % 2147483647) AS m14, min((h * 1798433756 + 798572104) % 2147483647) AS m15, min((h * 1387971376 + 1234599476) % 2147483647) AS m16,
      min((h * 1120716855 + 1152259140) % 2147483647) AS m17, min((h * 1381759995 + 1447254838) % 2147483647) AS m18, min((h * 173771380 + 2140517867) % 2147483647) AS m19, min((h * 1411783610 + 1986910713) % 2147483647) AS m20,
      min((h * 395419154 + 780866324) % 2147483647) AS m21, min((h * 630471762 + 44834748) % 2147483647) AS m22, min((h * 1860547978 + 910465668) % 2147483647) AS m23, min((h * 1679906627 + 645184454) % 2147483647) AS m24,
      min((h * 805190467 + 122676618) % 2147483647) AS m25, min((h * 1510751202 + 1746574727) % 2147483647) AS m26, min((h * 99380920 + 345556123) % 2147483647) AS m27, min((h * 1888864424 + 13077414) % 2147483647) AS m28,
      min((h * 1610135488 + 127560653) % 2147483647) AS m29, min((h * 1032938002 + 1175610729) % 2147483647) AS m30, min((h * 683491588 + 1916594192) % 2147483647) AS m31, min((h * 1454178569 + 230694429) % 2147483647) AS m32,
      min((h * 1265950298 + 387887035) % 2147483647) AS m33, min((h * 1172304985 + 1511665203) % 2147483647) AS m34, min((h * 2144184254 + 632326587) % 2147483647) AS m35, min((h * 193109668 + 1546500248) % 2147483647) AS m36,
      min((h * 1190818861 + 1696814336) % 2147483647) AS m37, min((h * 1785129183 + 793777335) % 2147483647) AS m38, min((h * 122727806 + 1169464718) % 2147483647) AS m39, min((h * 591851496 + 400847465) % 2147483647) AS m40,
      min((h * 56144248 + 1198882861) % 2147483647) AS m41, min((h * 1964970592 + 813400951) % 2147483647) AS m42, min((h * 1213100863 + 620038123) % 2147483647) AS m43, min((h * 1386437959 + 65256272) % 2147483647) AS m44,
      min((h * 878838788 + 1891393860) % 2147483647) AS m45, min((h * 391916472 + 2003093739) % 2147483647) AS m46, min((h * 1481907486 + 1489464111) % 2147483647) AS m47, min((h * 474155341 + 1965786091) % 2147483647) AS m48,
      min((h * 144397125 + 1061037226) % 2147483647) AS m49, min((h * 1104924894 + 1689406218) % 2147483647) AS m50, min((h * 1426010622 + 2050999717) % 2147483647) AS m51, min((h * 1141580824 + 241432238) % 2147483647) AS m52,
      min((h * 1622058124 + 903490649) % 2147483647) AS m53, min((h * 215970897 + 197335684) % 2147483647) AS m54, min((h * 1952682538 + 1453680083) % 2147483647) AS m55, min((h * 882477573 + 576829836) % 2147483647) AS m56,
      min((h * 529898057 + 1778755740) % 2147483647) AS m57, min((h * 2114769506 + 257512930) % 2147483647) AS m58, min((h * 1659380663 + 427144001) % 2147483647) AS m59, min((h * 1978966257 + 854099901) % 2147483647) AS m60,
      min((h * 1370412915 + 1901870115) % 2147483647) AS m61, min((h * 368542129 + 789857293) % 2147483647) AS m62, min((h * 1598337102 + 563585367) % 2147483647) AS m63, min((h * 571530291 + 1927574912) % 2147483647) AS m64,
      min((h * 781402640 + 1338576403) % 2147483647) AS m65, min((h * 346125718 + 908269825) % 2147483647) AS m66, min((h * 352056886 + 7549653) % 2147483647) AS m67, min((h * 516221228 + 347665354) % 2147483647) AS m68,
      min((h * 229359517 + 1838590101) % 2147483647) AS m69, min((h * 800147939 + 628956519) % 2147483647) AS m70, min((h * 1775619676 + 1958460558) % 2147483647) AS m71, min((h * 1714484907 + 395225681) % 2147483647) AS m72,
      min((h * 1482400956 + 1473038839) % 2147483647) AS m73, min((h * 8200946 + 179615171) % 2147483647) AS m74, min((h * 1676024377 + 1663676197) % 2147483647) AS m75, min((h * 1289999032 + 1325277343) % 2147483647) AS m76,
      min((h * 1247241512 + 450204333) % 2147483647) AS m77, min((h * 1777638733 + 718771656) % 2147483647) AS m78, min((h * 1551171895 + 784301237) % 2147483647) AS m79, min((h * 800640125 + 448710046) % 2147483647) AS m80,
      min((h * 996804614 + 1225458075) % 2147483647) AS m81, min((h * 1752547839 + 249918304) % 2147483647) AS m82, min((h * 1479587559 + 562523323) % 2147483647) AS m83, min((h * 1652819065 + 767555546) % 2147483647) AS m84,
      min((h * 1439893716 + 1966276445) % 2147483647) AS m85, min((h * 719144434 + 208067495) % 2147483647) AS m86, min((h * 1490409407 + 326939503) % 2147483647) AS m87, min((h * 349735801 + 212028786) % 2147483647) AS m88,
      min((h * 1724533251 + 1388305967) % 2147483647) AS m89, min((h * 1306974864 + 1145387272) % 2147483647) AS m90, min((h * 230506282 + 1297542941) % 2147483647) AS m91, min((h * 409578656 + 1598263892) % 2147483647) AS m92,
      min((h * 460460037 + 1676582969) % 2147483647) AS m93, min((h * 1873901135 + 769740913) % 2147483647) AS m94, min((h * 664184083 + 1589466283) % 2147483647) AS m95, min((h * 1978629313 + 1021900447) % 2147483647) AS m96,
      min((h * 1464202038 + 619188353) % 2147483647) AS m97, min((h * 1676036363 + 1248915732) % 2147483647) AS m98, min((h * 588430448 + 356494474) % 2147483647) AS m99, min((h * 1042628529 + 2105479121) % 2147483647) AS m100,
      min((h * 2013661047 + 1442233689) % 2147483647) AS m101, min((h * 1232426669 + 1389812671) % 2147483647) AS m102, min((h * 556266131 + 282921785) % 2147483647) AS m103, min((h * 1191352575 + 197101303) % 2147483647) AS m104,
      min((h * 2084248301 + 1714714550) % 2147483647) AS m105, min((h * 1020842027 + 1592509775) % 2147483647) AS m106, min((h * 833678736 + 365597035) % 2147483647) AS m107, min((h * 1652016576 + 584720573) % 2147483647) AS m108,
      min((h * 637595670 + 1497862379) % 2147483647) AS m109, min((h * 1551744683 + 659652385) % 2147483647) AS m110, min((h * 975504712 + 416462595) % 2147483647) AS m111, min((h * 198659094 + 649019639) % 2147483647) AS m112,
      min((h * 201391341 + 1865298507) % 2147483647) AS m113, min((h * 1503377015 + 1214387314) % 2147483647) AS m114, min((h * 653924346 + 890150452) % 2147483647) AS m115, min((h * 1362684832 + 1616095065) % 2147483647) AS m116,
      min((h * 2068215018 + 340089666) % 2147483647) AS m117, min((h * 814830542 + 658873558) % 2147483647) AS m118, min((h * 1030429838 + 477991689) % 2147483647) AS m119, min((h * 2146837853 + 1025732937) % 2147483647) AS m120
    FROM (SELECT (hashtext(t)::int8 & 2147483647) AS h FROM unnest(show_trgm(stem)) t) x) m,
    (SELECT hashtextextended(certificate::text || ':' || kind::text, 0) AS base) k
$$;
--> statement-breakpoint
CREATE TABLE "question_stem_bands" (
	"tenant_id" uuid NOT NULL,
	"question_id" uuid NOT NULL,
	"bands" integer[] NOT NULL,
	CONSTRAINT "question_stem_bands_tenant_id_question_id_pk" PRIMARY KEY("tenant_id","question_id")
);
--> statement-breakpoint
ALTER TABLE "question_stem_bands" ADD CONSTRAINT "question_stem_bands_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "question_stem_bands" ADD CONSTRAINT "question_stem_bands_question_fk" FOREIGN KEY ("tenant_id","question_id") REFERENCES "public"."questions"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "question_stem_bands_bands_idx" ON "question_stem_bands" USING gin ("tenant_id","bands");
--> statement-breakpoint
-- Written only by the trigger below (as the owner); the app role may read its own organization's rows
-- and writes nothing, so no write policy is needed.
ALTER TABLE question_stem_bands ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE question_stem_bands FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT ON question_stem_bands TO app_user;
--> statement-breakpoint
CREATE POLICY question_stem_bands_tenant_read ON question_stem_bands FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
-- Kept at every write of the bank, set-wise per statement (an import moves 100,000 questions in one
-- INSERT): a new question gets its signature, a changed stem, type or certificate a new one.
CREATE FUNCTION questions_stem_bands_write() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO question_stem_bands (tenant_id, question_id, bands)
    SELECT n.tenant_id, n.id, question_stem_bands(n.certificate_id, n.type, n.stem) FROM new_rows n;
  ELSE
    INSERT INTO question_stem_bands (tenant_id, question_id, bands)
    SELECT n.tenant_id, n.id, question_stem_bands(n.certificate_id, n.type, n.stem)
    FROM new_rows n JOIN old_rows o ON o.tenant_id = n.tenant_id AND o.id = n.id
    WHERE (n.stem, n.type, n.certificate_id) IS DISTINCT FROM (o.stem, o.type, o.certificate_id)
    ON CONFLICT (tenant_id, question_id) DO UPDATE SET bands = excluded.bands;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION questions_stem_bands_write() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER questions_stem_bands_insert AFTER INSERT ON questions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION questions_stem_bands_write();
--> statement-breakpoint
CREATE TRIGGER questions_stem_bands_update AFTER UPDATE ON questions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION questions_stem_bands_write();
--> statement-breakpoint
-- The bank as it is (a large bank takes a while: about 0.1 ms a question).
INSERT INTO question_stem_bands (tenant_id, question_id, bands)
SELECT tenant_id, id, question_stem_bands(certificate_id, type, stem) FROM questions;
--> statement-breakpoint
-- The lookups run as the owner, as in 0017: under row-level security the GIN operator && (like % and
-- ILIKE) is not leakproof and PostgreSQL would apply it row by row after the policies, never through the
-- index. Both read only the current organization's rows (app_tenant_id()) and return ids and scores;
-- callers read the questions themselves through RLS. JIT is off: the planner's estimates for && are
-- large, and compiling cost 0.6 s a statement for lookups that take milliseconds.
--
-- For staged rows first..last of one question import of the current organization: the most similar
-- question of the job's certificate with the same type and similarity >= threshold, if any.
CREATE FUNCTION import_row_near_duplicates(job uuid, first_row integer, last_row integer, threshold real)
RETURNS TABLE (row_number integer, question_id uuid, sim real)
LANGUAGE sql STABLE SECURITY DEFINER ROWS 100 SET search_path = public, pg_temp SET jit = off AS $$
  -- MATERIALIZED: each staged row's signature is computed once (inlined, a small bank's plan computed it
  -- again for every bank row it filtered: a 10,000-row import took minutes).
  WITH staged AS MATERIALIZED (
    SELECT r.row_number, r.data->>'stem' AS stem, (r.data->>'type')::question_type AS type, j.certificate_id,
      question_stem_bands(j.certificate_id, (r.data->>'type')::question_type, r.data->>'stem') AS bands
    FROM import_rows r
    JOIN import_jobs j ON j.tenant_id = r.tenant_id AND j.id = r.job_id AND j.kind = 'questions' AND j.certificate_id IS NOT NULL
    WHERE r.tenant_id = app_tenant_id() AND r.job_id = job AND r.row_number BETWEEN first_row AND last_row
      AND r.data->>'stem' IS NOT NULL AND r.data->>'type' IS NOT NULL
  )
  SELECT s.row_number, best.id, best.sim
  FROM staged s
  CROSS JOIN LATERAL (
    SELECT q.id, similarity(q.stem, s.stem) AS sim
    FROM question_stem_bands b
    JOIN questions q ON q.tenant_id = b.tenant_id AND q.id = b.question_id
    WHERE b.tenant_id = app_tenant_id() AND b.bands && s.bands
      AND q.certificate_id = s.certificate_id AND q.type = s.type AND similarity(q.stem, s.stem) >= threshold
    ORDER BY sim DESC, q.id
    LIMIT 1) best
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION import_row_near_duplicates(uuid, integer, integer, real) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION import_row_near_duplicates(uuid, integer, integer, real) TO app_user;
--> statement-breakpoint
-- The current organization's questions of one certificate and type whose stem resembles `stem`, most
-- similar first (a question's page, "similar questions").
CREATE FUNCTION similar_question_ids(certificate uuid, kind question_type, stem text, exclude uuid, threshold real, lim integer)
RETURNS TABLE (question_id uuid, sim real)
LANGUAGE sql STABLE SECURITY DEFINER ROWS 10 SET search_path = public, pg_temp SET jit = off AS $$
  WITH probe AS MATERIALIZED (SELECT question_stem_bands(certificate, kind, similar_question_ids.stem) AS bands)
  SELECT q.id, similarity(q.stem, similar_question_ids.stem) AS sim
  FROM probe
  JOIN question_stem_bands b ON b.tenant_id = app_tenant_id() AND b.bands && probe.bands
  JOIN questions q ON q.tenant_id = b.tenant_id AND q.id = b.question_id
  WHERE q.certificate_id = certificate AND q.type = kind AND q.id IS DISTINCT FROM exclude
    AND similarity(q.stem, similar_question_ids.stem) >= threshold
  ORDER BY sim DESC, q.id
  LIMIT lim
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION similar_question_ids(uuid, question_type, text, uuid, real, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION similar_question_ids(uuid, question_type, text, uuid, real, integer) TO app_user;
