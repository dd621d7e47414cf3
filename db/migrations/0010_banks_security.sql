-- Materials, cases and questions: the organization's own rows, editors write. Shared items are
-- readable by schools (the shared course library); the committee supervises materials and cases.
-- Exam-pool questions (教考分离) are readable by the owning organization only: no policy lets a
-- school, the committee or the shared library see them; the committee gets counts through
-- question_bank_counts().
ALTER TABLE questions ADD CONSTRAINT questions_difficulty_check CHECK (difficulty BETWEEN 1 AND 5);
--> statement-breakpoint
ALTER TABLE questions ADD CONSTRAINT questions_exam_private_check CHECK (pool = 'practice' OR visibility = 'private');
--> statement-breakpoint
ALTER TABLE materials ADD CONSTRAINT materials_isbn_check CHECK (isbn IS NULL OR isbn ~ '^(97[89])?[0-9]{9}[0-9X]$');
--> statement-breakpoint
ALTER TABLE material_attachments ADD CONSTRAINT material_attachments_size_check CHECK (size_bytes >= 0);
--> statement-breakpoint
ALTER TABLE materials ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE materials FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE material_attachments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE material_attachments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE cases ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE cases FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE questions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE questions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE question_versions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE question_versions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE import_jobs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE import_jobs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON materials, material_attachments, cases, questions, import_jobs TO app_user;
--> statement-breakpoint
-- A published version of a question is a record: it is added, never changed.
GRANT SELECT, INSERT ON question_versions TO app_user;
--> statement-breakpoint
CREATE POLICY materials_tenant_read ON materials FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY materials_tenant_write ON materials FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_can_edit()) WITH CHECK (tenant_id = app_tenant_id() AND app_can_edit());
--> statement-breakpoint
CREATE POLICY materials_shared_read ON materials FOR SELECT TO app_user USING (visibility = 'shared' AND app_tenant_kind() = 'school');
--> statement-breakpoint
CREATE POLICY materials_committee_read ON materials FOR SELECT TO app_user USING (app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY material_attachments_tenant_read ON material_attachments FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY material_attachments_tenant_write ON material_attachments FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_can_edit()) WITH CHECK (tenant_id = app_tenant_id() AND app_can_edit());
--> statement-breakpoint
CREATE POLICY material_attachments_shared_read ON material_attachments FOR SELECT TO app_user USING (
  app_tenant_kind() IN ('school', 'committee') AND EXISTS (
    SELECT 1 FROM materials m WHERE m.tenant_id = material_attachments.tenant_id AND m.id = material_attachments.material_id)
);
--> statement-breakpoint
CREATE POLICY cases_tenant_read ON cases FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY cases_tenant_write ON cases FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_can_edit()) WITH CHECK (tenant_id = app_tenant_id() AND app_can_edit());
--> statement-breakpoint
CREATE POLICY cases_shared_read ON cases FOR SELECT TO app_user USING (visibility = 'shared' AND app_tenant_kind() = 'school');
--> statement-breakpoint
CREATE POLICY cases_committee_read ON cases FOR SELECT TO app_user USING (app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY questions_tenant_read ON questions FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY questions_tenant_write ON questions FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_can_edit()) WITH CHECK (tenant_id = app_tenant_id() AND app_can_edit());
--> statement-breakpoint
CREATE POLICY questions_shared_read ON questions FOR SELECT TO app_user
  USING (pool = 'practice' AND visibility = 'shared' AND status = 'published' AND app_tenant_kind() = 'school');
--> statement-breakpoint
CREATE POLICY question_versions_tenant_read ON question_versions FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY question_versions_tenant_write ON question_versions FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND app_can_edit());
--> statement-breakpoint
CREATE POLICY question_versions_shared_read ON question_versions FOR SELECT TO app_user USING (
  pool = 'practice' AND app_tenant_kind() = 'school' AND EXISTS (
    SELECT 1 FROM questions q WHERE q.tenant_id = question_versions.tenant_id AND q.id = question_versions.question_id)
);
--> statement-breakpoint
CREATE POLICY import_jobs_tenant ON import_jobs FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_can_edit()) WITH CHECK (tenant_id = app_tenant_id() AND app_can_edit());
--> statement-breakpoint
CREATE POLICY import_jobs_system ON import_jobs FOR ALL TO app_user USING (app_is_system()) WITH CHECK (app_is_system());
--> statement-breakpoint
-- Counts of the question bank per organization, certificate, level and pool: all the committee
-- learns of an exam pool. Runs as the owner (past RLS), so it checks the caller itself.
CREATE FUNCTION question_bank_counts()
RETURNS TABLE (tenant_id uuid, certificate_id uuid, level certificate_level, pool question_pool, questions bigint, last_updated timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT q.tenant_id, q.certificate_id, q.level, q.pool, count(*), max(q.updated_at)
  FROM questions q
  WHERE app_tenant_kind() = 'committee' OR q.tenant_id = app_tenant_id()
  GROUP BY q.tenant_id, q.certificate_id, q.level, q.pool
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION question_bank_counts() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION question_bank_counts() TO app_user;
--> statement-breakpoint
-- Every change of a bank item is audited by the app; updated_at moves with every update here.
CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER materials_touch BEFORE UPDATE ON materials FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
--> statement-breakpoint
CREATE TRIGGER cases_touch BEFORE UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
--> statement-breakpoint
CREATE TRIGGER questions_touch BEFORE UPDATE ON questions FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
