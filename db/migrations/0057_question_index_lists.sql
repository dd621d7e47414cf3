-- Decision 063: an import's move adds its questions to the GIN indexes of the bank through their
-- pending lists (the move sets a large gin_pending_list_limit for its own transaction), and the runner
-- merges the lists once the import is done instead of inside its move. Merging 100,000 questions'
-- 3,000,000 band keys into the index of a 1,000,000-question bank key by key took 50 s of the move's
-- 55 s (random leaf writes); appended, they take a few seconds, and one ordered merge follows.
-- A lookup reads the whole pending list, so the import's check merges first, too.
CREATE FUNCTION merge_question_index_lists() RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  merged bigint := 0;
  index_name regclass;
BEGIN
  FOR index_name IN
    SELECT i.indexrelid::regclass FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
    WHERE am.amname = 'gin' AND i.indrelid IN ('questions'::regclass, 'question_stem_bands'::regclass)
  LOOP
    merged := merged + gin_clean_pending_list(index_name);
  END LOOP;
  RETURN merged;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION merge_question_index_lists() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION merge_question_index_lists() TO app_user;
