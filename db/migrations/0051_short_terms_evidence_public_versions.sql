-- Issue 15 item 8 (decision 056): the reporting school adds evidence to its report while the committee
-- has not decided it (received, investigating); once upheld or dismissed the report is closed and its
-- evidence is the record the decision was made on. Only the school's admins and teachers add files.
DROP POLICY violation_evidence_write ON violation_evidence;
--> statement-breakpoint
CREATE POLICY violation_evidence_write ON violation_evidence FOR INSERT TO app_user WITH CHECK (
  (tenant_id = app_tenant_id() AND app_is_system())
  OR (tenant_id = app_tenant_id() AND app_tenant_kind() = 'school' AND app_role() IN ('admin', 'teacher')
    AND EXISTS (SELECT 1 FROM violation_reports r WHERE r.tenant_id = violation_evidence.tenant_id AND r.id = violation_evidence.report_id
      AND r.status IN ('received', 'investigating'))));
--> statement-breakpoint

-- Decision 056: search terms of one or two characters (照护, 养老) have no trigram, so pg_trgm's index
-- cannot find them. The characters and character pairs of each searched text, lower-cased, are an
-- expression index (GIN over text[]): a term of two characters is one key, a term of one character
-- is one key, and ANALYZE keeps element statistics for the planner. The ILIKE stays as the recheck.
-- Whitespace is never inside a term (the search splits on it), so pairs with it are left out.
CREATE FUNCTION search_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog AS $$
  SELECT coalesce(array_agg(DISTINCT g), '{}'::text[])
  FROM (SELECT lower(t) AS l) s, generate_series(1, 2) n, generate_series(1, length(s.l) - n + 1) i, substr(s.l, i, n) g
  WHERE g !~ '\s'
$$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION search_grams(text) TO app_user;
--> statement-breakpoint
CREATE INDEX questions_library_stem_grams_idx ON questions USING gin (tenant_id, search_grams(stem))
  WHERE pool = 'practice' AND visibility = 'shared' AND status = 'published';
--> statement-breakpoint
CREATE INDEX cases_library_title_grams_idx ON cases USING gin (tenant_id, search_grams(title)) WHERE visibility = 'shared';
--> statement-breakpoint
CREATE INDEX materials_library_title_grams_idx ON materials USING gin (tenant_id, search_grams(title)) WHERE visibility = 'shared';
--> statement-breakpoint
-- library_items gains `short_term`: when no term has a trigram, the longest term is the driver and its
-- grams (the term itself when it is one character, else its pairs) find the candidates through the
-- indexes above. Otherwise as in migration 0027.
DROP FUNCTION library_items(text[], text, text[], uuid, text, uuid, text, timestamptz, timestamptz, uuid, integer);
--> statement-breakpoint
CREATE FUNCTION library_items(patterns text[], driver text, kinds text[], org uuid, industry text, cert uuid, lvl text,
  since timestamptz, after_at timestamptz, after_id uuid, lim integer, short_term text)
RETURNS TABLE (kind text, tenant_id uuid, id uuid, certificate_id uuid, title text, level text, version integer, updated_at timestamptz,
  certificate_code text, certificate_name_zh text, certificate_name_en text, organization_name text, organization_name_en text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  certs text := 'c.status = ''active''';
  terms text := '';
  tail text := '';
  p text;
  bank record;
  cols text;
  conds text;
  newest text := format(' ORDER BY i.updated_at DESC, i.id DESC LIMIT %s', lim);
  items text;
  grams text[];
  matches text;
  branches text[] := '{}';
BEGIN
  IF NOT library_readable() THEN RETURN; END IF;
  IF org IS NOT NULL THEN certs := certs || format(' AND c.tenant_id = %L::uuid', org); END IF;
  IF industry IS NOT NULL THEN certs := certs || format(' AND c.industry_code = %L', industry); END IF;
  IF cert IS NOT NULL THEN certs := certs || format(' AND c.id = %L::uuid', cert); END IF;
  FOREACH p IN ARRAY coalesce(patterns, '{}') LOOP
    terms := terms || format(' AND ({text} ILIKE %1$L OR c.name_zh ILIKE %1$L OR c.name_en ILIKE %1$L OR c.code ILIKE %1$L)', p);
  END LOOP;
  IF since IS NOT NULL THEN tail := tail || format(' AND i.updated_at >= %L::timestamptz', since); END IF;
  IF after_at IS NOT NULL THEN tail := tail || format(' AND (i.updated_at, i.id) < (%L::timestamptz, %L::uuid)', after_at, after_id); END IF;
  IF driver IS NOT NULL AND short_term IS NOT NULL AND short_term <> '' THEN
    grams := CASE WHEN length(short_term) = 1 THEN ARRAY[lower(short_term)]
      ELSE (SELECT array_agg(g) FROM unnest(search_grams(short_term)) g WHERE length(g) = 2) END;
  END IF;

  FOR bank IN SELECT * FROM (VALUES
      ('question', 'questions', 'i.stem', 'left(i.stem, 300)', 'i.level::text', 'i.version',
        $f$i.pool = 'practice' AND i.visibility = 'shared' AND i.status = 'published'$f$, 'i.level = %L::certificate_level'),
      ('case', 'cases', 'i.title', 'i.title', 'i.level::text', 'NULL::integer', $f$i.visibility = 'shared'$f$, 'i.level = %L::certificate_level'),
      ('material', 'materials', 'i.title', 'i.title', 'NULL::text', 'NULL::integer', $f$i.visibility = 'shared'$f$, '%L::certificate_level = ANY(i.levels)')
    ) AS b(kind, tbl, txt, title, level_col, version_col, shared, level_cond)
  LOOP
    CONTINUE WHEN kinds IS NOT NULL AND NOT bank.kind = ANY(kinds);
    cols := format('%L::text AS kind, i.tenant_id, i.id, i.certificate_id, %s AS title, %s AS level, %s AS version, i.updated_at, c.code, c.name_zh, c.name_en',
      bank.kind, bank.title, bank.level_col, bank.version_col);
    items := format('SELECT %s FROM %I i JOIN certificates c ON c.tenant_id = i.tenant_id AND c.id = i.certificate_id WHERE ', cols, bank.tbl);
    conds := bank.shared || ' AND ' || certs || CASE WHEN lvl IS NULL THEN '' ELSE ' AND ' || format(bank.level_cond, lvl) END
      || replace(terms, '{text}', bank.txt) || tail;
    IF driver IS NULL THEN
      branches := branches || format('(SELECT x.* FROM (SELECT DISTINCT c.tenant_id FROM certificates c WHERE %s) o
          CROSS JOIN LATERAL (%s i.tenant_id = o.tenant_id AND %s%s) x ORDER BY x.updated_at DESC, x.id DESC LIMIT %s)',
        certs, items, conds, newest, lim);
    ELSE
      -- The text's own match: through the trigram index, or for a short driver through the grams index.
      matches := CASE WHEN grams IS NULL THEN format('%s ILIKE %L', bank.txt, driver)
        ELSE format('search_grams(%s) @> %L::text[] AND %s ILIKE %L', bank.txt, grams, bank.txt, driver) END;
      branches := branches || format('(SELECT x.* FROM (
          (%1$s %7$s AND %4$s%5$s)
          UNION ALL
          (SELECT y.* FROM certificates c0 CROSS JOIN LATERAL (%1$s i.tenant_id = c0.tenant_id AND i.certificate_id = c0.id
             AND NOT %2$s ILIKE %3$L AND %4$s%5$s) y
           WHERE c0.status = ''active'' AND (c0.name_zh ILIKE %3$L OR c0.name_en ILIKE %3$L OR c0.code ILIKE %3$L))
        ) x ORDER BY x.updated_at DESC, x.id DESC LIMIT %6$s)',
        items, bank.txt, driver, conds, newest, lim, matches);
    END IF;
  END LOOP;
  IF kinds IS NULL OR 'standard' = ANY(kinds) THEN
    -- The standard in force of each certificate (its published version; superseded ones are history).
    branches := branches || format($q$(SELECT 'standard'::text, i.tenant_id, i.id, i.certificate_id, c.name_zh, NULL::text, i.version, i.published_at,
        c.code, c.name_zh, c.name_en
      FROM standard_versions i JOIN certificates c ON c.tenant_id = i.tenant_id AND c.id = i.certificate_id
      WHERE i.status = 'published' AND %s %s %s %s
      ORDER BY i.published_at DESC, i.id DESC LIMIT %s)$q$,
      certs, CASE WHEN lvl IS NULL THEN '' ELSE format(' AND %L::certificate_level = ANY(c.levels)', lvl) END,
      replace(terms, '{text}', 'c.name_zh'), replace(tail, 'i.updated_at', 'i.published_at'), lim);
  END IF;
  IF array_length(branches, 1) IS NULL THEN RETURN; END IF;
  RETURN QUERY EXECUTE format(
    'SELECT x.*, t.name, t.name_en FROM (%s) x(kind, tenant_id, id, certificate_id, title, level, version, updated_at, code, name_zh, name_en)
       JOIN tenants t ON t.id = x.tenant_id ORDER BY x.updated_at DESC, x.id DESC LIMIT %s',
    array_to_string(branches, ' UNION ALL '), lim);
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION library_items(text[], text, text[], uuid, text, uuid, text, timestamptz, timestamptz, uuid, integer, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION library_items(text[], text, text[], uuid, text, uuid, text, timestamptz, timestamptz, uuid, integer, text) TO app_user;
--> statement-breakpoint

-- Issue 18 item 6 for the last public pages (decision 026): /api/v1/credit-rules reads credit_rules,
-- certificates and tenants; the certificate catalogue /library/certificates reads certificates,
-- tenants, industries and standard_versions.
INSERT INTO public_data_versions (name) VALUES ('credit_rules'), ('catalogue');
--> statement-breakpoint
CREATE TRIGGER credit_rules_bumps_credit_rules AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON credit_rules
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('credit_rules');
--> statement-breakpoint
CREATE TRIGGER certificates_bumps_credit_rules AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON certificates
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('credit_rules');
--> statement-breakpoint
CREATE TRIGGER tenants_bumps_credit_rules AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('credit_rules');
--> statement-breakpoint
CREATE TRIGGER certificates_bumps_catalogue AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON certificates
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('catalogue');
--> statement-breakpoint
CREATE TRIGGER tenants_bumps_catalogue AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('catalogue');
--> statement-breakpoint
CREATE TRIGGER industries_bumps_catalogue AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON industries
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('catalogue');
--> statement-breakpoint
CREATE TRIGGER standard_versions_bumps_catalogue AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON standard_versions
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('catalogue');
