CREATE FUNCTION app_is_committee_admin() RETURNS boolean LANGUAGE sql STABLE AS
  $$ SELECT app_tenant_kind() = 'committee' AND app_role() = 'admin' $$;
--> statement-breakpoint
-- Who may handle an organization's money: publish fees, confirm payments, record refunds.
CREATE FUNCTION app_can_handle_fees() RETURNS boolean LANGUAGE sql STABLE AS
  $$ SELECT app_role() IN ('owner', 'admin', 'finance', 'system') $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_is_committee_admin(), app_can_handle_fees() TO app_user;
--> statement-breakpoint

-- Committee settings: public, append-only history, written by committee admins.
INSERT INTO notice_period_settings (days, effective_from, reason) VALUES (30, '2021-01-01T00:00:00+08:00', '沪教委高〔2021〕3号：提前公示');
--> statement-breakpoint
ALTER TABLE notice_period_settings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE notice_period_settings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON notice_period_settings TO app_user;
--> statement-breakpoint
CREATE POLICY notice_period_settings_read ON notice_period_settings FOR SELECT TO app_user USING (true);
--> statement-breakpoint
CREATE POLICY notice_period_settings_write ON notice_period_settings FOR INSERT TO app_user
  WITH CHECK (app_is_committee_admin() OR app_is_system());
--> statement-breakpoint
ALTER TABLE cost_caps ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE cost_caps FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON cost_caps TO app_user;
--> statement-breakpoint
CREATE POLICY cost_caps_read ON cost_caps FOR SELECT TO app_user USING (true);
--> statement-breakpoint
-- The committee writes caps into the organization's rows: the one cross-tenant write, committee admins only.
CREATE POLICY cost_caps_committee_write ON cost_caps FOR INSERT TO app_user
  WITH CHECK (app_is_committee_admin() OR app_is_system());
--> statement-breakpoint

-- Fee disclosures: drafts are the organization's; published ones are public.
CREATE FUNCTION notice_days_at(at timestamptz) RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT days FROM notice_period_settings WHERE effective_from <= at ORDER BY effective_from DESC, created_at DESC LIMIT 1
$$;
--> statement-breakpoint
CREATE FUNCTION cost_cap_at(p_tenant uuid, p_certificate uuid, p_level certificate_level, at timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT amount_fen FROM cost_caps
  WHERE tenant_id = p_tenant AND certificate_id = p_certificate AND level = p_level AND effective_from <= at
  ORDER BY effective_from DESC, created_at DESC LIMIT 1
$$;
--> statement-breakpoint
-- The published disclosure in force on a day (Asia/Shanghai calendar), or none.
CREATE FUNCTION fee_in_force(p_tenant uuid, p_certificate uuid, p_level certificate_level, p_kind fee_kind, p_day date)
RETURNS TABLE (id uuid, amount_fen bigint) LANGUAGE sql STABLE AS $$
  SELECT d.id, d.amount_fen FROM (
    SELECT * FROM fee_disclosures
    WHERE tenant_id = p_tenant AND certificate_id = p_certificate AND level = p_level AND kind = p_kind
      AND status = 'published' AND effective_from <= p_day
    ORDER BY effective_from DESC LIMIT 1
  ) d
  WHERE (d.effective_until IS NULL OR d.effective_until > p_day)
    AND NOT EXISTS (SELECT 1 FROM fee_disclosure_withdrawals w
                    WHERE w.tenant_id = d.tenant_id AND w.disclosure_id = d.id AND w.effective_from <= p_day)
$$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION notice_days_at(timestamptz), cost_cap_at(uuid, uuid, certificate_level, timestamptz),
  fee_in_force(uuid, uuid, certificate_level, fee_kind, date) TO app_user;
--> statement-breakpoint
ALTER TABLE fee_disclosures ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE fee_disclosures FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON fee_disclosures TO app_user;
--> statement-breakpoint
CREATE POLICY fee_disclosures_tenant_read ON fee_disclosures FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY fee_disclosures_public_read ON fee_disclosures FOR SELECT TO app_user USING (status = 'published');
--> statement-breakpoint
CREATE POLICY fee_disclosures_tenant_write ON fee_disclosures FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_can_handle_fees())
  WITH CHECK (tenant_id = app_tenant_id() AND app_can_handle_fees());
--> statement-breakpoint
-- The wall behind the publish rules: a published disclosure never changes, and publishing checks the
-- notice period and the cost cap in force (the seed's system scope may record history as it was).
CREATE FUNCTION fee_disclosure_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  today date := (now() AT TIME ZONE 'Asia/Shanghai')::date;
  cap bigint;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'published' THEN
    RAISE EXCEPTION 'a published fee disclosure is immutable; publish a new one that supersedes it'
      USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  IF NEW.amount_fen < 0 OR (NEW.effective_until IS NOT NULL AND NEW.effective_until <= NEW.effective_from) THEN
    RAISE EXCEPTION 'invalid fee disclosure amount or period' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.status = 'published' THEN
    IF app_is_system() AND NEW.published_at IS NOT NULL THEN
      RETURN NEW;
    END IF;
    NEW.published_at := now();
    IF NEW.effective_from < today + notice_days_at(now()) THEN
      RAISE EXCEPTION 'effective date is inside the notice period of % days', notice_days_at(now())
        USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.kind = 'assessment' THEN
      cap := cost_cap_at(NEW.tenant_id, NEW.certificate_id, NEW.level, now());
      IF cap IS NOT NULL AND NEW.amount_fen > cap THEN
        RAISE EXCEPTION 'assessment fee % exceeds the cost cap %', NEW.amount_fen, cap USING ERRCODE = 'check_violation';
      END IF;
    END IF;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER fee_disclosures_guard BEFORE INSERT OR UPDATE OR DELETE ON fee_disclosures
  FOR EACH ROW EXECUTE FUNCTION fee_disclosure_guard();
--> statement-breakpoint
ALTER TABLE fee_disclosure_withdrawals ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE fee_disclosure_withdrawals FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON fee_disclosure_withdrawals TO app_user;
--> statement-breakpoint
CREATE POLICY fee_disclosure_withdrawals_read ON fee_disclosure_withdrawals FOR SELECT TO app_user USING (true);
--> statement-breakpoint
CREATE POLICY fee_disclosure_withdrawals_write ON fee_disclosure_withdrawals FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND app_can_handle_fees());
--> statement-breakpoint

-- Orders: the selling organization's rows; the ordering school and the committee read them.
ALTER TABLE assessment_orders ADD CONSTRAINT assessment_orders_total_check
  CHECK (headcount > 0 AND unit_price_fen >= 0 AND total_fen = unit_price_fen * headcount AND refunded_fen BETWEEN 0 AND total_fen);
--> statement-breakpoint
ALTER TABLE assessment_orders ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE assessment_orders FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON assessment_orders TO app_user;
--> statement-breakpoint
CREATE POLICY assessment_orders_org ON assessment_orders FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY assessment_orders_school ON assessment_orders FOR SELECT TO app_user USING (school_tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY assessment_orders_committee ON assessment_orders FOR SELECT TO app_user USING (app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY assessment_orders_school_order ON assessment_orders FOR INSERT TO app_user
  WITH CHECK (school_tenant_id = app_tenant_id() AND app_tenant_kind() = 'school' AND app_role() = 'admin');
--> statement-breakpoint
CREATE POLICY assessment_orders_org_update ON assessment_orders FOR UPDATE TO app_user
  USING (tenant_id = app_tenant_id() AND app_can_handle_fees()) WITH CHECK (tenant_id = app_tenant_id() AND app_can_handle_fees());
--> statement-breakpoint
CREATE POLICY assessment_orders_school_update ON assessment_orders FOR UPDATE TO app_user
  USING (school_tenant_id = app_tenant_id() AND app_role() = 'admin') WITH CHECK (school_tenant_id = app_tenant_id() AND app_role() = 'admin');
--> statement-breakpoint
-- The price of an order is the disclosed assessment fee in force on its date, fixed for good.
CREATE FUNCTION assessment_order_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  fee record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF app_is_system() THEN
      RETURN NEW;
    END IF;
    SELECT * INTO fee FROM fee_in_force(NEW.tenant_id, NEW.certificate_id, NEW.level, 'assessment', NEW.order_date);
    IF fee.id IS NULL OR NEW.disclosure_id IS DISTINCT FROM fee.id OR NEW.unit_price_fen <> fee.amount_fen THEN
      RAISE EXCEPTION 'unit price must be the disclosed assessment fee in force on the order date'
        USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;
  IF (NEW.tenant_id, NEW.id, NEW.number, NEW.school_tenant_id, NEW.certificate_id, NEW.level, NEW.disclosure_id,
      NEW.order_date, NEW.headcount, NEW.unit_price_fen, NEW.total_fen, NEW.currency, NEW.created_at)
     IS DISTINCT FROM
     (OLD.tenant_id, OLD.id, OLD.number, OLD.school_tenant_id, OLD.certificate_id, OLD.level, OLD.disclosure_id,
      OLD.order_date, OLD.headcount, OLD.unit_price_fen, OLD.total_fen, OLD.currency, OLD.created_at) THEN
    RAISE EXCEPTION 'an order''s price, quantity and fee cannot be edited' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER assessment_orders_guard BEFORE INSERT OR UPDATE ON assessment_orders
  FOR EACH ROW EXECUTE FUNCTION assessment_order_guard();
--> statement-breakpoint
ALTER TABLE payments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE payments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON payments TO app_user;
--> statement-breakpoint
CREATE POLICY payments_org ON payments FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_can_handle_fees()) WITH CHECK (tenant_id = app_tenant_id() AND app_can_handle_fees());
--> statement-breakpoint
CREATE POLICY payments_school_read ON payments FOR SELECT TO app_user USING (
  EXISTS (SELECT 1 FROM assessment_orders o WHERE o.tenant_id = payments.tenant_id AND o.id = payments.order_id AND o.school_tenant_id = app_tenant_id())
);
--> statement-breakpoint
-- A school records its bank transfer; the organization's finance role confirms it.
CREATE POLICY payments_school_transfer ON payments FOR INSERT TO app_user WITH CHECK (
  method = 'bank_transfer' AND status = 'pending' AND app_role() = 'admin'
  AND EXISTS (SELECT 1 FROM assessment_orders o WHERE o.tenant_id = payments.tenant_id AND o.id = payments.order_id AND o.school_tenant_id = app_tenant_id())
);
--> statement-breakpoint
CREATE POLICY payments_committee ON payments FOR SELECT TO app_user USING (app_tenant_kind() = 'committee');
--> statement-breakpoint
ALTER TABLE refunds ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE refunds FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON refunds TO app_user;
--> statement-breakpoint
CREATE POLICY refunds_org ON refunds FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_can_handle_fees()) WITH CHECK (tenant_id = app_tenant_id() AND app_can_handle_fees());
--> statement-breakpoint
CREATE POLICY refunds_school_read ON refunds FOR SELECT TO app_user USING (
  EXISTS (SELECT 1 FROM assessment_orders o WHERE o.tenant_id = refunds.tenant_id AND o.id = refunds.order_id AND o.school_tenant_id = app_tenant_id())
);
--> statement-breakpoint
CREATE POLICY refunds_committee ON refunds FOR SELECT TO app_user USING (app_tenant_kind() = 'committee');
--> statement-breakpoint
ALTER TABLE payment_accounts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE payment_accounts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON payment_accounts TO app_user;
--> statement-breakpoint
CREATE POLICY payment_accounts_org ON payment_accounts FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_can_handle_fees()) WITH CHECK (tenant_id = app_tenant_id() AND app_can_handle_fees());
--> statement-breakpoint
-- Schools paying online need to know whether the organization accepts online payment, nothing more.
CREATE POLICY payment_accounts_school_read ON payment_accounts FOR SELECT TO app_user USING (app_tenant_kind() = 'school' AND charges_enabled);
--> statement-breakpoint
CREATE POLICY payment_accounts_system_lookup ON payment_accounts FOR SELECT TO app_user USING (app_is_system());
--> statement-breakpoint
ALTER TABLE stripe_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE stripe_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON stripe_events TO app_user;
--> statement-breakpoint
CREATE POLICY stripe_events_system ON stripe_events FOR ALL TO app_user USING (app_is_system()) WITH CHECK (app_is_system());
--> statement-breakpoint
ALTER TABLE finding_notices ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE finding_notices FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON finding_notices TO app_user;
--> statement-breakpoint
CREATE POLICY finding_notices_read ON finding_notices FOR SELECT TO app_user USING (app_is_system() OR app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY finding_notices_write ON finding_notices FOR ALL TO app_user USING (app_is_system()) WITH CHECK (app_is_system());
--> statement-breakpoint
ALTER TABLE scheduled_jobs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE scheduled_jobs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON scheduled_jobs TO app_user;
--> statement-breakpoint
CREATE POLICY scheduled_jobs_system ON scheduled_jobs FOR ALL TO app_user USING (app_is_system()) WITH CHECK (app_is_system());
