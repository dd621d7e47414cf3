-- Near-duplicate questions at scale (issue 19 item 4, decision 057). A MinHash/LSH signature of each
-- question's stem, kept beside the bank, finds the candidates; the exact pg_trgm similarity(stem) >= 0.6
-- and the same certificate and type are then checked on the candidates only.
--
-- The signature: pg_trgm's own trigram set of the stem (show_trgm, the set similarity() compares), each
-- trigram hashed once, 120 minhashes (min of the hash XOR a fixed mask), grouped into 30 bands of 4;
-- each band is hashed with the certificate and type into one int. Two stems whose trigram similarity
-- (a Jaccard index) is s share at least one band with probability 1 - (1 - s^4)^30: 0.985 at s = 0.6,
-- 0.9997 at 0.7; at s = 0.1 0.003. The masks were generated once (xorshift64 from a fixed seed) and
-- must never change: stored signatures would stop matching new ones.
CREATE FUNCTION question_stem_bands(certificate uuid, kind question_type, stem text) RETURNS int[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = public, pg_temp AS $$
  SELECT CASE WHEN m.m1 IS NULL THEN '{}'::int[] ELSE ARRAY[
    (hashint8extended(m.m4, hashint8extended(m.m3, hashint8extended(m.m2, hashint8extended(m.m1, k.base # 1)))) >> 32)::int,
    (hashint8extended(m.m8, hashint8extended(m.m7, hashint8extended(m.m6, hashint8extended(m.m5, k.base # 2)))) >> 32)::int,
    (hashint8extended(m.m12, hashint8extended(m.m11, hashint8extended(m.m10, hashint8extended(m.m9, k.base # 3)))) >> 32)::int,
    (hashint8extended(m.m16, hashint8extended(m.m15, hashint8extended(m.m14, hashint8extended(m.m13, k.base # 4)))) >> 32)::int,
    (hashint8extended(m.m20, hashint8extended(m.m19, hashint8extended(m.m18, hashint8extended(m.m17, k.base # 5)))) >> 32)::int,
    (hashint8extended(m.m24, hashint8extended(m.m23, hashint8extended(m.m22, hashint8extended(m.m21, k.base # 6)))) >> 32)::int,
    (hashint8extended(m.m28, hashint8extended(m.m27, hashint8extended(m.m26, hashint8extended(m.m25, k.base # 7)))) >> 32)::int,
    (hashint8extended(m.m32, hashint8extended(m.m31, hashint8extended(m.m30, hashint8extended(m.m29, k.base # 8)))) >> 32)::int,
    (hashint8extended(m.m36, hashint8extended(m.m35, hashint8extended(m.m34, hashint8extended(m.m33, k.base # 9)))) >> 32)::int,
    (hashint8extended(m.m40, hashint8extended(m.m39, hashint8extended(m.m38, hashint8extended(m.m37, k.base # 10)))) >> 32)::int,
    (hashint8extended(m.m44, hashint8extended(m.m43, hashint8extended(m.m42, hashint8extended(m.m41, k.base # 11)))) >> 32)::int,
    (hashint8extended(m.m48, hashint8extended(m.m47, hashint8extended(m.m46, hashint8extended(m.m45, k.base # 12)))) >> 32)::int,
    (hashint8extended(m.m52, hashint8extended(m.m51, hashint8extended(m.m50, hashint8extended(m.m49, k.base # 13)))) >> 32)::int,
    (hashint8extended(m.m56, hashint8extended(m.m55, hashint8extended(m.m54, hashint8extended(m.m53, k.base # 14)))) >> 32)::int,
    (hashint8extended(m.m60, hashint8extended(m.m59, hashint8extended(m.m58, hashint8extended(m.m57, k.base # 15)))) >> 32)::int,
    (hashint8extended(m.m64, hashint8extended(m.m63, hashint8extended(m.m62, hashint8extended(m.m61, k.base # 16)))) >> 32)::int,
    (hashint8extended(m.m68, hashint8extended(m.m67, hashint8extended(m.m66, hashint8extended(m.m65, k.base # 17)))) >> 32)::int,
    (hashint8extended(m.m72, hashint8extended(m.m71, hashint8extended(m.m70, hashint8extended(m.m69, k.base # 18)))) >> 32)::int,
    (hashint8extended(m.m76, hashint8extended(m.m75, hashint8extended(m.m74, hashint8extended(m.m73, k.base # 19)))) >> 32)::int,
    (hashint8extended(m.m80, hashint8extended(m.m79, hashint8extended(m.m78, hashint8extended(m.m77, k.base # 20)))) >> 32)::int,
    (hashint8extended(m.m84, hashint8extended(m.m83, hashint8extended(m.m82, hashint8extended(m.m81, k.base # 21)))) >> 32)::int,
    (hashint8extended(m.m88, hashint8extended(m.m87, hashint8extended(m.m86, hashint8extended(m.m85, k.base # 22)))) >> 32)::int,
    (hashint8extended(m.m92, hashint8extended(m.m91, hashint8extended(m.m90, hashint8extended(m.m89, k.base # 23)))) >> 32)::int,
    (hashint8extended(m.m96, hashint8extended(m.m95, hashint8extended(m.m94, hashint8extended(m.m93, k.base # 24)))) >> 32)::int,
    (hashint8extended(m.m100, hashint8extended(m.m99, hashint8extended(m.m98, hashint8extended(m.m97, k.base # 25)))) >> 32)::int,
    (hashint8extended(m.m104, hashint8extended(m.m103, hashint8extended(m.m102, hashint8extended(m.m101, k.base # 26)))) >> 32)::int,
    (hashint8extended(m.m108, hashint8extended(m.m107, hashint8extended(m.m106, hashint8extended(m.m105, k.base # 27)))) >> 32)::int,
    (hashint8extended(m.m112, hashint8extended(m.m111, hashint8extended(m.m110, hashint8extended(m.m109, k.base # 28)))) >> 32)::int,
    (hashint8extended(m.m116, hashint8extended(m.m115, hashint8extended(m.m114, hashint8extended(m.m113, k.base # 29)))) >> 32)::int,
    (hashint8extended(m.m120, hashint8extended(m.m119, hashint8extended(m.m118, hashint8extended(m.m117, k.base # 30)))) >> 32)::int
  ] END
  FROM (SELECT
      min(h # 9181757771948286951) AS m1, min(h # -1985777892596274208) AS m2, min(h # 3825608052996350135) AS m3, min(h # 7119663223151467574) AS m4,
      min(h # -1404112441029793906) AS m5, min(h # 934802809150449857) AS m6, min(h # 1161751156850810576) AS m7, min(h # 2294750196660212077) AS m8,
      min(h # -8677226559280051441) AS m9, min(h # 3947990450751874777) AS m10, min(h # 3799969826866910932) AS m11, min(h # 3812374786672744057) AS m12,
      min(h # -7049204438815934059) AS m13, min(h # 8017678577069896998) AS m14, min(h # 2218948307566737868) AS m15, min(h # -4626918311229179201) AS m16,
      min(h # -7228237068930995446) AS m17, min(h # -1137680535578397476) AS m18, min(h # 4989032037261537717) AS m19, min(h # 1688510976571651094) AS m20,
      min(h # 6408987136779795710) AS m21, min(h # -4496559026774745593) AS m22, min(h # -2930716777876703109) AS m23, min(h # -4138363543908252213) AS m24,
      min(h # -6451207473652052224) AS m25, min(h # -6679548257685655394) AS m26, min(h # 2615991944840607103) AS m27, min(h # 8049228955550894421) AS m28,
      min(h # 4244324703098269831) AS m29, min(h # -5478681380602143322) AS m30, min(h # -2253252262911580387) AS m31, min(h # 3252988509367869075) AS m32,
      min(h # 1028018298114786158) AS m33, min(h # 1109066856903585640) AS m34, min(h # -4447920984375902666) AS m35, min(h # -2896957826357560630) AS m36,
      min(h # 6111080042498875071) AS m37, min(h # -81060863366811966) AS m38, min(h # 8192762014127093023) AS m39, min(h # 7528886499374654773) AS m40,
      min(h # 6178004736313058239) AS m41, min(h # -579521052890050120) AS m42, min(h # -6977536476063400421) AS m43, min(h # -229635990459004633) AS m44,
      min(h # 7525532036093015925) AS m45, min(h # -8879641802643455781) AS m46, min(h # -1229133987052756326) AS m47, min(h # 5709930403351575775) AS m48,
      min(h # 667667952135182694) AS m49, min(h # 8118657907240295636) AS m50, min(h # -7360632097894753427) AS m51, min(h # -1774777017819125221) AS m52,
      min(h # -4207208646129977713) AS m53, min(h # 7905224152794973602) AS m54, min(h # -8276905840325447511) AS m55, min(h # -3740680337104392824) AS m56,
      min(h # 6539278584911493843) AS m57, min(h # -2264795002708770330) AS m58, min(h # 4356444333864162789) AS m59, min(h # 4481670887097906574) AS m60,
      min(h # 4574634291913017957) AS m61, min(h # -8755769881111927631) AS m62, min(h # 3921866937951841336) AS m63, min(h # -1871518200547373600) AS m64,
      min(h # 3827834382013960699) AS m65, min(h # -72101232631677160) AS m66, min(h # -8392180989337795354) AS m67, min(h # 658884964079666543) AS m68,
      min(h # 706222942846558117) AS m69, min(h # 995385611199178202) AS m70, min(h # 4576137173492550801) AS m71, min(h # -4301293169392206008) AS m72,
      min(h # -5201893161861001930) AS m73, min(h # 6418206616826362668) AS m74, min(h # 5852522961592225370) AS m75, min(h # 5634812890111955910) AS m76,
      min(h # 2439752145958975201) AS m77, min(h # 1134440780664401356) AS m78, min(h # 3119833128757588247) AS m79, min(h # -4307064017443096011) AS m80,
      min(h # 4459524864302844033) AS m81, min(h # 3847042400886103760) AS m82, min(h # -622720947003033619) AS m83, min(h # -6323023531273925566) AS m84,
      min(h # 461797328285330010) AS m85, min(h # -6643708381165294834) AS m86, min(h # -833694005867127208) AS m87, min(h # 7836842472840863204) AS m88,
      min(h # 2890407199055469535) AS m89, min(h # 8625562949912891816) AS m90, min(h # -1496718967552486517) AS m91, min(h # -6343870936257088788) AS m92,
      min(h # 9025118147729258633) AS m93, min(h # 7821993318483284024) AS m94, min(h # 7637155451486898072) AS m95, min(h # -6416677664936640361) AS m96,
      min(h # 6396714121362181334) AS m97, min(h # -2401867568703311793) AS m98, min(h # -8237401092734823569) AS m99, min(h # -7121719883227912183) AS m100,
      min(h # 1397136751091298329) AS m101, min(h # -3130521583175370951) AS m102, min(h # -3990944509221019753) AS m103, min(h # 8354179929348501992) AS m104,
      min(h # 1091355588565765131) AS m105, min(h # -6421526954656801325) AS m106, min(h # -62588161538596184) AS m107, min(h # -5514217345740965523) AS m108,
      min(h # -8422297479597548065) AS m109, min(h # 43422290447228196) AS m110, min(h # 8613386177891136926) AS m111, min(h # -274156860687402507) AS m112,
      min(h # 8397171094493241286) AS m113, min(h # -4584613222886847623) AS m114, min(h # 5460091918563426223) AS m115, min(h # 8778286328781724688) AS m116,
      min(h # 8057389442809315240) AS m117, min(h # 2436955599705085655) AS m118, min(h # -1411757080488777926) AS m119, min(h # 4124696531266489460) AS m120
    FROM (SELECT hashtextextended(t, 0) AS h FROM unnest(show_trgm(stem)) t) x) m,
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
-- callers read the questions themselves through RLS.
--
-- For staged rows first..last of one question import of the current organization: the most similar
-- question of the job's certificate with the same type and similarity >= threshold, if any.
CREATE FUNCTION import_row_near_duplicates(job uuid, first_row integer, last_row integer, threshold real)
RETURNS TABLE (row_number integer, question_id uuid, sim real)
LANGUAGE sql STABLE SECURITY DEFINER ROWS 100 SET search_path = public, pg_temp AS $$
  WITH staged AS (
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
LANGUAGE sql STABLE SECURITY DEFINER ROWS 10 SET search_path = public, pg_temp AS $$
  SELECT q.id, similarity(q.stem, similar_question_ids.stem) AS sim
  FROM question_stem_bands b
  JOIN questions q ON q.tenant_id = b.tenant_id AND q.id = b.question_id
  WHERE b.tenant_id = app_tenant_id() AND b.bands && question_stem_bands(certificate, kind, similar_question_ids.stem)
    AND q.certificate_id = certificate AND q.type = kind AND q.id IS DISTINCT FROM exclude
    AND similarity(q.stem, similar_question_ids.stem) >= threshold
  ORDER BY sim DESC, q.id
  LIMIT lim
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION similar_question_ids(uuid, question_type, text, uuid, real, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION similar_question_ids(uuid, question_type, text, uuid, real, integer) TO app_user;
