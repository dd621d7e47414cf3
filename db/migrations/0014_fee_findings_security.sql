-- The committee's fee audit, stored (decision 011). The rules are the ones decision 005 computed on
-- every visit; they now run in the database whenever something they read changes, for the fee keys
-- (organization, certificate, level) it touched, and once a day for the keys whose dates came due.
-- The app role reads findings and never writes them: nothing a tenant writes can hide one.

-- What a finding is filed under: the organization, certificate and level of the fee.
CREATE TYPE fee_key AS (tenant_id uuid, certificate_id uuid, level certificate_level);
--> statement-breakpoint
-- Every finding of the given keys, computed from the data (NULL: every key).
CREATE FUNCTION fee_findings_of(p_keys fee_key[])
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
  )
  SELECT * FROM late UNION ALL SELECT * FROM over_cap UNION ALL SELECT * FROM price
  UNION ALL SELECT * FROM paid UNION ALL SELECT * FROM undisclosed
$$;
--> statement-breakpoint
-- When the stored audit next depends on the calendar: the next midnight in Asia/Shanghai, or earlier
-- the instant a cap set for later takes effect.
CREATE FUNCTION fee_audit_next_change() RETURNS timestamptz LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT least(((now() AT TIME ZONE 'Asia/Shanghai')::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai',
               (SELECT min(effective_from) FROM cost_caps WHERE effective_from > now()))
$$;
--> statement-breakpoint
-- Replaces the stored findings of the keys (NULL: all) by the computed ones. One key at a time across
-- transactions (an advisory lock per key, taken in a fixed order), so two orders of one key written at
-- once cannot each store a result that misses the other's.
CREATE FUNCTION refresh_fee_findings(p_keys fee_key[])
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF p_keys IS NULL THEN
    PERFORM pg_advisory_xact_lock(727002, 0);
    DELETE FROM fee_findings;
    INSERT INTO fee_findings SELECT * FROM fee_findings_of(NULL);
    UPDATE fee_audit_state SET refreshed_at = now(), next_change_at = fee_audit_next_change();
    RETURN;
  END IF;
  IF cardinality(p_keys) = 0 THEN
    RETURN;
  END IF;
  PERFORM pg_advisory_xact_lock_shared(727002, 0);
  PERFORM pg_advisory_xact_lock(727003, h)
  FROM (SELECT DISTINCT hashtext(k::text) AS h FROM unnest(p_keys) k) x
  ORDER BY h;
  DELETE FROM fee_findings f USING unnest(p_keys) k
  WHERE f.tenant_id = k.tenant_id AND f.certificate_id = k.certificate_id AND f.level = k.level;
  INSERT INTO fee_findings SELECT DISTINCT * FROM fee_findings_of(p_keys);
END
$$;
--> statement-breakpoint
-- After every statement that writes what the rules read: refresh the fee keys it touched.
CREATE FUNCTION fee_findings_after_write() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_TABLE_NAME = 'cost_caps' THEN
    -- A cap that takes effect later changes the audit then: the catch-up runs at that instant. The
    -- state row first, then the keys: the catch-up locks them in that order too (no deadlock).
    UPDATE fee_audit_state SET next_change_at = least(next_change_at, (SELECT min(effective_from) FROM changed WHERE effective_from > now()));
  END IF;
  IF TG_TABLE_NAME = 'notice_period_settings' THEN
    -- A notice period set from a past instant re-judges what was published since then.
    PERFORM refresh_fee_findings(ARRAY(SELECT DISTINCT (d.tenant_id, d.certificate_id, d.level)::fee_key FROM fee_disclosures d
      WHERE d.status = 'published' AND d.published_at >= (SELECT min(effective_from) FROM changed)));
  ELSIF app_is_system() AND current_setting('xcert.defer_fee_findings', true) = 'on' THEN
    RETURN NULL; -- a bulk load (the scale seed) refreshes everything once at its end
  ELSIF TG_TABLE_NAME = 'fee_disclosures' THEN
    PERFORM refresh_fee_findings(ARRAY(SELECT DISTINCT (tenant_id, certificate_id, level)::fee_key FROM changed WHERE status = 'published'));
  ELSIF TG_TABLE_NAME = 'fee_disclosure_withdrawals' THEN
    PERFORM refresh_fee_findings(ARRAY(SELECT DISTINCT (d.tenant_id, d.certificate_id, d.level)::fee_key FROM changed w
      JOIN fee_disclosures d ON d.tenant_id = w.tenant_id AND d.id = w.disclosure_id));
  ELSIF TG_TABLE_NAME = 'payments' THEN
    PERFORM refresh_fee_findings(ARRAY(SELECT DISTINCT (o.tenant_id, o.certificate_id, o.level)::fee_key FROM changed p
      JOIN assessment_orders o ON o.tenant_id = p.tenant_id AND o.id = p.order_id));
  ELSE -- assessment_orders, cost_caps: the key is on the row
    PERFORM refresh_fee_findings(ARRAY(SELECT DISTINCT (tenant_id, certificate_id, level)::fee_key FROM changed));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER fee_disclosures_findings_insert AFTER INSERT ON fee_disclosures
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fee_findings_after_write();
--> statement-breakpoint
CREATE TRIGGER fee_disclosures_findings_update AFTER UPDATE ON fee_disclosures
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fee_findings_after_write();
--> statement-breakpoint
CREATE TRIGGER fee_disclosure_withdrawals_findings AFTER INSERT ON fee_disclosure_withdrawals
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fee_findings_after_write();
--> statement-breakpoint
CREATE TRIGGER assessment_orders_findings_insert AFTER INSERT ON assessment_orders
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fee_findings_after_write();
--> statement-breakpoint
CREATE TRIGGER assessment_orders_findings_update AFTER UPDATE ON assessment_orders
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fee_findings_after_write();
--> statement-breakpoint
CREATE TRIGGER cost_caps_findings AFTER INSERT ON cost_caps
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fee_findings_after_write();
--> statement-breakpoint
CREATE TRIGGER payments_findings_insert AFTER INSERT ON payments
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fee_findings_after_write();
--> statement-breakpoint
CREATE TRIGGER payments_findings_update AFTER UPDATE ON payments
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fee_findings_after_write();
--> statement-breakpoint
CREATE TRIGGER notice_period_settings_findings AFTER INSERT ON notice_period_settings
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fee_findings_after_write();
--> statement-breakpoint
-- Findings that depend on the calendar: the fee in force today (a newer disclosure taking effect, one
-- ending or withdrawn) and the cap in force now. Called before the audit is read; does nothing until
-- the next change is due (the next day in Asia/Shanghai, or a cap set to take effect later).
CREATE FUNCTION catch_up_fee_findings() RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  since timestamptz;
  since_day date;
  today date := (now() AT TIME ZONE 'Asia/Shanghai')::date;
BEGIN
  IF (SELECT next_change_at > now() FROM fee_audit_state) THEN RETURN; END IF;
  SELECT refreshed_at INTO since FROM fee_audit_state FOR UPDATE;
  IF (SELECT next_change_at > now() FROM fee_audit_state) THEN RETURN; END IF; -- another caught up meanwhile
  since_day := (since AT TIME ZONE 'Asia/Shanghai')::date;
  PERFORM refresh_fee_findings(ARRAY(
    SELECT (d.tenant_id, d.certificate_id, d.level)::fee_key FROM fee_disclosures d
    WHERE d.status = 'published' AND (d.effective_from > since_day AND d.effective_from <= today
                                      OR d.effective_until > since_day AND d.effective_until <= today)
    UNION
    SELECT (d.tenant_id, d.certificate_id, d.level)::fee_key FROM fee_disclosure_withdrawals w
    JOIN fee_disclosures d ON d.tenant_id = w.tenant_id AND d.id = w.disclosure_id
    WHERE w.effective_from > since_day AND w.effective_from <= today
    UNION
    SELECT (tenant_id, certificate_id, level)::fee_key FROM cost_caps WHERE effective_from > since AND effective_from <= now()));
  UPDATE fee_audit_state SET refreshed_at = now(), next_change_at = fee_audit_next_change();
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION fee_findings_of(fee_key[]), refresh_fee_findings(fee_key[]), catch_up_fee_findings(), fee_audit_next_change() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION catch_up_fee_findings() TO app_user;
--> statement-breakpoint
ALTER TABLE fee_findings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE fee_findings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT ON fee_findings TO app_user;
--> statement-breakpoint
CREATE POLICY fee_findings_committee_read ON fee_findings FOR SELECT TO app_user USING (app_tenant_kind() = 'committee' OR app_is_system());
--> statement-breakpoint
-- The one row; no grant to the app role (only the functions above read and write it).
ALTER TABLE fee_audit_state ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE fee_audit_state FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
INSERT INTO fee_audit_state (refreshed_at) VALUES (now());
--> statement-breakpoint
SELECT refresh_fee_findings(NULL);
