-- The near-duplicate signature, cheaper (decision 063): each of the 120 minhashes is now
-- min(hashint8extended(h, i)) for i = 1..120, one call a trigram, instead of min((a*h + b) mod (2^31 - 1))
-- (three operators); each band hashes its four minhashes with the certificate and type as before. The
-- cost is in the 120 aggregates (about 4,800 steps for a stem of 40 trigrams): 0.18 ms a stem instead of
-- 0.26 on this machine. Same scheme (30 bands of 4, so the same probabilities), other hash functions:
-- every stored signature is computed again below (a bank of 1,000,000 questions: about 8 minutes).
-- hashint8extended folds its int8 argument to 32 bits, so h is hashtext's 32 bits as before.
CREATE OR REPLACE FUNCTION question_stem_bands(certificate uuid, kind question_type, stem text) RETURNS int[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 10000 SET search_path = public, pg_temp AS $$
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
      min(hashint8extended(h, 1)) AS m1, min(hashint8extended(h, 2)) AS m2, min(hashint8extended(h, 3)) AS m3, min(hashint8extended(h, 4)) AS m4,
      min(hashint8extended(h, 5)) AS m5, min(hashint8extended(h, 6)) AS m6, min(hashint8extended(h, 7)) AS m7, min(hashint8extended(h, 8)) AS m8,
      min(hashint8extended(h, 9)) AS m9, min(hashint8extended(h, 10)) AS m10, min(hashint8extended(h, 11)) AS m11, min(hashint8extended(h, 12)) AS m12,
      min(hashint8extended(h, 13)) AS m13, min(hashint8extended(h, 14)) AS m14, min(hashint8extended(h, 15)) AS m15, min(hashint8extended(h, 16)) AS m16,
      min(hashint8extended(h, 17)) AS m17, min(hashint8extended(h, 18)) AS m18, min(hashint8extended(h, 19)) AS m19, min(hashint8extended(h, 20)) AS m20,
      min(hashint8extended(h, 21)) AS m21, min(hashint8extended(h, 22)) AS m22, min(hashint8extended(h, 23)) AS m23, min(hashint8extended(h, 24)) AS m24,
      min(hashint8extended(h, 25)) AS m25, min(hashint8extended(h, 26)) AS m26, min(hashint8extended(h, 27)) AS m27, min(hashint8extended(h, 28)) AS m28,
      min(hashint8extended(h, 29)) AS m29, min(hashint8extended(h, 30)) AS m30, min(hashint8extended(h, 31)) AS m31, min(hashint8extended(h, 32)) AS m32,
      min(hashint8extended(h, 33)) AS m33, min(hashint8extended(h, 34)) AS m34, min(hashint8extended(h, 35)) AS m35, min(hashint8extended(h, 36)) AS m36,
      min(hashint8extended(h, 37)) AS m37, min(hashint8extended(h, 38)) AS m38, min(hashint8extended(h, 39)) AS m39, min(hashint8extended(h, 40)) AS m40,
      min(hashint8extended(h, 41)) AS m41, min(hashint8extended(h, 42)) AS m42, min(hashint8extended(h, 43)) AS m43, min(hashint8extended(h, 44)) AS m44,
      min(hashint8extended(h, 45)) AS m45, min(hashint8extended(h, 46)) AS m46, min(hashint8extended(h, 47)) AS m47, min(hashint8extended(h, 48)) AS m48,
      min(hashint8extended(h, 49)) AS m49, min(hashint8extended(h, 50)) AS m50, min(hashint8extended(h, 51)) AS m51, min(hashint8extended(h, 52)) AS m52,
      min(hashint8extended(h, 53)) AS m53, min(hashint8extended(h, 54)) AS m54, min(hashint8extended(h, 55)) AS m55, min(hashint8extended(h, 56)) AS m56,
      min(hashint8extended(h, 57)) AS m57, min(hashint8extended(h, 58)) AS m58, min(hashint8extended(h, 59)) AS m59, min(hashint8extended(h, 60)) AS m60,
      min(hashint8extended(h, 61)) AS m61, min(hashint8extended(h, 62)) AS m62, min(hashint8extended(h, 63)) AS m63, min(hashint8extended(h, 64)) AS m64,
      min(hashint8extended(h, 65)) AS m65, min(hashint8extended(h, 66)) AS m66, min(hashint8extended(h, 67)) AS m67, min(hashint8extended(h, 68)) AS m68,
      min(hashint8extended(h, 69)) AS m69, min(hashint8extended(h, 70)) AS m70, min(hashint8extended(h, 71)) AS m71, min(hashint8extended(h, 72)) AS m72,
      min(hashint8extended(h, 73)) AS m73, min(hashint8extended(h, 74)) AS m74, min(hashint8extended(h, 75)) AS m75, min(hashint8extended(h, 76)) AS m76,
      min(hashint8extended(h, 77)) AS m77, min(hashint8extended(h, 78)) AS m78, min(hashint8extended(h, 79)) AS m79, min(hashint8extended(h, 80)) AS m80,
      min(hashint8extended(h, 81)) AS m81, min(hashint8extended(h, 82)) AS m82, min(hashint8extended(h, 83)) AS m83, min(hashint8extended(h, 84)) AS m84,
      min(hashint8extended(h, 85)) AS m85, min(hashint8extended(h, 86)) AS m86, min(hashint8extended(h, 87)) AS m87, min(hashint8extended(h, 88)) AS m88,
      min(hashint8extended(h, 89)) AS m89, min(hashint8extended(h, 90)) AS m90, min(hashint8extended(h, 91)) AS m91, min(hashint8extended(h, 92)) AS m92,
      min(hashint8extended(h, 93)) AS m93, min(hashint8extended(h, 94)) AS m94, min(hashint8extended(h, 95)) AS m95, min(hashint8extended(h, 96)) AS m96,
      min(hashint8extended(h, 97)) AS m97, min(hashint8extended(h, 98)) AS m98, min(hashint8extended(h, 99)) AS m99, min(hashint8extended(h, 100)) AS m100,
      min(hashint8extended(h, 101)) AS m101, min(hashint8extended(h, 102)) AS m102, min(hashint8extended(h, 103)) AS m103, min(hashint8extended(h, 104)) AS m104,
      min(hashint8extended(h, 105)) AS m105, min(hashint8extended(h, 106)) AS m106, min(hashint8extended(h, 107)) AS m107, min(hashint8extended(h, 108)) AS m108,
      min(hashint8extended(h, 109)) AS m109, min(hashint8extended(h, 110)) AS m110, min(hashint8extended(h, 111)) AS m111, min(hashint8extended(h, 112)) AS m112,
      min(hashint8extended(h, 113)) AS m113, min(hashint8extended(h, 114)) AS m114, min(hashint8extended(h, 115)) AS m115, min(hashint8extended(h, 116)) AS m116,
      min(hashint8extended(h, 117)) AS m117, min(hashint8extended(h, 118)) AS m118, min(hashint8extended(h, 119)) AS m119, min(hashint8extended(h, 120)) AS m120
    FROM (SELECT hashtext(t)::int8 AS h FROM unnest(show_trgm(stem)) t) x) m,
    (SELECT hashtextextended(certificate::text || ':' || kind::text, 0) AS base) k
$$;
--> statement-breakpoint
-- The move's trigger sorts and hashes the job's kept signatures (100,000 rows): in memory, not in
-- temporary files (its body as in 0056).
ALTER FUNCTION questions_stem_bands_write() SET work_mem = '64MB';
--> statement-breakpoint
-- The import check as in 0056; the organization is no longer a key of the band lookup.
CREATE OR REPLACE FUNCTION import_row_near_duplicates(job uuid, first_row integer, last_row integer, threshold real)
RETURNS TABLE (row_number integer, question_id uuid, sim real)
LANGUAGE sql VOLATILE SECURITY DEFINER ROWS 100 SET search_path = public, pg_temp SET jit = off AS $$
  -- MATERIALIZED: each staged row's signature is computed once (inlined, a small bank's plan computed it
  -- again for every bank row it filtered: a 10,000-row import took minutes).
  WITH staged AS MATERIALIZED (
    SELECT r.tenant_id, r.job_id, r.row_number, r.data->>'stem' AS stem, (r.data->>'type')::question_type AS type, j.certificate_id,
      question_stem_bands(j.certificate_id, (r.data->>'type')::question_type, r.data->>'stem') AS bands
    FROM import_rows r
    JOIN import_jobs j ON j.tenant_id = r.tenant_id AND j.id = r.job_id AND j.kind = 'questions' AND j.certificate_id IS NOT NULL
    WHERE r.tenant_id = app_tenant_id() AND r.job_id = job AND r.row_number BETWEEN first_row AND last_row
      AND r.data->>'stem' IS NOT NULL AND r.data->>'type' IS NOT NULL
  ), kept AS (
    INSERT INTO import_row_bands (tenant_id, job_id, row_number, certificate_id, type, bands)
    SELECT s.tenant_id, s.job_id, s.row_number, s.certificate_id, s.type, s.bands FROM staged s
    ON CONFLICT (tenant_id, job_id, row_number) DO UPDATE SET certificate_id = excluded.certificate_id, type = excluded.type, bands = excluded.bands
  )
  SELECT s.row_number, best.id, best.sim
  FROM staged s
  CROSS JOIN LATERAL (
    SELECT q.id, similarity(q.stem, s.stem) AS sim
    FROM question_stem_bands b
    JOIN questions q ON q.tenant_id = b.tenant_id AND q.id = b.question_id
    -- The organization is checked on each candidate, not as a key of the index scan: the key of the
    -- organization matches its whole bank, and intersecting with it cost a fifth of each lookup.
    WHERE b.bands && s.bands AND coalesce(b.tenant_id = app_tenant_id(), false)
      AND q.certificate_id = s.certificate_id AND q.type = s.type AND similarity(q.stem, s.stem) >= threshold
    ORDER BY sim DESC, q.id
    LIMIT 1) best
$$;
--> statement-breakpoint
-- Every kept signature again. The bank's are built anew, the index after them (updating a large bank's
-- rows in place would put 30 keys a question into the GIN index one by one and leave as many dead ones).
DROP INDEX "question_stem_bands_bands_idx";
--> statement-breakpoint
TRUNCATE question_stem_bands;
--> statement-breakpoint
INSERT INTO question_stem_bands (tenant_id, question_id, bands)
SELECT tenant_id, id, question_stem_bands(certificate_id, type, stem) FROM questions;
--> statement-breakpoint
-- The index is built once, in memory enough for a large bank's keys (this transaction only).
SET LOCAL maintenance_work_mem = '256MB';
--> statement-breakpoint
CREATE INDEX "question_stem_bands_bands_idx" ON "question_stem_bands" USING gin ("tenant_id","bands");
--> statement-breakpoint
UPDATE import_row_bands b SET bands = question_stem_bands(b.certificate_id, b.type, r.data->>'stem')
FROM import_rows r WHERE r.tenant_id = b.tenant_id AND r.job_id = b.job_id AND r.row_number = b.row_number;
