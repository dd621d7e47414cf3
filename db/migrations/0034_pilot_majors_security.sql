-- Issue 15, the school side: RLS for every table of db/schema/school.ts, the credit-rule overlap wall
-- (decision 036), the filing state machine's wall, and violation reports that the reported
-- organization can never read (decision 037). Every write policy checks the role (decision 019).
-- School roles: admin (the academic office, approves), teacher (proposes, maps, reports).

ALTER TABLE cohorts ADD CONSTRAINT cohorts_student_count_check CHECK (student_count >= 0 AND entry_year BETWEEN 2000 AND 2100);
--> statement-breakpoint
ALTER TABLE school_courses ADD CONSTRAINT school_courses_values_check CHECK (credits >= 0 AND (semester IS NULL OR semester BETWEEN 1 AND 12));
--> statement-breakpoint
ALTER TABLE credit_rules ADD CONSTRAINT credit_rules_values_check CHECK (credits >= 0 AND (valid_until IS NULL OR valid_until >= valid_from));
--> statement-breakpoint
ALTER TABLE filings ADD CONSTRAINT filings_record_number_check CHECK (status <> 'approved' OR coalesce(record_number, '') <> '');
--> statement-breakpoint
ALTER TABLE filings ADD CONSTRAINT filings_expected_students_check CHECK (expected_students_per_year > 0);
--> statement-breakpoint
ALTER TABLE progress_reports ADD CONSTRAINT progress_reports_counts_check
  CHECK (students_trained >= 0 AND students_assessed >= 0 AND pass_count >= 0 AND credentialed_trainers >= 0 AND pass_count <= students_assessed);
--> statement-breakpoint
ALTER TABLE report_periods ADD CONSTRAINT report_periods_dates_check CHECK (starts_on <= ends_on);
--> statement-breakpoint

-- Majors, their piloted levels and cohorts: the school reads, its admin writes; the committee reads
-- them (exam-site demand, trainer ratios).
ALTER TABLE pilot_majors ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE pilot_majors FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE pilot_major_certificates ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE pilot_major_certificates FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE cohorts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE cohorts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON pilot_majors, pilot_major_certificates, cohorts TO app_user;
--> statement-breakpoint
CREATE POLICY pilot_majors_read ON pilot_majors FOR SELECT TO app_user USING (tenant_id = app_tenant_id() OR app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY pilot_majors_write ON pilot_majors FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'system')) WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'system'));
--> statement-breakpoint
CREATE POLICY pilot_major_certificates_read ON pilot_major_certificates FOR SELECT TO app_user USING (tenant_id = app_tenant_id() OR app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY pilot_major_certificates_write ON pilot_major_certificates FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'system')) WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'system'));
--> statement-breakpoint
CREATE POLICY cohorts_read ON cohorts FOR SELECT TO app_user USING (tenant_id = app_tenant_id() OR app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY cohorts_write ON cohorts FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'system')) WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'system'));
--> statement-breakpoint
CREATE TRIGGER pilot_majors_touch BEFORE UPDATE ON pilot_majors FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
--> statement-breakpoint
CREATE TRIGGER cohorts_touch BEFORE UPDATE ON cohorts FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
--> statement-breakpoint

-- Adoptions: a teacher or the admin proposes (status 'proposed' only); the admin decides and moves
-- the pinned version. Items and mappings are the school's own.
ALTER TABLE adoptions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE adoptions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE adoption_items ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE adoption_items FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON adoptions TO app_user;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON adoption_items TO app_user;
--> statement-breakpoint
CREATE POLICY adoptions_read ON adoptions FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY adoptions_propose ON adoptions FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND (app_role() = 'system' OR (app_role() IN ('admin', 'teacher') AND status = 'proposed')));
--> statement-breakpoint
CREATE POLICY adoptions_decide ON adoptions FOR UPDATE TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'system')) WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'system'));
--> statement-breakpoint
CREATE POLICY adoption_items_read ON adoption_items FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY adoption_items_write ON adoption_items FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'teacher', 'system')) WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'teacher', 'system'));
--> statement-breakpoint
CREATE TRIGGER adoptions_touch BEFORE UPDATE ON adoptions FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
--> statement-breakpoint

ALTER TABLE school_courses ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE school_courses FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE requirement_mappings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE requirement_mappings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON school_courses, requirement_mappings TO app_user;
--> statement-breakpoint
CREATE POLICY school_courses_read ON school_courses FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY school_courses_write ON school_courses FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'teacher', 'system')) WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'teacher', 'system'));
--> statement-breakpoint
CREATE POLICY requirement_mappings_read ON requirement_mappings FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY requirement_mappings_write ON requirement_mappings FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'teacher', 'system')) WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'teacher', 'system'));
--> statement-breakpoint
CREATE TRIGGER school_courses_touch BEFORE UPDATE ON school_courses FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
--> statement-breakpoint

-- Credit rules are public (the rules in force are published at /api/v1/credit-rules); the recorder
-- writes its own: an organization's owner, admin or editor, a school's admin.
ALTER TABLE credit_rules ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE credit_rules FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON credit_rules TO app_user;
--> statement-breakpoint
CREATE POLICY credit_rules_public_read ON credit_rules FOR SELECT TO app_user USING (true);
--> statement-breakpoint
CREATE POLICY credit_rules_write ON credit_rules FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'editor', 'system'))
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'editor', 'system'));
--> statement-breakpoint
CREATE TRIGGER credit_rules_touch BEFORE UPDATE ON credit_rules FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
--> statement-breakpoint
-- At most one rule in force per key on any day (decision 036). A transaction-scoped advisory lock on
-- the key serializes writers of one key, so two overlapping inserts cannot both pass the check.
CREATE FUNCTION credit_rules_no_overlap() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(
    NEW.tenant_id::text || '/' || NEW.certificate_id::text || '/' || NEW.level::text || '/' || lower(NEW.course_code) || '/' || NEW.module, 36));
  IF EXISTS (
    SELECT 1 FROM credit_rules r
    WHERE r.tenant_id = NEW.tenant_id AND r.certificate_id = NEW.certificate_id AND r.level = NEW.level
      AND lower(r.course_code) = lower(NEW.course_code) AND r.module = NEW.module AND r.id <> NEW.id
      AND daterange(r.valid_from, r.valid_until, '[]') && daterange(NEW.valid_from, NEW.valid_until, '[]')
  ) THEN
    RAISE EXCEPTION 'credit rule overlaps another rule of the same certificate level and course'
      USING ERRCODE = 'exclusion_violation', CONSTRAINT = 'credit_rules_no_overlap';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER credit_rules_no_overlap BEFORE INSERT OR UPDATE ON credit_rules FOR EACH ROW EXECUTE FUNCTION credit_rules_no_overlap();
--> statement-breakpoint

-- Filings: the school's admin writes drafts and submits; the committee (admin or member) returns,
-- approves or rejects. The guard below is the state machine's wall.
ALTER TABLE filings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE filings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE filing_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE filing_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON filings TO app_user;
--> statement-breakpoint
GRANT SELECT, INSERT ON filing_events TO app_user;
--> statement-breakpoint
CREATE POLICY filings_read ON filings FOR SELECT TO app_user USING (tenant_id = app_tenant_id() OR app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY filings_school_insert ON filings FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'system'));
--> statement-breakpoint
CREATE POLICY filings_school_update ON filings FOR UPDATE TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'system')) WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'system'));
--> statement-breakpoint
CREATE POLICY filings_committee_update ON filings FOR UPDATE TO app_user
  USING (app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'member'))
  WITH CHECK (app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'member'));
--> statement-breakpoint
CREATE POLICY filing_events_read ON filing_events FOR SELECT TO app_user USING (tenant_id = app_tenant_id() OR app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY filing_events_write ON filing_events FOR INSERT TO app_user WITH CHECK (
  (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'system') AND actor_side = 'school')
  OR (app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'member') AND actor_side = 'committee'));
--> statement-breakpoint
CREATE FUNCTION filings_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.status <> 'draft' AND NOT app_is_system() THEN
      RAISE EXCEPTION 'a filing starts as a draft' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;
  NEW.updated_at := now();
  IF app_is_system() THEN
    RETURN NEW;
  END IF;
  IF app_tenant_kind() = 'committee' THEN
    -- The committee decides; it never edits what the school filed.
    IF (NEW.tenant_id, NEW.major_id, NEW.organization_id, NEW.certificate_id, NEW.level, NEW.expected_students_per_year,
        NEW.exam_site_plan, NEW.responsible_office, NEW.responsible_person, NEW.contact_email)
       IS DISTINCT FROM (OLD.tenant_id, OLD.major_id, OLD.organization_id, OLD.certificate_id, OLD.level, OLD.expected_students_per_year,
        OLD.exam_site_plan, OLD.responsible_office, OLD.responsible_person, OLD.contact_email)
       OR OLD.status NOT IN ('submitted', 'resubmitted') OR NEW.status NOT IN ('returned', 'approved', 'rejected') THEN
      RAISE EXCEPTION 'the committee may only return, approve or reject a submitted filing (% → %)', OLD.status, NEW.status
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END IF;
  -- The school edits a draft or a returned filing, and submits it.
  IF NOT ((OLD.status = 'draft' AND NEW.status IN ('draft', 'submitted'))
       OR (OLD.status = 'returned' AND NEW.status IN ('returned', 'resubmitted'))) THEN
    RAISE EXCEPTION 'a filing in status % cannot become % by the school', OLD.status, NEW.status
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.record_number IS DISTINCT FROM OLD.record_number THEN
    RAISE EXCEPTION 'the record number is entered on approval' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER filings_guard BEFORE INSERT OR UPDATE ON filings FOR EACH ROW EXECUTE FUNCTION filings_guard();
--> statement-breakpoint

-- Reporting periods: shared; written by the system scope (the scheduler keeps the default
-- semesters ahead) and by committee admins.
ALTER TABLE report_periods ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE report_periods FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON report_periods TO app_user;
--> statement-breakpoint
CREATE POLICY report_periods_read ON report_periods FOR SELECT TO app_user USING (true);
--> statement-breakpoint
CREATE POLICY report_periods_write ON report_periods FOR ALL TO app_user
  USING (app_is_system() OR (app_tenant_kind() = 'committee' AND app_role() = 'admin'))
  WITH CHECK (app_is_system() OR (app_tenant_kind() = 'committee' AND app_role() = 'admin'));
--> statement-breakpoint
ALTER TABLE progress_reports ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE progress_reports FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE progress_report_reminders ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE progress_report_reminders FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON progress_reports TO app_user;
--> statement-breakpoint
GRANT SELECT, INSERT ON progress_report_reminders TO app_user;
--> statement-breakpoint
CREATE POLICY progress_reports_read ON progress_reports FOR SELECT TO app_user USING (tenant_id = app_tenant_id() OR app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY progress_reports_write ON progress_reports FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'teacher', 'system'))
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'teacher', 'system'));
--> statement-breakpoint
-- Only the scheduler (system scope, all schools at once) records reminders.
CREATE POLICY progress_report_reminders_system ON progress_report_reminders FOR ALL TO app_user
  USING (app_is_system()) WITH CHECK (app_is_system());
--> statement-breakpoint
CREATE POLICY progress_report_reminders_read ON progress_report_reminders FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE TRIGGER progress_reports_touch BEFORE UPDATE ON progress_reports FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
--> statement-breakpoint

-- Violation reports (decision 037): owned by the reporting school. Read by that school and by the
-- committee, by no one else: no policy names the reported organization, and the read policy says
-- so explicitly as well. The school files (admin or teacher); only the committee moves the status.
ALTER TABLE violation_reports ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE violation_reports FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE violation_evidence ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE violation_evidence FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE violation_report_updates ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE violation_report_updates FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON violation_reports TO app_user;
--> statement-breakpoint
GRANT SELECT, INSERT ON violation_evidence, violation_report_updates TO app_user;
--> statement-breakpoint
CREATE POLICY violation_reports_read ON violation_reports FOR SELECT TO app_user USING (
  organization_id IS DISTINCT FROM app_tenant_id()
  AND (tenant_id = app_tenant_id() OR app_tenant_kind() = 'committee'));
--> statement-breakpoint
CREATE POLICY violation_reports_file ON violation_reports FOR INSERT TO app_user WITH CHECK (
  (tenant_id = app_tenant_id() AND app_tenant_kind() = 'school' AND app_role() IN ('admin', 'teacher') AND status = 'submitted')
  OR (tenant_id = app_tenant_id() AND app_is_system()));
--> statement-breakpoint
CREATE POLICY violation_reports_committee_update ON violation_reports FOR UPDATE TO app_user
  USING (app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'member'))
  WITH CHECK (app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'member'));
--> statement-breakpoint
CREATE POLICY violation_evidence_read ON violation_evidence FOR SELECT TO app_user USING (
  EXISTS (SELECT 1 FROM violation_reports r WHERE r.tenant_id = violation_evidence.tenant_id AND r.id = violation_evidence.report_id));
--> statement-breakpoint
CREATE POLICY violation_evidence_write ON violation_evidence FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('admin', 'teacher', 'system'));
--> statement-breakpoint
CREATE POLICY violation_report_updates_read ON violation_report_updates FOR SELECT TO app_user USING (
  EXISTS (SELECT 1 FROM violation_reports r WHERE r.tenant_id = violation_report_updates.tenant_id AND r.id = violation_report_updates.report_id));
--> statement-breakpoint
CREATE POLICY violation_report_updates_write ON violation_report_updates FOR INSERT TO app_user
  WITH CHECK (app_is_system() OR (app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'member')));
--> statement-breakpoint
-- The committee moves the status; what the school reported never changes.
CREATE FUNCTION violation_reports_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.tenant_id, NEW.organization_id, NEW.category, NEW.description, NEW.created_by_user_id, NEW.created_at)
     IS DISTINCT FROM (OLD.tenant_id, OLD.organization_id, OLD.category, OLD.description, OLD.created_by_user_id, OLD.created_at) THEN
    RAISE EXCEPTION 'a violation report is a record: only its status changes' USING ERRCODE = 'insufficient_privilege';
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER violation_reports_guard BEFORE UPDATE ON violation_reports FOR EACH ROW EXECUTE FUNCTION violation_reports_guard();
--> statement-breakpoint

-- Emails of the school side: filing decisions are enqueued by the committee; progress-report
-- reminders by the scheduler (system scope, already allowed).
ALTER POLICY email_outbox_enqueue ON email_outbox WITH CHECK (
  app_is_system()
  OR (app_role() = 'auth' AND template = 'password-reset')
  OR (app_tenant_id() IS NOT NULL AND app_user_id() IS NOT NULL AND (
    (template = 'invitation' AND app_role() IN ('owner', 'admin'))
    OR (template = 'order-confirmation' AND app_tenant_kind() = 'school' AND app_role() = 'admin')
    OR (template = 'payment-receipt' AND app_tenant_kind() = 'organization' AND app_role() IN ('owner', 'admin', 'finance'))
    OR (template = 'filing-status' AND app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'member'))
  ))
);
