-- Issue 15 item 12 (decision 061): a common search term (数据标注 matches about a tenth of the shared
-- corpus, by stem or by certificate name) made library_items read, recheck and sort tens of thousands
-- of candidates for a page of 31. The other plan for such a term walks the shared items newest first —
-- a merge of each organization's ordered index scan (every index is led by tenant_id), rechecking the
-- terms per row — and stops when the page is full. Which plan runs is chosen per bank and per search
-- by the estimated matches (the planner's estimate for a trigram term, a bounded count through the
-- grams index for a short one): at least the break-even count → the walk.
-- The walk is capped; a walk that reaches its cap without filling the page (matches that are common
-- but old) falls back to the candidates. Both plans return the same rows in the same order (tested).
-- walk_from and walk_cap override the break-even count and the cap (tests: 0 and 0 = the walk alone,
-- a huge walk_from = the candidates alone). Otherwise as in migration 0051.
-- The planner's row estimate of a query, for library_items' choice of plan (EXPLAIN is refused in a
-- STABLE function). It runs any query text it is given, so only the owner may call it: no grant.
CREATE FUNCTION library_rows_estimate(query text) RETURNS double precision LANGUAGE plpgsql VOLATILE SET search_path = public, pg_temp AS $$
DECLARE
  plan json;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON) ' || query INTO plan;
  RETURN (plan->0->'Plan'->>'Plan Rows')::double precision;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION library_rows_estimate(text) FROM PUBLIC;
--> statement-breakpoint
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
  conds text;
  level_cond text;
  newest text := format(' ORDER BY i.updated_at DESC, i.id DESC LIMIT %s', lim);
  items text;
  grams text[];
  matches text;
  candidates text;
  by_certificate text;
  proj text;
  checked text;
  head text;
  pick text;
  walk text;
  page jsonb;
  ready jsonb := '[]';
  got integer;
  remaining integer;
  src text;
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
    items := format('SELECT %s FROM %I i JOIN certificates c ON c.tenant_id = i.tenant_id AND c.id = i.certificate_id WHERE ', cols, bank.tbl);
    level_cond := CASE WHEN lvl IS NULL THEN '' ELSE ' AND ' || format(bank.level_cond, lvl) END;
    conds := bank.shared || ' AND ' || certs || level_cond || replace(terms, '{text}', bank.txt) || tail;
    IF driver IS NULL THEN
      branches := branches || format('(SELECT x.* FROM (SELECT DISTINCT c.tenant_id FROM certificates c WHERE %s) o
          CROSS JOIN LATERAL (%s i.tenant_id = o.tenant_id AND %s%s) x ORDER BY x.updated_at DESC, x.id DESC LIMIT %s)',
        certs, items, conds, newest, lim);
      CONTINUE;
    END IF;
    -- Each bank's shared items as a narrow row (what the page shows and what the terms are checked on);
    -- `checked` joins the certificate and rechecks the certificate's filters and every term.
    proj := format('SELECT i.tenant_id, i.id, i.certificate_id, i.updated_at, %s AS txt, %s AS title, %s AS level, %s AS version FROM %I i WHERE %s%s%s',
      bank.txt, bank.title, bank.level_col, bank.version_col, bank.tbl, bank.shared, level_cond, tail);
    checked := format(') i JOIN certificates c ON c.tenant_id = i.tenant_id AND c.id = i.certificate_id WHERE %s', certs) || replace(terms, '{text}', 'i.txt');
    head := format('SELECT %L::text AS kind, i.tenant_id, i.id, i.certificate_id, i.title, i.level, i.version, i.updated_at, c.code, c.name_zh, c.name_en FROM (',
      bank.kind);
    -- The candidates: the text's own match (through the trigram index, or for a short driver through the
    -- grams index) and the items of certificates whose name matches, each newest first up to a page. The
    -- text's match is planned alone (OFFSET 0): joined to certificates, the planner underestimated it and
    -- read every certificate's items instead of the index (cases and materials: 300,000 buffers).
    matches := CASE WHEN grams IS NULL THEN format('%s ILIKE %L', bank.txt, driver)
      ELSE format('search_grams(%s) @> %L::text[] AND %s ILIKE %L', bank.txt, grams, bank.txt, driver) END;
    pick := proj || ' AND ' || matches || CASE WHEN org IS NULL THEN '' ELSE format(' AND i.tenant_id = %L::uuid', org) END || ' OFFSET 0';
    by_certificate := format('SELECT y.* FROM certificates c0 CROSS JOIN LATERAL (%1$s i.tenant_id = c0.tenant_id AND i.certificate_id = c0.id
           AND NOT %2$s ILIKE %3$L AND %4$s%5$s) y
         WHERE c0.status = ''active'' AND (c0.name_zh ILIKE %3$L OR c0.name_en ILIKE %3$L OR c0.code ILIKE %3$L)',
      items, bank.txt, driver, conds, newest);
    candidates := format('SELECT x.* FROM ((%s) UNION ALL (%s)) x ORDER BY x.updated_at DESC, x.id DESC LIMIT %s',
      head || pick || checked || newest, by_certificate, lim);
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
    IF from_n IS NULL THEN
      branches := branches || ('(' || candidates || ')');
      CONTINUE;
    END IF;
    found := 0;
    IF from_n > 0 AND grams IS NULL THEN
      -- A term with trigrams: the planner's estimate of the text's matches (the column's statistics of
      -- the pattern; 3,660 for 9,366 at SCALE=1, 12 for 2) costs a plan, not a read. It leaves out the
      -- other terms and the certificate's filters, so it may overrate a match: the cap covers that.
      found := least(library_rows_estimate(pick), 2147483647)::integer;
    ELSIF from_n > 0 THEN
      -- A short term: the grams index's estimate is far off (43 for about 9,000), so count the items
      -- matching everything through that index, up to the break-even.
      EXECUTE 'SELECT count(*) FROM (' || head || pick || checked || format(' LIMIT %s) s', from_n) INTO found;
    END IF;
    IF found < from_n THEN
      branches := branches || ('(' || candidates || ')');
      CONTINUE;
    END IF;
    -- The walk: a merge of every organization's shared items newest first, each organization read through
    -- its (tenant_id, updated_at, id) index (every index is led by tenant_id). A recursive query holds the
    -- head of each organization (its next item) in arrays sorted newest first; each step takes the first
    -- head, rechecks the certificate's filters and every term on it, and puts that organization's next
    -- item (one index probe) in its place in the order. It stops at a page of matches, when every organization is read, or at the cap. Its plan
    -- does not grow with the organizations (a UNION ALL of one ordered scan per organization took half
    -- a millisecond per organization to plan), and no estimate can turn it into a sort of the corpus.
    src := format('FROM %I i WHERE %s%s%s', bank.tbl, bank.shared, level_cond, tail);
    walk := 'WITH RECURSIVE m(n, hits, et, eid, hit, ft, fa, fi) AS (
        SELECT 0, 0, NULL::uuid, NULL::uuid, false, coalesce(array_agg(h.tenant_id ORDER BY h.updated_at DESC, h.id DESC), ''{}''),
          coalesce(array_agg(h.updated_at ORDER BY h.updated_at DESC, h.id DESC), ''{}''), coalesce(array_agg(h.id ORDER BY h.updated_at DESC, h.id DESC), ''{}'')
        FROM unnest($1::uuid[]) o CROSS JOIN LATERAL (SELECT i.tenant_id, i.updated_at, i.id ' || src || '
          AND i.tenant_id = o ORDER BY i.updated_at DESC, i.id DESC LIMIT 1) h
      UNION ALL
        SELECT m.n + 1, m.hits + e.hit::integer, e.tenant_id, e.id, e.hit,
          CASE WHEN nx.id IS NULL THEN m.ft[2:] ELSE m.ft[2:q.k + 1] || m.ft[1] || m.ft[q.k + 2:] END,
          CASE WHEN nx.id IS NULL THEN m.fa[2:] ELSE m.fa[2:q.k + 1] || nx.updated_at || m.fa[q.k + 2:] END,
          CASE WHEN nx.id IS NULL THEN m.fi[2:] ELSE m.fi[2:q.k + 1] || nx.id || m.fi[q.k + 2:] END
        FROM m
        CROSS JOIN LATERAL (SELECT i.tenant_id, i.id, (' || certs || replace(terms, '{text}', bank.txt) || ') AS hit
          FROM ' || quote_ident(bank.tbl) || ' i JOIN certificates c ON c.tenant_id = i.tenant_id AND c.id = i.certificate_id
          WHERE i.tenant_id = m.ft[1] AND i.id = m.fi[1]) e
        LEFT JOIN LATERAL (SELECT i.updated_at, i.id ' || src || ' AND i.tenant_id = m.ft[1] AND (i.updated_at, i.id) < (m.fa[1], m.fi[1])
          ORDER BY i.updated_at DESC, i.id DESC LIMIT 1) nx ON true
        CROSS JOIN LATERAL (SELECT count(*)::integer AS k FROM unnest(m.fa[2:], m.fi[2:]) u(a, b) WHERE (u.a, u.b) > (nx.updated_at, nx.id)) q
        WHERE m.hits < ' || lim || ' AND cardinality(m.fa) > 0' || CASE WHEN cap_n > 0 THEN ' AND m.n < ' || cap_n ELSE '' END || '
    )
    SELECT (SELECT coalesce(jsonb_agg(x), ''[]'') FROM (SELECT et, eid FROM m WHERE hit) h CROSS JOIN LATERAL (' || items || ' i.tenant_id = h.et AND i.id = h.eid) x),
      (SELECT max(hits) FROM m), (SELECT min(cardinality(fa)) FROM m)';
    EXECUTE walk INTO page, got, remaining USING orgs;
    -- A page of matches, or every organization read to the end, is exact; a walk that reached its cap
    -- first (common matches, but old ones) gives way to the candidates.
    IF got = lim OR remaining = 0 THEN
      ready := ready || page;
    ELSE
      branches := branches || ('(' || candidates || ')');
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
  IF jsonb_array_length(ready) > 0 THEN
    branches := branches || '(SELECT * FROM jsonb_to_recordset($1) AS w(kind text, tenant_id uuid, id uuid, certificate_id uuid, title text, level text,
      version integer, updated_at timestamptz, code text, name_zh text, name_en text))'::text;
  END IF;
  IF array_length(branches, 1) IS NULL THEN RETURN; END IF;
  RETURN QUERY EXECUTE format(
    'SELECT x.*, t.name, t.name_en FROM (%s) x(kind, tenant_id, id, certificate_id, title, level, version, updated_at, code, name_zh, name_en)
       JOIN tenants t ON t.id = x.tenant_id ORDER BY x.updated_at DESC, x.id DESC LIMIT %s',
    array_to_string(branches, ' UNION ALL '), lim) USING ready;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION library_items(text[], text, text[], uuid, text, uuid, text, timestamptz, timestamptz, uuid, integer, text, integer, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION library_items(text[], text, text[], uuid, text, uuid, text, timestamptz, timestamptz, uuid, integer, text, integer, integer) TO app_user;
