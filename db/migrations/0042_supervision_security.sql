-- Issue 17: RLS, grants and walls for db/schema/supervision.ts and the new triage rules. Every write
-- policy checks the role (decision 019). Decisions 046 (evaluations), 047 (the committee's private
-- rows about another tenant's record), 048 (violation triage).

-- Evaluations: the committee's own rows. Every committee member reads; members and the admin score
-- (each only their own scores); only the admin sets weights, decides and finalizes.
ALTER TABLE evaluation_periods ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE evaluation_periods FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE evaluation_weights ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE evaluation_weights FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE evaluation_scores ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE evaluation_scores FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE evaluation_results ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE evaluation_results FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON evaluation_periods TO app_user;
--> statement-breakpoint
GRANT SELECT, INSERT ON evaluation_weights TO app_user;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON evaluation_scores, evaluation_results TO app_user;
--> statement-breakpoint
CREATE POLICY evaluation_periods_read ON evaluation_periods FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() AND app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY evaluation_periods_write ON evaluation_periods FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'system'))
  WITH CHECK (tenant_id = app_tenant_id() AND app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'system'));
--> statement-breakpoint
CREATE POLICY evaluation_weights_read ON evaluation_weights FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() AND app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY evaluation_weights_write ON evaluation_weights FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'system'));
--> statement-breakpoint
CREATE POLICY evaluation_scores_read ON evaluation_scores FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() AND app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY evaluation_scores_write ON evaluation_scores FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND app_tenant_kind() = 'committee'
    AND (app_role() = 'system' OR (app_role() IN ('admin', 'member') AND member_user_id = app_user_id())));
--> statement-breakpoint
CREATE POLICY evaluation_scores_update ON evaluation_scores FOR UPDATE TO app_user
  USING (tenant_id = app_tenant_id() AND app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'member') AND member_user_id = app_user_id())
  WITH CHECK (tenant_id = app_tenant_id() AND app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'member') AND member_user_id = app_user_id());
--> statement-breakpoint
CREATE POLICY evaluation_results_read ON evaluation_results FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() AND app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY evaluation_results_write ON evaluation_results FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'system'))
  WITH CHECK (tenant_id = app_tenant_id() AND app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'system'));
--> statement-breakpoint
CREATE TRIGGER evaluation_scores_touch BEFORE UPDATE ON evaluation_scores FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
--> statement-breakpoint
-- A finalized period is a record (decision 046): nothing of it changes, for any caller, the system
-- scope included. Runs as the owner so the period is found whatever the caller may read.
CREATE FUNCTION evaluation_period_guard() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF OLD.status = 'finalized' THEN
    RAISE EXCEPTION 'evaluation period % is finalized and cannot change', OLD.code USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER evaluation_period_guard BEFORE UPDATE OR DELETE ON evaluation_periods FOR EACH ROW EXECUTE FUNCTION evaluation_period_guard();
--> statement-breakpoint
CREATE FUNCTION evaluation_frozen() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  r record;
BEGIN
  r := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  -- FOR SHARE: a write racing the finalizing UPDATE waits for it, then sees the period finalized.
  PERFORM 1 FROM evaluation_periods p WHERE p.tenant_id = r.tenant_id AND p.id = r.period_id FOR SHARE;
  IF EXISTS (SELECT 1 FROM evaluation_periods p WHERE p.tenant_id = r.tenant_id AND p.id = r.period_id AND p.status = 'finalized')
     OR (TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM evaluation_periods p WHERE p.tenant_id = OLD.tenant_id AND p.id = OLD.period_id AND p.status = 'finalized')) THEN
    RAISE EXCEPTION 'the evaluation period is finalized: % refused on %', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN r;
END
$$;
--> statement-breakpoint
CREATE TRIGGER evaluation_weights_frozen BEFORE INSERT OR UPDATE OR DELETE ON evaluation_weights FOR EACH ROW EXECUTE FUNCTION evaluation_frozen();
--> statement-breakpoint
CREATE TRIGGER evaluation_scores_frozen BEFORE INSERT OR UPDATE OR DELETE ON evaluation_scores FOR EACH ROW EXECUTE FUNCTION evaluation_frozen();
--> statement-breakpoint
CREATE TRIGGER evaluation_results_frozen BEFORE INSERT OR UPDATE OR DELETE ON evaluation_results FOR EACH ROW EXECUTE FUNCTION evaluation_frozen();
--> statement-breakpoint
-- TRUNCATE skips row triggers: refuse it outright on the evaluation tables.
CREATE FUNCTION evaluation_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'evaluation records are not truncated' USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER evaluation_periods_no_truncate BEFORE TRUNCATE ON evaluation_periods FOR EACH STATEMENT EXECUTE FUNCTION evaluation_no_truncate();
--> statement-breakpoint
CREATE TRIGGER evaluation_results_no_truncate BEFORE TRUNCATE ON evaluation_results FOR EACH STATEMENT EXECUTE FUNCTION evaluation_no_truncate();
--> statement-breakpoint
CREATE TRIGGER evaluation_scores_no_truncate BEFORE TRUNCATE ON evaluation_scores FOR EACH STATEMENT EXECUTE FUNCTION evaluation_no_truncate();
--> statement-breakpoint
CREATE TRIGGER evaluation_weights_no_truncate BEFORE TRUNCATE ON evaluation_weights FOR EACH STATEMENT EXECUTE FUNCTION evaluation_no_truncate();
--> statement-breakpoint

-- The evidence beside each score, computed from the data of every organization: the committee reads
-- counts, never the rows it cannot read (credentials, exam questions). Runs as the owner and checks
-- the caller itself, as question_bank_counts() does.
CREATE FUNCTION organization_evaluation_evidence()
RETURNS TABLE (
  organization_id uuid, organization_name text, organization_name_en text,
  fee_findings int, upheld_violations int, open_violations int,
  trainers int, industry_trainers int, bank_updated_at timestamptz,
  reports_submitted int, reports_late int,
  filings_approved int, filings_pending int, filings_refused int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH today AS (SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date AS d),
  orgs AS (SELECT t.id, t.name, t.name_en FROM tenants t WHERE t.kind = 'organization' AND (app_tenant_kind() = 'committee' OR app_is_system())),
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
REVOKE ALL ON FUNCTION organization_evaluation_evidence() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION organization_evaluation_evidence() TO app_user;
--> statement-breakpoint
-- The published result list (/evaluations/:period, no login): of a finalized period only, the
-- organization and the decision; never the scores, comments or notes.
CREATE FUNCTION published_evaluation(p_code text)
RETURNS TABLE (title text, finalized_at timestamptz, organization_name text, organization_name_en text, decision evaluation_decision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT p.title, p.finalized_at, t.name, t.name_en, r.decision
  FROM evaluation_periods p
  JOIN tenants c ON c.id = p.tenant_id AND c.kind = 'committee'
  LEFT JOIN evaluation_results r ON r.tenant_id = p.tenant_id AND r.period_id = p.id
  LEFT JOIN tenants t ON t.id = r.organization_id
  WHERE p.code = p_code AND p.status = 'finalized'
  ORDER BY array_position(array['suspend', 'warn', 'retain'], r.decision::text), t.name
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION published_evaluation(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION published_evaluation(text) TO app_user;
--> statement-breakpoint
INSERT INTO public_data_versions (name) VALUES ('evaluations'), ('typical_cases');
--> statement-breakpoint
CREATE TRIGGER evaluation_periods_bumps_evaluations AFTER INSERT OR UPDATE OR DELETE ON evaluation_periods
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('evaluations');
--> statement-breakpoint
CREATE TRIGGER evaluation_results_bumps_evaluations AFTER INSERT OR UPDATE OR DELETE ON evaluation_results
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('evaluations');
--> statement-breakpoint
CREATE TRIGGER tenants_bumps_evaluations AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('evaluations');
--> statement-breakpoint

-- Violation triage (decision 048). The committee's internal notes are rows of the reporting school
-- that only the committee reads: no policy admits the school or the reported organization.
ALTER TABLE violation_report_notes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE violation_report_notes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON violation_report_notes TO app_user;
--> statement-breakpoint
CREATE POLICY violation_report_notes_read ON violation_report_notes FOR SELECT TO app_user USING (app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY violation_report_notes_write ON violation_report_notes FOR INSERT TO app_user
  WITH CHECK (app_is_system() OR (app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'member') AND author_user_id = app_user_id()));
--> statement-breakpoint
-- What the reported organization is told: its own rows, written by the committee.
ALTER TABLE violation_disclosures ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE violation_disclosures FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON violation_disclosures TO app_user;
--> statement-breakpoint
CREATE POLICY violation_disclosures_read ON violation_disclosures FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() OR app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY violation_disclosures_write ON violation_disclosures FOR INSERT TO app_user
  WITH CHECK ((app_is_system() OR (app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'member')))
    AND EXISTS (SELECT 1 FROM tenants t WHERE t.id = tenant_id AND t.kind = 'organization'));
--> statement-breakpoint
-- The triage's steps: received → investigating → upheld | dismissed (a note without a move keeps
-- the status). What the school reported never changes.
CREATE OR REPLACE FUNCTION violation_reports_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.tenant_id, NEW.organization_id, NEW.category, NEW.description, NEW.created_by_user_id, NEW.created_at)
     IS DISTINCT FROM (OLD.tenant_id, OLD.organization_id, OLD.category, OLD.description, OLD.created_by_user_id, OLD.created_at) THEN
    RAISE EXCEPTION 'a violation report is a record: only its status changes' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status AND NOT app_is_system() AND NOT (
       (OLD.status = 'received' AND NEW.status = 'investigating')
    OR (OLD.status = 'investigating' AND NEW.status IN ('upheld', 'dismissed'))) THEN
    RAISE EXCEPTION 'a violation report cannot go from % to %', OLD.status, NEW.status USING ERRCODE = 'check_violation';
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
--> statement-breakpoint

-- Typical cases: a school (admin, teacher) or an organization (owner, admin, editor) submits; its
-- members read their own; the committee reads all and its admin selects or declines; a selected
-- case is public (/cases/selected). Scores are rows of the case's tenant that only the committee reads.
ALTER TABLE typical_cases ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE typical_cases FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE typical_case_scores ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE typical_case_scores FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON typical_cases, typical_case_scores TO app_user;
--> statement-breakpoint
CREATE POLICY typical_cases_read ON typical_cases FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() OR app_tenant_kind() = 'committee' OR status = 'selected');
--> statement-breakpoint
CREATE POLICY typical_cases_submit ON typical_cases FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND status = 'submitted' AND (
    (app_tenant_kind() = 'school' AND app_role() IN ('admin', 'teacher'))
    OR (app_tenant_kind() = 'organization' AND app_role() IN ('owner', 'admin', 'editor'))
    OR app_is_system()));
--> statement-breakpoint
CREATE POLICY typical_cases_decide ON typical_cases FOR UPDATE TO app_user
  USING (app_is_system() OR (app_tenant_kind() = 'committee' AND app_role() = 'admin'))
  WITH CHECK (app_is_system() OR (app_tenant_kind() = 'committee' AND app_role() = 'admin'));
--> statement-breakpoint
CREATE FUNCTION typical_cases_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.tenant_id, NEW.title, NEW.summary, NEW.body, NEW.submitted_by_user_id, NEW.created_at)
     IS DISTINCT FROM (OLD.tenant_id, OLD.title, OLD.summary, OLD.body, OLD.submitted_by_user_id, OLD.created_at) THEN
    RAISE EXCEPTION 'the committee decides on a typical case; it never edits it' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER typical_cases_guard BEFORE UPDATE ON typical_cases FOR EACH ROW EXECUTE FUNCTION typical_cases_guard();
--> statement-breakpoint
CREATE POLICY typical_case_scores_read ON typical_case_scores FOR SELECT TO app_user USING (app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY typical_case_scores_write ON typical_case_scores FOR INSERT TO app_user
  WITH CHECK (app_is_system() OR (app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'member') AND member_user_id = app_user_id()));
--> statement-breakpoint
CREATE POLICY typical_case_scores_update ON typical_case_scores FOR UPDATE TO app_user
  USING (app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'member') AND member_user_id = app_user_id())
  WITH CHECK (app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'member') AND member_user_id = app_user_id());
--> statement-breakpoint
CREATE TRIGGER typical_case_scores_touch BEFORE UPDATE ON typical_case_scores FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
--> statement-breakpoint
CREATE TRIGGER typical_cases_bumps_typical_cases AFTER INSERT OR UPDATE OR DELETE ON typical_cases
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('typical_cases');
--> statement-breakpoint
CREATE TRIGGER tenants_bumps_typical_cases AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('typical_cases');
