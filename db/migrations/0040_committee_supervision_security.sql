-- Issue 17, items 5, 7, 9 and 10 (decisions 043, 044, 045).

-- The thresholds' defaults, in force since before any data (decision 044).
INSERT INTO committee_settings (key, value, effective_from, reason) VALUES
  ('bank_staleness_days', 180, '2021-01-01T00:00:00+08:00', '默认：半年未更新视为陈旧'),
  ('site_students_per_site', 200, '2021-01-01T00:00:00+08:00', '默认：每 200 名试点学生需要一个考点');
--> statement-breakpoint
ALTER TABLE committee_settings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE committee_settings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON committee_settings TO app_user;
--> statement-breakpoint
-- Read by the committee (its pages) and the system scope; written by committee admins only.
CREATE POLICY committee_settings_read ON committee_settings FOR SELECT TO app_user
  USING (app_tenant_kind() = 'committee' OR app_is_system());
--> statement-breakpoint
CREATE POLICY committee_settings_write ON committee_settings FOR INSERT TO app_user
  WITH CHECK (app_is_committee_admin() OR app_is_system());
--> statement-breakpoint
CREATE FUNCTION committee_setting_at(p_key text, p_at timestamptz) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT value FROM committee_settings WHERE key = p_key AND effective_from <= p_at
  ORDER BY effective_from DESC, created_at DESC LIMIT 1
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION committee_setting_at(text, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION committee_setting_at(text, timestamptz) TO app_user;
--> statement-breakpoint
-- The industry-field list: its history starts with the list as it stands; each change is a row, and
-- the database applies it to industries (which the app role still only reads).
INSERT INTO industry_field_changes (code, name_zh, name_en, priority_area, effective_from, reason)
  SELECT code, name_zh, name_en, priority_area, '2021-01-01T00:00:00+08:00', '初始列表' FROM industries;
--> statement-breakpoint
ALTER TABLE industry_field_changes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE industry_field_changes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON industry_field_changes TO app_user;
--> statement-breakpoint
CREATE POLICY industry_field_changes_read ON industry_field_changes FOR SELECT TO app_user
  USING (app_tenant_kind() = 'committee' OR app_is_system());
--> statement-breakpoint
CREATE POLICY industry_field_changes_write ON industry_field_changes FOR INSERT TO app_user
  WITH CHECK (app_is_committee_admin() OR app_is_system());
--> statement-breakpoint
CREATE FUNCTION industry_field_apply() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO industries (code, name_zh, name_en, priority_area, sort)
  VALUES (NEW.code, NEW.name_zh, NEW.name_en, NEW.priority_area, coalesce((SELECT max(sort) + 1 FROM industries), 0))
  ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, priority_area = excluded.priority_area;
  RETURN NULL;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION industry_field_apply() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER industry_field_apply AFTER INSERT ON industry_field_changes FOR EACH ROW EXECUTE FUNCTION industry_field_apply();
--> statement-breakpoint
-- Exam sites: the committee reads every organization's sites for the layout (item 5).
CREATE POLICY exam_sites_committee_read ON exam_sites FOR SELECT TO app_user USING (app_tenant_kind() = 'committee');
--> statement-breakpoint
-- 行业企业培训师占比 per organization for the committee (decision 033's pattern: counts only, no
-- holder's row leaves the organization). Active trainer credentials not expired; a person once.
CREATE FUNCTION industry_share_overview()
RETURNS TABLE (tenant_id uuid, trainers integer, industry integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT c.tenant_id, count(DISTINCT c.holder_id)::int,
    count(DISTINCT c.holder_id) FILTER (WHERE h.source = 'industry_expert')::int
  FROM credentials c JOIN credential_holders h ON h.tenant_id = c.tenant_id AND h.id = c.holder_id
  WHERE app_tenant_kind() = 'committee' AND c.role = 'trainer' AND c.status = 'active'
    AND c.expires_on >= (now() AT TIME ZONE 'Asia/Shanghai')::date
  GROUP BY c.tenant_id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION industry_share_overview() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION industry_share_overview() TO app_user;
--> statement-breakpoint
-- The fee audit (decision 011) with one more kind of finding, no_cap (decision 045).
CREATE OR REPLACE FUNCTION fee_findings_of(p_keys fee_key[])
RETURNS SETOF fee_findings LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  WITH k AS (
    SELECT * FROM unnest(p_keys)
    UNION ALL
    SELECT c.tenant_id, c.id, l.level FROM certificates c
      CROSS JOIN unnest(enum_range(NULL::certificate_level)) AS l(level) WHERE p_keys IS NULL
  ),
  d AS (
    SELECT d.*, (d.published_at AT TIME ZONE 'Asia/Shanghai')::date AS published_day,
      EXISTS (SELECT 1 FROM fee_disclosure_withdrawals w WHERE w.tenant_id = d.tenant_id AND w.disclosure_id = d.id) AS withdrawn
    FROM k JOIN fee_disclosures d ON d.tenant_id = k.tenant_id AND d.certificate_id = k.certificate_id AND d.level = k.level
    WHERE d.status = 'published'
  ),
  late AS (
    SELECT d.tenant_id, 'late_notice'::text AS type, d.id AS entity_id, 'fee_disclosure'::text AS entity_type,
      d.certificate_id, d.level, d.published_at AS at, d.amount_fen AS actual, NULL::bigint AS expected,
      (d.effective_from - d.published_day) AS notice_given, notice_days_at(d.published_at) AS notice_required,
      d.effective_from::text AS reference
    FROM d WHERE d.effective_from - d.published_day < notice_days_at(d.published_at)
  ),
  caps AS (
    -- The cap in force now applies to a fee still charged or announced, not to one a newer
    -- disclosure has already replaced (it ended within the caps of its time).
    SELECT d.*, cost_cap_at(d.tenant_id, d.certificate_id, d.level, d.published_at) AS cap_then,
      CASE WHEN NOT d.withdrawn AND (d.effective_until IS NULL OR d.effective_until > (now() AT TIME ZONE 'Asia/Shanghai')::date)
                AND (d.effective_from > (now() AT TIME ZONE 'Asia/Shanghai')::date
                     OR EXISTS (SELECT 1 FROM fee_in_force(d.tenant_id, d.certificate_id, d.level, 'assessment', (now() AT TIME ZONE 'Asia/Shanghai')::date) f
                                WHERE f.id = d.id))
           THEN cost_cap_at(d.tenant_id, d.certificate_id, d.level, now()) END AS cap_now
    FROM d WHERE d.kind = 'assessment'
  ),
  over_cap AS (
    SELECT c.tenant_id, 'over_cap', c.id, 'fee_disclosure', c.certificate_id, c.level, c.published_at, c.amount_fen,
      least(coalesce(c.cap_then, c.cap_now), coalesce(c.cap_now, c.cap_then)), NULL::int, NULL::int, c.effective_from::text
    FROM caps c WHERE c.amount_fen > c.cap_then OR c.amount_fen > c.cap_now
  ),
  uncapped AS (
    -- An assessment fee published for a level with no cap in force (issue 17 item 7, decision 045):
    -- none when it was published and, while it is still charged or announced, none now either.
    SELECT c.tenant_id, 'no_cap', c.id, 'fee_disclosure', c.certificate_id, c.level, c.published_at, c.amount_fen,
      NULL::bigint, NULL::int, NULL::int, c.effective_from::text
    FROM caps c WHERE c.cap_then IS NULL AND c.cap_now IS NULL
  ),
  o AS (
    SELECT o.*, f.id AS fee_id, f.amount_fen AS fee_amount,
      (SELECT coalesce(sum(p.amount_fen), 0) FROM payments p WHERE p.tenant_id = o.tenant_id AND p.order_id = o.id AND p.status = 'succeeded') AS paid
    FROM k JOIN assessment_orders o ON o.tenant_id = k.tenant_id AND o.certificate_id = k.certificate_id AND o.level = k.level
    LEFT JOIN LATERAL fee_in_force(o.tenant_id, o.certificate_id, o.level, 'assessment', o.order_date) f ON true
  ),
  price AS (
    SELECT o.tenant_id, 'order_price_mismatch', o.id, 'assessment_order', o.certificate_id, o.level, o.created_at, o.unit_price_fen, o.fee_amount,
      NULL::int, NULL::int, o.number
    FROM o WHERE o.fee_id IS NOT NULL AND (o.unit_price_fen <> o.fee_amount OR o.disclosure_id IS DISTINCT FROM o.fee_id)
  ),
  paid AS (
    SELECT o.tenant_id, 'payment_mismatch', o.id, 'assessment_order', o.certificate_id, o.level, o.created_at, o.paid, o.total_fen,
      NULL::int, NULL::int, o.number
    FROM o WHERE o.paid > 0 AND o.paid <> o.total_fen
  ),
  undisclosed AS (
    SELECT o.tenant_id, 'no_disclosure', o.id, 'assessment_order', o.certificate_id, o.level, o.created_at, o.unit_price_fen, NULL::bigint,
      NULL::int, NULL::int, o.number
    FROM o WHERE o.fee_id IS NULL AND o.status <> 'cancelled'
  ),
  unverified AS (
    -- A Checkout Session event naming one of the organization's orders that XCert did not record at
    -- checkout (payments.stripe_checkout_session_id), or not in CNY, or not for the order's total:
    -- the app ignores it (F16); the committee sees that one was sent. The latest one's CNY amount.
    SELECT o.tenant_id, 'unverified_payment', o.id, 'assessment_order', o.certificate_id, o.level, max(e.received_at),
      (array_agg(CASE WHEN lower(e.payload #>> '{data,object,currency}') = 'cny' AND (e.payload #>> '{data,object,amount_total}') ~ '^[0-9]{1,15}$'
                      THEN (e.payload #>> '{data,object,amount_total}')::bigint END ORDER BY e.received_at DESC))[1],
      o.total_fen, NULL::int, NULL::int, o.number
    FROM o JOIN stripe_events e ON e.organization_id = o.tenant_id AND e.payload #>> '{data,object,metadata,orderId}' = o.id::text
    WHERE e.type IN ('checkout.session.completed', 'checkout.session.async_payment_succeeded')
      AND (lower(coalesce(e.payload #>> '{data,object,currency}', '')) <> 'cny'
           OR (e.payload #>> '{data,object,amount_total}') IS DISTINCT FROM o.total_fen::text
           OR NOT EXISTS (SELECT 1 FROM payments p WHERE p.tenant_id = o.tenant_id AND p.order_id = o.id AND p.method = 'stripe'
                            AND p.amount_fen = o.total_fen AND p.stripe_checkout_session_id = e.payload #>> '{data,object,id}'))
    GROUP BY o.tenant_id, o.id, o.certificate_id, o.level, o.total_fen, o.number
  )
  SELECT * FROM late UNION ALL SELECT * FROM over_cap UNION ALL SELECT * FROM uncapped UNION ALL SELECT * FROM price
  UNION ALL SELECT * FROM paid UNION ALL SELECT * FROM undisclosed UNION ALL SELECT * FROM unverified
$$;
--> statement-breakpoint
-- The stored audit gains the new kind for what is already published.
INSERT INTO fee_findings SELECT DISTINCT * FROM fee_findings_of(NULL) f WHERE f.type = 'no_cap' ON CONFLICT DO NOTHING;
