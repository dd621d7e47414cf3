-- Issue 14, items 8 and 9 (decision 022).

-- F27: the exam pool, answers and all, is read by those who write it (owner, admin, editor:
-- app_can_edit()); finance and viewers read the practice pool only. Writes are unchanged.
DROP POLICY questions_tenant_read ON questions;
--> statement-breakpoint
CREATE POLICY questions_tenant_read ON questions FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() AND (pool = 'practice' OR app_can_edit()));
--> statement-breakpoint
DROP POLICY question_versions_tenant_read ON question_versions;
--> statement-breakpoint
CREATE POLICY question_versions_tenant_read ON question_versions FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() AND (pool = 'practice' OR app_can_edit()));
--> statement-breakpoint
-- F24: a school reads the versions of a shared practice question that were published while it was
-- shared; what the organization published while the question was private stays with it.
DROP POLICY question_versions_shared_read ON question_versions;
--> statement-breakpoint
CREATE POLICY question_versions_shared_read ON question_versions FOR SELECT TO app_user USING (
  pool = 'practice' AND snapshot->>'visibility' = 'shared' AND app_tenant_kind() = 'school' AND EXISTS (
    SELECT 1 FROM questions q WHERE q.tenant_id = question_versions.tenant_id AND q.id = question_versions.question_id)
);
--> statement-breakpoint
-- F20: the default since PostgreSQL 15, explicit for older clusters: no role but the owner creates
-- objects in public (a function or operator planted there could shadow one the policies call).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
--> statement-breakpoint
-- F16: the Checkout Session XCert creates is recorded as the order's pending online payment, by the
-- school's admin who starts it, for a pending order of the school, for the order's total in CNY. A
-- webhook counts only for a session recorded here, and only moves that row forward (the app, as the
-- organization's system scope).
CREATE POLICY payments_school_checkout ON payments FOR INSERT TO app_user WITH CHECK (
  method = 'stripe' AND status = 'pending' AND app_role() = 'admin' AND currency = 'CNY'
  AND stripe_checkout_session_id IS NOT NULL AND stripe_payment_intent_id IS NULL AND confirmed_at IS NULL
  AND EXISTS (SELECT 1 FROM assessment_orders o WHERE o.tenant_id = payments.tenant_id AND o.id = payments.order_id
    AND o.school_tenant_id = app_tenant_id() AND o.status = 'pending' AND o.total_fen = payments.amount_fen)
);
--> statement-breakpoint
-- The committee's audit reads a tenant's Checkout Session events by the order they name.
CREATE INDEX stripe_events_order_idx ON stripe_events (organization_id, (payload #>> '{data,object,metadata,orderId}'));
--> statement-breakpoint
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
  SELECT * FROM late UNION ALL SELECT * FROM over_cap UNION ALL SELECT * FROM price
  UNION ALL SELECT * FROM paid UNION ALL SELECT * FROM undisclosed UNION ALL SELECT * FROM unverified
$$;
--> statement-breakpoint
-- A stored Stripe event refreshes the findings of the order it names (the payments trigger does the
-- same for payment rows). SECURITY DEFINER like fee_findings_after_write: the app role cannot write findings.
CREATE FUNCTION stripe_events_findings() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM refresh_fee_findings(ARRAY(SELECT DISTINCT (o.tenant_id, o.certificate_id, o.level)::fee_key FROM changed e
    JOIN assessment_orders o ON o.tenant_id = e.organization_id
      AND o.id = CASE WHEN e.payload #>> '{data,object,metadata,orderId}' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                      THEN (e.payload #>> '{data,object,metadata,orderId}')::uuid END
    WHERE e.type IN ('checkout.session.completed', 'checkout.session.async_payment_succeeded')));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER stripe_events_findings AFTER INSERT ON stripe_events
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION stripe_events_findings();
