ALTER TABLE "committee_settings" DROP CONSTRAINT "committee_settings_key_check";--> statement-breakpoint
ALTER TABLE "committee_settings" DROP CONSTRAINT "committee_settings_value_check";--> statement-breakpoint
DROP INDEX "committee_settings_key_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "committee_settings_key_effective_key" ON "committee_settings" USING btree ("key","effective_from");--> statement-breakpoint
ALTER TABLE "committee_settings" ADD CONSTRAINT "committee_settings_key_check" CHECK ("committee_settings"."key" IN ('bank_staleness_days', 'site_students_per_site', 'weight_certificate_quality', 'weight_industry_recognition', 'weight_integrity', 'weight_non_profit', 'weight_regional_service', 'weight_no_violation'));--> statement-breakpoint
ALTER TABLE "committee_settings" ADD CONSTRAINT "committee_settings_value_check" CHECK (CASE WHEN "committee_settings"."key" LIKE 'weight_%' THEN "committee_settings"."value" BETWEEN 0 AND 100 ELSE "committee_settings"."value" BETWEEN 1 AND 100000 END);--> statement-breakpoint
-- Issue 17 item 7 (decision 055): the evaluation weights join the committee's settings, and a setting
-- may be scheduled for a future day. The value in force at T stays "the latest effective_from <= T",
-- made unambiguous by the unique (key, effective_from) above.
INSERT INTO committee_settings (key, value, effective_from, reason) VALUES
  ('weight_certificate_quality', 25, '2021-01-01T00:00:00+08:00', '默认权重'),
  ('weight_industry_recognition', 15, '2021-01-01T00:00:00+08:00', '默认权重'),
  ('weight_integrity', 20, '2021-01-01T00:00:00+08:00', '默认权重'),
  ('weight_non_profit', 15, '2021-01-01T00:00:00+08:00', '默认权重'),
  ('weight_regional_service', 10, '2021-01-01T00:00:00+08:00', '默认权重'),
  ('weight_no_violation', 15, '2021-01-01T00:00:00+08:00', '默认权重');
--> statement-breakpoint
-- A period still open had its own weights: the newest open period's are carried over, in force now,
-- so an evaluation in progress keeps scoring as it did.
INSERT INTO committee_settings (key, value, effective_from, set_by_user_id, reason)
SELECT 'weight_' || w.criterion::text, w.weight, now(), w.set_by_user_id, '沿用评价期 ' || p.code || ' 的权重'
FROM (SELECT id, tenant_id, code FROM evaluation_periods WHERE status = 'open' ORDER BY created_at DESC LIMIT 1) p
JOIN LATERAL (
  SELECT DISTINCT ON (x.criterion) x.criterion, x.weight, x.set_by_user_id FROM evaluation_weights x
  WHERE x.tenant_id = p.tenant_id AND x.period_id = p.id ORDER BY x.criterion, x.set_at DESC
) w ON true
WHERE (SELECT count(DISTINCT criterion) FROM evaluation_weights x WHERE x.tenant_id = p.tenant_id AND x.period_id = p.id) = 6;
--> statement-breakpoint
-- The six weights change together: at any effective_from there are none of them or all six summing
-- to 100 (checked at commit, so the six inserts or the six deletes of one change may come in any order).
CREATE FUNCTION committee_weights_check() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v_at timestamptz := CASE WHEN TG_OP = 'DELETE' THEN OLD.effective_from ELSE NEW.effective_from END;
  v_key text := CASE WHEN TG_OP = 'DELETE' THEN OLD.key ELSE NEW.key END;
  v_n integer;
  v_sum integer;
BEGIN
  IF v_key NOT LIKE 'weight\_%' THEN RETURN NULL; END IF;
  SELECT count(*), coalesce(sum(value), 0) INTO v_n, v_sum FROM committee_settings WHERE key LIKE 'weight\_%' AND effective_from = v_at;
  IF v_n <> 0 AND (v_n <> 6 OR v_sum <> 100) THEN
    RAISE EXCEPTION 'evaluation weights change six together and sum to 100 (at %: % rows, sum %)', v_at, v_n, v_sum USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION committee_weights_check() FROM PUBLIC;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER committee_weights_check AFTER INSERT OR DELETE ON committee_settings
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION committee_weights_check();
--> statement-breakpoint
-- The committee admin schedules from now on (never back-dates: the past stays as it was in force) and
-- may withdraw only what has not taken effect; the system scope (seed, operator) may back-date.
-- Nothing updates a row: a change is a new row.
DROP POLICY committee_settings_write ON committee_settings;
--> statement-breakpoint
CREATE POLICY committee_settings_write ON committee_settings FOR INSERT TO app_user
  WITH CHECK ((app_is_committee_admin() AND effective_from >= now()) OR app_is_system());
--> statement-breakpoint
GRANT DELETE ON committee_settings TO app_user;
--> statement-breakpoint
CREATE POLICY committee_settings_withdraw ON committee_settings FOR DELETE TO app_user
  USING (effective_from > now() AND (app_is_committee_admin() OR app_is_system()));
