-- An import computes each staged question's near-duplicate signature once (decision 063): the check
-- keeps it beside the staged row, and the signature trigger takes it when the row moves into the bank
-- instead of computing it again (100,000 signatures: about 10 s of an idle core).
CREATE TABLE "import_row_bands" (
	"tenant_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"row_number" integer NOT NULL,
	"certificate_id" uuid NOT NULL,
	"type" "question_type" NOT NULL,
	"bands" integer[] NOT NULL,
	CONSTRAINT "import_row_bands_tenant_id_job_id_row_number_pk" PRIMARY KEY("tenant_id","job_id","row_number")
);
--> statement-breakpoint
ALTER TABLE "import_row_bands" ADD CONSTRAINT "import_row_bands_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_row_bands" ADD CONSTRAINT "import_row_bands_row_fk" FOREIGN KEY ("tenant_id","job_id","row_number") REFERENCES "public"."import_rows"("tenant_id","job_id","row_number") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Written only by import_row_near_duplicates() (as the owner). The app role reads its own rows and
-- writes none: a signature it could write would be taken into the bank unchecked.
ALTER TABLE import_row_bands ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE import_row_bands FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT ON import_row_bands TO app_user;
--> statement-breakpoint
CREATE POLICY import_row_bands_tenant_read ON import_row_bands FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
-- The check as in 0054, now also keeping each staged row's signature (VOLATILE: it writes).
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
    WHERE b.tenant_id = app_tenant_id() AND b.bands && s.bands
      AND q.certificate_id = s.certificate_id AND q.type = s.type AND similarity(q.stem, s.stem) >= threshold
    ORDER BY sim DESC, q.id
    LIMIT 1) best
$$;
--> statement-breakpoint
-- The trigger as in 0054; a question inserted from a staged row whose signature the check kept (same
-- job, stem, type and certificate) takes that signature. The kept ones are read for the jobs of this
-- statement only and joined by hash, once per statement; identical stems have identical signatures.
-- No nested loops (the function's own setting): the staged tables are young when a job moves, never
-- analyzed, and a plan that believed them small rescanned 100,000 kept signatures for every new question
-- (a 100,000-row move ran for minutes). A statement of no import job joins nothing.
CREATE OR REPLACE FUNCTION questions_stem_bands_write() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp SET enable_nestloop = off AS $$
BEGIN
  IF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM new_rows WHERE import_job_id IS NOT NULL) THEN
    INSERT INTO question_stem_bands (tenant_id, question_id, bands)
    SELECT n.tenant_id, n.id, coalesce(k.bands, question_stem_bands(n.certificate_id, n.type, n.stem))
    FROM new_rows n
    LEFT JOIN (
      SELECT DISTINCT ON (b.tenant_id, b.job_id, r.data->>'stem', b.type, b.certificate_id)
        b.tenant_id, b.job_id, r.data->>'stem' AS stem, b.type, b.certificate_id, b.bands
      FROM import_row_bands b
      JOIN import_rows r ON r.tenant_id = b.tenant_id AND r.job_id = b.job_id AND r.row_number = b.row_number
      WHERE (b.tenant_id, b.job_id) IN (SELECT DISTINCT j.tenant_id, j.import_job_id FROM new_rows j WHERE j.import_job_id IS NOT NULL)
    ) k ON k.tenant_id = n.tenant_id AND k.job_id = n.import_job_id AND k.stem = n.stem AND k.type = n.type AND k.certificate_id = n.certificate_id;
  ELSIF TG_OP = 'INSERT' THEN
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
