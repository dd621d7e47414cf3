-- Substring search on question stems through the trigram index. Under row-level security ILIKE is not
-- leakproof, so PostgreSQL evaluates it only after the policies, row by row: the whole bank of the
-- organization is read for every search (decision 013). This function runs as the owner and returns
-- the ids of the current organization's questions whose stem matches, through questions_stem_trgm_idx;
-- callers still read the questions themselves through RLS (and keep their own ILIKE), so it can only
-- narrow what they see, never widen it.
CREATE FUNCTION question_ids_matching(pattern text) RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER ROWS 100 SET search_path = public, pg_temp AS $$
  SELECT q.id FROM questions q WHERE q.tenant_id = app_tenant_id() AND q.stem ILIKE pattern
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION question_ids_matching(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION question_ids_matching(text) TO app_user;
