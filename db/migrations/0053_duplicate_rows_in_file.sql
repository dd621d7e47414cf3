-- Near-duplicates within one file (issue 19 item 4, decision 057): a staged row may resemble an earlier
-- row of the same file rather than a question of the bank; it names that row by its number.
ALTER TABLE "import_rows" ADD COLUMN "duplicate_of_row" integer;
--> statement-breakpoint
GRANT UPDATE ("duplicate_of_row") ON import_rows TO app_user;
--> statement-breakpoint
-- The bank side of the check through the trigram index. Under row-level security `%` is not
-- leakproof, so PostgreSQL evaluates it after the policies, row by row: every staged row read the
-- certificate's whole bank (27 s for 500 rows against 2,000 questions under load). As in 0017, this
-- function runs as the owner and answers, for the current organization's staged rows of one job, the id
-- of the most similar question of the job's certificate (same type, similarity at least `threshold`)
-- through questions_stem_trgm_idx. It reads nothing of another organization and returns only ids and
-- scores; callers read questions themselves through RLS. `%` uses pg_trgm.similarity_threshold, which
-- the caller sets (transaction-local) to `threshold`.
CREATE FUNCTION import_row_near_duplicates(job uuid, first_row integer, last_row integer, threshold real)
RETURNS TABLE (row_number integer, question_id uuid, sim real)
LANGUAGE sql STABLE SECURITY DEFINER ROWS 100 SET search_path = public, pg_temp AS $$
  SELECT r.row_number, best.id, best.sim
  FROM import_rows r
  JOIN import_jobs j ON j.tenant_id = r.tenant_id AND j.id = r.job_id
  CROSS JOIN LATERAL (
    SELECT q.id, similarity(q.stem, r.data->>'stem') AS sim
    FROM questions q
    WHERE q.tenant_id = r.tenant_id AND q.certificate_id = j.certificate_id
      AND q.type = (r.data->>'type')::question_type AND q.stem % (r.data->>'stem')
    ORDER BY sim DESC, q.id
    LIMIT 1) best
  WHERE r.tenant_id = app_tenant_id() AND r.job_id = job AND r.row_number BETWEEN first_row AND last_row AND best.sim >= threshold
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION import_row_near_duplicates(uuid, integer, integer, real) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION import_row_near_duplicates(uuid, integer, integer, real) TO app_user;
