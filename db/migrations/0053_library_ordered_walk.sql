-- Issue 15 item 12 (decision 061): a common search term (数据标注 matches about a tenth of the shared
-- corpus, by stem or by certificate name) made library_items read, recheck and sort tens of thousands
-- of candidates for a page of 31. The other plan for such a term walks the shared items newest first —
-- a merge of each organization's ordered index scan (every index is led by tenant_id), rechecking the
-- terms per row — and stops when the page is full. Which plan runs is chosen per bank and per search
-- by a bounded count of the matches among the candidates: at least the break-even count → the walk.
-- The walk is capped; a walk that reaches its cap without filling the page (matches that are common
-- but old) falls back to the candidates. Both plans return the same rows in the same order (tested).
-- walk_from and walk_cap override the break-even count and the cap (tests: 0 and 0 = the walk alone,
-- a huge walk_from = the candidates alone). Otherwise as in migration 0051.
DROP FUNCTION library_items(text[], text, text[], uuid, text, uuid, text, timestamptz, timestamptz, uuid, integer, text);
--> statement-breakpoint
CREATE FUNCTION library_items(patterns text[], driver text, kinds text[], org uuid, industry text, cert uuid, lvl text,
  since timestamptz, after_at timestamptz, after_id uuid, lim integer, short_term text, walk_from integer DEFAULT NULL, walk_cap integer DEFAULT NULL)
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
  froms text;
  conds text;
  level_cond text;
  newest text := format(' ORDER BY i.updated_at DESC, i.id DESC LIMIT %s', lim);
  items text;
  grams text[];
  matches text;
  candidates text;
  walk text;
  legs text;
  orgs uuid[];
  all_orgs integer;
  shared_rows double precision;
  from_n integer;
  cap_n integer;
  found integer;
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
  IF driver IS NOT NULL THEN
    -- The organizations the walk merges: those with an active certificate under the filters.
    EXECUTE format('SELECT array_agg(DISTINCT c.tenant_id) FROM certificates c WHERE %s', certs) INTO orgs;
    SELECT count(DISTINCT c.tenant_id) INTO all_orgs FROM certificates c WHERE c.status = 'active';
  END IF;

  FOR bank IN SELECT * FROM (VALUES
      ('question', 'questions', 'questions_library_updated_idx', 'i.stem', 'left(i.stem, 300)', 'i.level::text', 'i.version',
        $f$i.pool = 'practice' AND i.visibility = 'shared' AND i.status = 'published'$f$, 'i.level = %L::certificate_level'),
      ('case', 'cases', 'cases_library_updated_idx', 'i.title', 'i.title', 'i.level::text', 'NULL::integer', $f$i.visibility = 'shared'$f$,
        'i.level = %L::certificate_level'),
      ('material', 'materials', 'materials_library_updated_idx', 'i.title', 'i.title', 'NULL::text', 'NULL::integer', $f$i.visibility = 'shared'$f$,
        '%L::certificate_level = ANY(i.levels)')
    ) AS b(kind, tbl, updated_idx, txt, title, level_col, version_col, shared, level_cond)
  LOOP
    CONTINUE WHEN kinds IS NOT NULL AND NOT bank.kind = ANY(kinds);
    cols := format('%L::text AS kind, i.tenant_id, i.id, i.certificate_id, %s AS title, %s AS level, %s AS version, i.updated_at, c.code, c.name_zh, c.name_en',
      bank.kind, bank.title, bank.level_col, bank.version_col);
    froms := format('FROM %I i JOIN certificates c ON c.tenant_id = i.tenant_id AND c.id = i.certificate_id WHERE ', bank.tbl);
    items := 'SELECT ' || cols || ' ' || froms;
    level_cond := CASE WHEN lvl IS NULL THEN '' ELSE ' AND ' || format(bank.level_cond, lvl) END;
    conds := bank.shared || ' AND ' || certs || level_cond || replace(terms, '{text}', bank.txt) || tail;
    IF driver IS NULL THEN
      branches := branches || format('(SELECT x.* FROM (SELECT DISTINCT c.tenant_id FROM certificates c WHERE %s) o
          CROSS JOIN LATERAL (%s i.tenant_id = o.tenant_id AND %s%s) x ORDER BY x.updated_at DESC, x.id DESC LIMIT %s)',
        certs, items, conds, newest, lim);
      CONTINUE;
    END IF;
    -- The candidates: the text's own match (through the trigram index, or for a short driver through the
    -- grams index) and the items of certificates whose name matches, each newest first up to a page.
    matches := CASE WHEN grams IS NULL THEN format('%s ILIKE %L', bank.txt, driver)
      ELSE format('search_grams(%s) @> %L::text[] AND %s ILIKE %L', bank.txt, grams, bank.txt, driver) END;
    candidates := format('SELECT x.* FROM (
        (%1$s %7$s AND %4$s%5$s)
        UNION ALL
        (SELECT y.* FROM certificates c0 CROSS JOIN LATERAL (%1$s i.tenant_id = c0.tenant_id AND i.certificate_id = c0.id
           AND NOT %2$s ILIKE %3$L AND %4$s%5$s) y
         WHERE c0.status = ''active'' AND (c0.name_zh ILIKE %3$L OR c0.name_en ILIKE %3$L OR c0.code ILIKE %3$L))
      ) x ORDER BY x.updated_at DESC, x.id DESC LIMIT %6$s',
      items, bank.txt, driver, conds, newest, lim, matches);
    -- Break-even: the walk reads about one row per organization to start the merge, then lim × S / m rows
    -- (S shared items under the filters, m matches); the candidates read m. The walk wins once
    -- m > orgs + lim × S / m. S is the bank's partial index size, in proportion to the organizations kept.
    IF orgs IS NULL THEN
      from_n := NULL;
    ELSE
      SELECT greatest(c.reltuples, 0) * cardinality(orgs) / greatest(all_orgs, 1) INTO shared_rows FROM pg_class c WHERE c.oid = to_regclass(bank.updated_idx);
      from_n := coalesce(walk_from, ceil((cardinality(orgs) + sqrt(cardinality(orgs) ^ 2 + 4 * lim * coalesce(shared_rows, 0))) / 2)::integer);
      cap_n := coalesce(walk_cap, least(4::bigint * from_n, 2147483647)::integer);
    END IF;
    found := 0;
    IF from_n > 0 THEN
      EXECUTE format('SELECT count(*) FROM (SELECT 1 %s %s AND %s LIMIT %s) s', froms, matches, conds, from_n) INTO found;
    END IF;
    IF from_n IS NULL OR found < from_n THEN
      branches := branches || ('(' || candidates || ')');
      CONTINUE;
    END IF;
    -- The walk: each organization's shared items through its (tenant_id, updated_at, id) index, merged
    -- newest first (a Merge Append: every leg is ordered by the index after its tenant_id), the terms and
    -- the certificate's filters rechecked per row, stopped at a page.
    SELECT string_agg(format('SELECT i.tenant_id, i.id, i.certificate_id, i.updated_at, %s AS txt, %s AS title, %s AS level, %s AS version
        FROM %I i WHERE i.tenant_id = %L::uuid AND %s%s%s', bank.txt, bank.title, bank.level_col, bank.version_col, bank.tbl, o, bank.shared, level_cond, tail),
      ' UNION ALL ') INTO legs FROM unnest(orgs) o;
    walk := format('SELECT %L::text AS kind, i.tenant_id, i.id, i.certificate_id, i.title, i.level, i.version, i.updated_at, c.code, c.name_zh, c.name_en
      FROM (SELECT * FROM (%s) i ORDER BY i.updated_at DESC, i.id DESC%s) i
      JOIN certificates c ON c.tenant_id = i.tenant_id AND c.id = i.certificate_id
      WHERE %s%s ORDER BY i.updated_at DESC, i.id DESC LIMIT %s',
      bank.kind, legs, CASE WHEN cap_n > 0 THEN ' LIMIT ' || cap_n ELSE '' END, certs, replace(terms, '{text}', 'i.txt'), lim);
    IF cap_n > 0 THEN
      -- A full page from the capped walk is exact (every newer item was read); otherwise the candidates.
      branches := branches || format('(WITH w AS MATERIALIZED (%1$s)
          SELECT * FROM w WHERE (SELECT count(*) FROM w) = %3$s
          UNION ALL
          SELECT * FROM (%2$s) k WHERE (SELECT count(*) FROM w) < %3$s)', walk, candidates, lim);
    ELSE
      branches := branches || ('(' || walk || ')');
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
REVOKE ALL ON FUNCTION library_items(text[], text, text[], uuid, text, uuid, text, timestamptz, timestamptz, uuid, integer, text, integer, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION library_items(text[], text, text[], uuid, text, uuid, text, timestamptz, timestamptz, uuid, integer, text, integer, integer) TO app_user;
