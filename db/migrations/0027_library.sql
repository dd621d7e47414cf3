-- The shared course library (/library, §二.6): published standards, shared materials, shared cases and
-- shared practice questions of every organization, read by schools, the committee and organizations.
-- The shared-read policies of 0010 let schools read shared items and the committee every material and
-- case, and give organizations nothing of each other: the library must show the same items to all
-- three (shared only; the committee must not see private ones here; never the exam pool, never a
-- draft). These functions run as the owner and apply that filter themselves, spelled out once, so a
-- member of any tenant reads exactly the shared/published/practice items and nothing else. As in
-- decision 013 the owner's reads can use the trigram indexes, which row-level security would defeat.
CREATE FUNCTION library_readable() RETURNS boolean LANGUAGE sql STABLE AS
  $$ SELECT app_tenant_kind() IN ('school', 'committee', 'organization') AND app_user_id() IS NOT NULL $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION library_readable() TO app_user;
--> statement-breakpoint
-- One page of the library, newest first, keyset on (updated_at, id). `patterns` are ILIKE patterns,
-- every one must match the item's title (a question's stem) or its certificate's name or code.
-- `driver` (one of them with a trigram, or NULL) picks the candidates: items whose text matches it,
-- through the trigram indexes, and items of the certificates whose name matches it, newest first
-- through each certificate's index; without one, each organization's newest shared items through its
-- (tenant_id, updated_at) index. Every part stops at `lim` rows. Built as text with every value quoted
-- (format %L), so each query is planned for its values.
CREATE FUNCTION library_items(patterns text[], driver text, kinds text[], org uuid, industry text, cert uuid, lvl text,
  since timestamptz, after_at timestamptz, after_id uuid, lim integer)
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

  -- The banks: what is shared of each (the library's filter), its text, and how a level is asked.
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
      branches := branches || format('(SELECT x.* FROM (
          (%1$s %2$s ILIKE %3$L AND %4$s%5$s)
          UNION ALL
          (SELECT y.* FROM certificates c0 CROSS JOIN LATERAL (%1$s i.tenant_id = c0.tenant_id AND i.certificate_id = c0.id
             AND NOT %2$s ILIKE %3$L AND %4$s%5$s) y
           WHERE c0.status = ''active'' AND (c0.name_zh ILIKE %3$L OR c0.name_en ILIKE %3$L OR c0.code ILIKE %3$L))
        ) x ORDER BY x.updated_at DESC, x.id DESC LIMIT %6$s)',
        items, bank.txt, driver, conds, newest, lim);
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
REVOKE ALL ON FUNCTION library_items(text[], text, text[], uuid, text, uuid, text, timestamptz, timestamptz, uuid, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION library_items(text[], text, text[], uuid, text, uuid, text, timestamptz, timestamptz, uuid, integer) TO app_user;
--> statement-breakpoint
-- One item of the library with what its page shows, or NULL when it is not in the library (private,
-- exam pool, draft, superseded, certificate not active): the same filter as library_items.
CREATE FUNCTION library_item(item_kind text, item_tenant uuid, item_id uuid) RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT CASE WHEN NOT library_readable() THEN NULL ELSE (
    SELECT x.item || jsonb_build_object('certificateCode', c.code, 'certificateNameZh', c.name_zh, 'certificateNameEn', c.name_en,
      'certificateId', c.id, 'certificateLevels', to_jsonb(c.levels), 'organizationId', t.id, 'organizationName', t.name, 'organizationNameEn', t.name_en)
    FROM (
      SELECT q.tenant_id, q.certificate_id, jsonb_build_object('kind', 'question', 'id', q.id, 'title', q.stem, 'level', q.level, 'type', q.type,
        'options', q.options, 'answer', q.answer, 'explanation', q.explanation, 'difficulty', q.difficulty, 'version', q.version,
        'updatedAt', q.updated_at, 'publishedAt', q.published_at) AS item
      FROM questions q WHERE item_kind = 'question' AND q.tenant_id = item_tenant AND q.id = item_id
        AND q.pool = 'practice' AND q.visibility = 'shared' AND q.status = 'published'
      UNION ALL
      SELECT k.tenant_id, k.certificate_id, jsonb_build_object('kind', 'case', 'id', k.id, 'title', k.title, 'level', k.level,
        'industryContext', k.industry_context, 'body', k.body, 'updatedAt', k.updated_at)
      FROM cases k WHERE item_kind = 'case' AND k.tenant_id = item_tenant AND k.id = item_id AND k.visibility = 'shared'
      UNION ALL
      SELECT m.tenant_id, m.certificate_id, jsonb_build_object('kind', 'material', 'id', m.id, 'title', m.title, 'materialKind', m.kind,
        'isbn', m.isbn, 'publisher', m.publisher, 'schoolEditor', m.school_editor, 'enterpriseEditor', m.enterprise_editor,
        'levels', to_jsonb(m.levels), 'description', m.description, 'updatedAt', m.updated_at,
        'attachments', coalesce((SELECT jsonb_agg(jsonb_build_object('id', a.id, 'fileName', a.file_name, 'sizeBytes', a.size_bytes) ORDER BY a.file_name)
          FROM material_attachments a WHERE a.tenant_id = m.tenant_id AND a.material_id = m.id), '[]'::jsonb))
      FROM materials m WHERE item_kind = 'material' AND m.tenant_id = item_tenant AND m.id = item_id AND m.visibility = 'shared'
      UNION ALL
      SELECT v.tenant_id, v.certificate_id, jsonb_build_object('kind', 'standard', 'id', v.id, 'version', v.version, 'notes', v.notes,
        'updatedAt', v.published_at, 'publishedAt', v.published_at,
        'nodes', coalesce((SELECT jsonb_agg(jsonb_build_object('id', n.id, 'parentId', n.parent_id, 'level', n.level, 'kind', n.kind, 'code', n.code,
          'titleZh', n.title_zh, 'titleEn', n.title_en, 'description', n.description) ORDER BY n.level, string_to_array(n.code, '.')::int[])
          FROM standard_nodes n WHERE n.tenant_id = v.tenant_id AND n.version_id = v.id), '[]'::jsonb))
      FROM standard_versions v WHERE item_kind = 'standard' AND v.tenant_id = item_tenant AND v.id = item_id AND v.status = 'published'
    ) x
    JOIN certificates c ON c.tenant_id = x.tenant_id AND c.id = x.certificate_id AND c.status = 'active'
    JOIN tenants t ON t.id = x.tenant_id
  ) END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION library_item(text, uuid, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION library_item(text, uuid, uuid) TO app_user;
--> statement-breakpoint
-- A shared material's attachment, for its download: where the file is stored, or no row.
CREATE FUNCTION library_attachment(item_tenant uuid, item_id uuid, attachment_id uuid)
RETURNS TABLE (file_name text, content_type text, size_bytes bigint, sha256 text, storage_key text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT a.file_name, a.content_type, a.size_bytes, a.sha256, a.storage_key
  FROM material_attachments a
  JOIN materials m ON m.tenant_id = a.tenant_id AND m.id = a.material_id AND m.visibility = 'shared'
  JOIN certificates c ON c.tenant_id = m.tenant_id AND c.id = m.certificate_id AND c.status = 'active'
  WHERE library_readable() AND a.tenant_id = item_tenant AND a.material_id = item_id AND a.id = attachment_id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION library_attachment(uuid, uuid, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION library_attachment(uuid, uuid, uuid) TO app_user;
