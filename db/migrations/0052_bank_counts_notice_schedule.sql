CREATE TABLE "bank_counts" (
	"tenant_id" uuid NOT NULL,
	"certificate_id" uuid NOT NULL,
	"bank" text NOT NULL,
	"level" text NOT NULL,
	"items" integer NOT NULL,
	"last_updated" timestamp with time zone NOT NULL,
	CONSTRAINT "bank_counts_tenant_id_certificate_id_bank_level_pk" PRIMARY KEY("tenant_id","certificate_id","bank","level"),
	CONSTRAINT "bank_counts_bank_check" CHECK ("bank_counts"."bank" IN ('practice', 'exam', 'cases', 'materials')),
	CONSTRAINT "bank_counts_level_check" CHECK ("bank_counts"."level" IN ('junior', 'intermediate', 'senior', ''))
);
--> statement-breakpoint
ALTER TABLE "bank_counts" ADD CONSTRAINT "bank_counts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bank_counts" ADD CONSTRAINT "bank_counts_certificate_fk" FOREIGN KEY ("tenant_id","certificate_id") REFERENCES "public"."certificates"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notice_period_settings_effective_key" ON "notice_period_settings" USING btree ("effective_from");--> statement-breakpoint
-- Issue 17 item 1 (decision 060): the banks' counts, stored. question_bank_counts() counted every
-- question on every view of the committee's dashboard and banks overview (3.4 s at 1,000,000
-- questions); the counts now move with each statement that writes questions, cases or materials.
-- One change of the bank: a row gone (sign -1) or come (+1) under its key, with its updated_at.
CREATE TYPE bank_count_item AS (tenant_id uuid, certificate_id uuid, bank text, level text, sign integer, updated_at timestamptz);
--> statement-breakpoint
-- One key's net change in a statement: items added less removed, the newest time of each side.
CREATE TYPE bank_count_change AS (tenant_id uuid, certificate_id uuid, bank text, level text, delta integer, added_max timestamptz, removed_max timestamptz);
--> statement-breakpoint
-- Applies one statement's changes. Counts move by the net change of each key (exact, and two writers
-- of one key add up under its row lock). The last change moves to the newest time added; only when
-- the row removed may have been the newest is it read again from the table, after the row lock, so
-- it sees what the writers before it committed. Keys are taken in a fixed order (no deadlock within a
-- statement); a key left with no item loses its row, as a fresh count would.
CREATE FUNCTION apply_bank_counts(p_items bank_count_item[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  changes bank_count_change[];
BEGIN
  IF cardinality(p_items) = 0 THEN RETURN; END IF;
  changes := ARRAY(
    SELECT (i.tenant_id, i.certificate_id, i.bank, i.level, sum(i.sign)::int,
      max(i.updated_at) FILTER (WHERE i.sign > 0), max(i.updated_at) FILTER (WHERE i.sign < 0))::bank_count_change
    FROM unnest(p_items) i GROUP BY i.tenant_id, i.certificate_id, i.bank, i.level
    ORDER BY i.tenant_id, i.certificate_id, i.bank, i.level);
  INSERT INTO bank_counts AS b (tenant_id, certificate_id, bank, level, items, last_updated)
  SELECT c.tenant_id, c.certificate_id, c.bank, c.level, c.delta, coalesce(c.added_max, c.removed_max) FROM unnest(changes) WITH ORDINALITY c
  ORDER BY c.ordinality
  ON CONFLICT (tenant_id, certificate_id, bank, level) DO UPDATE
    SET items = b.items + excluded.items,
        last_updated = CASE WHEN excluded.last_updated > b.last_updated THEN excluded.last_updated ELSE b.last_updated END;
  DELETE FROM bank_counts b USING unnest(changes) c
  WHERE b.tenant_id = c.tenant_id AND b.certificate_id = c.certificate_id AND b.bank = c.bank AND b.level = c.level AND b.items <= 0;
  UPDATE bank_counts b SET last_updated = coalesce(CASE b.bank
      WHEN 'cases' THEN (SELECT max(k.updated_at) FROM cases k
        WHERE k.tenant_id = b.tenant_id AND k.certificate_id = b.certificate_id AND k.level = b.level::certificate_level)
      WHEN 'materials' THEN (SELECT max(m.updated_at) FROM materials m WHERE m.tenant_id = b.tenant_id AND m.certificate_id = b.certificate_id)
      ELSE (SELECT max(q.updated_at) FROM questions q
        WHERE q.tenant_id = b.tenant_id AND q.certificate_id = b.certificate_id AND q.level = b.level::certificate_level AND q.pool = b.bank::question_pool)
    END, b.last_updated)
  FROM unnest(changes) c
  WHERE b.tenant_id = c.tenant_id AND b.certificate_id = c.certificate_id AND b.bank = c.bank AND b.level = c.level
    AND c.removed_max >= b.last_updated;
END
$$;
--> statement-breakpoint
-- After every statement that writes a bank: its rows, as changes of their keys.
CREATE FUNCTION bank_counts_after_write() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  items bank_count_item[] := '{}';
BEGIN
  IF TG_TABLE_NAME = 'questions' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      items := items || ARRAY(SELECT (tenant_id, certificate_id, pool::text, level::text, -1, updated_at)::bank_count_item FROM old_rows);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      items := items || ARRAY(SELECT (tenant_id, certificate_id, pool::text, level::text, 1, updated_at)::bank_count_item FROM new_rows);
    END IF;
  ELSIF TG_TABLE_NAME = 'cases' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      items := items || ARRAY(SELECT (tenant_id, certificate_id, 'cases', level::text, -1, updated_at)::bank_count_item FROM old_rows);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      items := items || ARRAY(SELECT (tenant_id, certificate_id, 'cases', level::text, 1, updated_at)::bank_count_item FROM new_rows);
    END IF;
  ELSE -- materials: counted per certificate, whatever its levels
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      items := items || ARRAY(SELECT (tenant_id, certificate_id, 'materials', '', -1, updated_at)::bank_count_item FROM old_rows);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
      items := items || ARRAY(SELECT (tenant_id, certificate_id, 'materials', '', 1, updated_at)::bank_count_item FROM new_rows);
    END IF;
  END IF;
  PERFORM apply_bank_counts(items);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER questions_bank_counts_insert AFTER INSERT ON questions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bank_counts_after_write();
--> statement-breakpoint
CREATE TRIGGER questions_bank_counts_update AFTER UPDATE ON questions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bank_counts_after_write();
--> statement-breakpoint
CREATE TRIGGER questions_bank_counts_delete AFTER DELETE ON questions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bank_counts_after_write();
--> statement-breakpoint
CREATE TRIGGER cases_bank_counts_insert AFTER INSERT ON cases
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bank_counts_after_write();
--> statement-breakpoint
CREATE TRIGGER cases_bank_counts_update AFTER UPDATE ON cases
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bank_counts_after_write();
--> statement-breakpoint
CREATE TRIGGER cases_bank_counts_delete AFTER DELETE ON cases
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bank_counts_after_write();
--> statement-breakpoint
CREATE TRIGGER materials_bank_counts_insert AFTER INSERT ON materials
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bank_counts_after_write();
--> statement-breakpoint
CREATE TRIGGER materials_bank_counts_update AFTER UPDATE ON materials
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bank_counts_after_write();
--> statement-breakpoint
CREATE TRIGGER materials_bank_counts_delete AFTER DELETE ON materials
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bank_counts_after_write();
--> statement-breakpoint
REVOKE ALL ON FUNCTION apply_bank_counts(bank_count_item[]), bank_counts_after_write() FROM PUBLIC;
--> statement-breakpoint
-- Read by the committee (every organization) and by an organization (its own banks); written only by
-- the functions above (no write grant, so no write policy).
ALTER TABLE bank_counts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE bank_counts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT ON bank_counts TO app_user;
--> statement-breakpoint
CREATE POLICY bank_counts_read ON bank_counts FOR SELECT TO app_user
  USING (app_tenant_kind() = 'committee' OR app_is_system() OR tenant_id = app_tenant_id());
--> statement-breakpoint
INSERT INTO bank_counts (tenant_id, certificate_id, bank, level, items, last_updated)
SELECT tenant_id, certificate_id, pool::text, level::text, count(*), max(updated_at) FROM questions GROUP BY 1, 2, 3, 4
UNION ALL
SELECT tenant_id, certificate_id, 'cases', level::text, count(*), max(updated_at) FROM cases GROUP BY 1, 2, 4
UNION ALL
SELECT tenant_id, certificate_id, 'materials', '', count(*), max(updated_at) FROM materials GROUP BY 1, 2;
--> statement-breakpoint
-- The same function, the same answer (exam questions reach the committee as counts only), from the stored rows.
CREATE OR REPLACE FUNCTION question_bank_counts()
RETURNS TABLE (tenant_id uuid, certificate_id uuid, level certificate_level, pool question_pool, questions bigint, last_updated timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT b.tenant_id, b.certificate_id, b.level::certificate_level, b.bank::question_pool, b.items::bigint, b.last_updated
  FROM bank_counts b
  WHERE b.bank IN ('practice', 'exam') AND (app_tenant_kind() = 'committee' OR b.tenant_id = app_tenant_id())
$$;
--> statement-breakpoint
-- Issue 17 item 7 (decision 055, now for the notice period too): the committee admin may set the
-- notice period from a later day (never back-dated: a disclosure was judged by the period in force when
-- it was published) and withdraw it until then; the system scope (seed, operator) may back-date.
DROP POLICY notice_period_settings_write ON notice_period_settings;
--> statement-breakpoint
CREATE POLICY notice_period_settings_write ON notice_period_settings FOR INSERT TO app_user
  WITH CHECK ((app_is_committee_admin() AND effective_from >= now()) OR app_is_system());
--> statement-breakpoint
GRANT DELETE ON notice_period_settings TO app_user;
--> statement-breakpoint
CREATE POLICY notice_period_settings_withdraw ON notice_period_settings FOR DELETE TO app_user
  USING ((app_is_committee_admin() AND effective_from > now()) OR app_is_system());
--> statement-breakpoint
-- A withdrawn period re-judges what it judged (nothing, unless the system scope back-dated it).
CREATE TRIGGER notice_period_settings_findings_delete AFTER DELETE ON notice_period_settings
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION fee_findings_after_write();

--> statement-breakpoint
-- Issue 17 item 8: a pending (or refused) organization appears nowhere public (decision 042). The
-- committee evaluates admitted organizations (and suspended ones, which may be reinstated); the
-- published list names no other, whatever rows a period holds.
CREATE OR REPLACE FUNCTION organization_evaluation_evidence()
RETURNS TABLE (
  organization_id uuid, organization_name text, organization_name_en text,
  fee_findings int, upheld_violations int, open_violations int,
  trainers int, industry_trainers int, bank_updated_at timestamptz,
  reports_submitted int, reports_late int,
  filings_approved int, filings_pending int, filings_refused int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH today AS (SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date AS d),
  orgs AS (SELECT t.id, t.name, t.name_en FROM tenants t WHERE t.kind = 'organization' AND t.admission IN ('admitted', 'suspended')
    AND (app_tenant_kind() = 'committee' OR app_is_system())),
  schools AS (SELECT DISTINCT pmc.organization_id, pmc.tenant_id AS school_id FROM pilot_major_certificates pmc)
  SELECT o.id, o.name, o.name_en,
    (SELECT count(*)::int FROM fee_findings f WHERE f.tenant_id = o.id),
    (SELECT count(*)::int FROM violation_reports v WHERE v.organization_id = o.id AND v.status = 'upheld'),
    (SELECT count(*)::int FROM violation_reports v WHERE v.organization_id = o.id AND v.status IN ('received', 'investigating')),
    (SELECT count(DISTINCT c.holder_id)::int FROM credentials c
      WHERE c.tenant_id = o.id AND c.role = 'trainer' AND c.status = 'active' AND c.expires_on >= (SELECT d FROM today)),
    (SELECT count(DISTINCT c.holder_id)::int FROM credentials c JOIN credential_holders h ON h.tenant_id = c.tenant_id AND h.id = c.holder_id
      WHERE c.tenant_id = o.id AND c.role = 'trainer' AND c.status = 'active' AND c.expires_on >= (SELECT d FROM today) AND h.source = 'industry_expert'),
    (SELECT max(u) FROM (
      SELECT max(q.updated_at) AS u FROM questions q WHERE q.tenant_id = o.id
      UNION ALL SELECT max(k.updated_at) FROM cases k WHERE k.tenant_id = o.id
      UNION ALL SELECT max(m.updated_at) FROM materials m WHERE m.tenant_id = o.id) x),
    (SELECT count(*)::int FROM progress_reports r JOIN schools s ON s.school_id = r.tenant_id AND s.organization_id = o.id WHERE r.status = 'submitted'),
    (SELECT count(*)::int FROM progress_reports r JOIN schools s ON s.school_id = r.tenant_id AND s.organization_id = o.id WHERE r.status = 'submitted' AND r.late),
    (SELECT count(*)::int FROM filings fl WHERE fl.organization_id = o.id AND fl.status = 'approved'),
    (SELECT count(*)::int FROM filings fl WHERE fl.organization_id = o.id AND fl.status IN ('submitted', 'resubmitted')),
    (SELECT count(*)::int FROM filings fl WHERE fl.organization_id = o.id AND fl.status IN ('returned', 'rejected'))
  FROM orgs o
  ORDER BY o.name
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION published_evaluation(p_code text)
RETURNS TABLE (title text, finalized_at timestamptz, organization_name text, organization_name_en text, decision evaluation_decision, organization_suspended boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT p.title, p.finalized_at, t.name, t.name_en, r.decision, t.admission = 'suspended'
  FROM evaluation_periods p
  JOIN tenants c ON c.id = p.tenant_id AND c.kind = 'committee'
  LEFT JOIN (evaluation_results r JOIN tenants t ON t.id = r.organization_id AND t.admission IN ('admitted', 'suspended'))
    ON r.tenant_id = p.tenant_id AND r.period_id = p.id
  WHERE p.code = p_code AND p.status = 'finalized'
  ORDER BY array_position(array['suspend', 'warn', 'retain'], r.decision::text), t.name
$$;
