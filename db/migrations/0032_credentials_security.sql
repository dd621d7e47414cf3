-- Trainers, examiners and exam sites (issue 16). Holders and credentials: owner and admin write,
-- editors read; finance and viewers see none of the people (personal data). The public reads one
-- credential at a time through verify_credential(), never the tables.
CREATE SEQUENCE credential_number_seq;
--> statement-breakpoint
GRANT USAGE ON SEQUENCE credential_number_seq TO app_user;
--> statement-breakpoint
ALTER TABLE credential_holders ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE credential_holders FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON credential_holders TO app_user;
--> statement-breakpoint
CREATE POLICY credential_holders_read ON credential_holders FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'editor', 'system'));
--> statement-breakpoint
CREATE POLICY credential_holders_write ON credential_holders FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND app_tenant_kind() = 'organization' AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
CREATE POLICY credential_holders_update ON credential_holders FOR UPDATE TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'))
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
ALTER TABLE credentials ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE credentials FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON credentials TO app_user;
--> statement-breakpoint
CREATE POLICY credentials_read ON credentials FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'editor', 'system'));
--> statement-breakpoint
CREATE POLICY credentials_write ON credentials FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND app_tenant_kind() = 'organization' AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
CREATE POLICY credentials_update ON credentials FOR UPDATE TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'))
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
-- The number is the credential's public identity: never changed. Each status it takes is written to
-- the append-only history by this trigger, so no code path can change a status without a trace.
CREATE FUNCTION credential_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (NEW.number <> OLD.number OR NEW.tenant_id <> OLD.tenant_id OR NEW.holder_id <> OLD.holder_id) THEN
    RAISE EXCEPTION 'a credential keeps its number and holder' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.expires_on <= NEW.issued_on THEN
    RAISE EXCEPTION 'a credential expires after it is issued' USING ERRCODE = 'check_violation';
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER credentials_guard BEFORE INSERT OR UPDATE ON credentials FOR EACH ROW EXECUTE FUNCTION credential_guard();
--> statement-breakpoint
CREATE FUNCTION credential_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status OR NEW.status_reason IS DISTINCT FROM OLD.status_reason THEN
    INSERT INTO credential_status_history (tenant_id, credential_id, status, reason, changed_by_user_id)
    VALUES (NEW.tenant_id, NEW.id, NEW.status, NEW.status_reason, app_user_id());
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER credentials_history AFTER INSERT OR UPDATE ON credentials FOR EACH ROW EXECUTE FUNCTION credential_history();
--> statement-breakpoint
-- The register of numbers, for the public lookup: written by the system trigger only.
CREATE FUNCTION credential_register_number() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO credential_numbers (number, organization_id, credential_id) VALUES (NEW.number, NEW.tenant_id, NEW.id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER credentials_register_number AFTER INSERT ON credentials FOR EACH ROW EXECUTE FUNCTION credential_register_number();
--> statement-breakpoint
ALTER TABLE credential_numbers ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE credential_numbers FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE credential_status_history ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE credential_status_history FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON credential_status_history TO app_user;
--> statement-breakpoint
CREATE POLICY credential_status_history_read ON credential_status_history FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'editor', 'system'));
--> statement-breakpoint
CREATE POLICY credential_status_history_write ON credential_status_history FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
ALTER TABLE credential_evidence ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE credential_evidence FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON credential_evidence TO app_user;
--> statement-breakpoint
CREATE POLICY credential_evidence_read ON credential_evidence FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'editor', 'system'));
--> statement-breakpoint
CREATE POLICY credential_evidence_write ON credential_evidence FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'))
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
-- Reminders are the scheduler's (system scope); members read which were sent.
ALTER TABLE credential_reminders ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE credential_reminders FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON credential_reminders TO app_user;
--> statement-breakpoint
CREATE POLICY credential_reminders_read ON credential_reminders FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'editor', 'system'));
--> statement-breakpoint
CREATE POLICY credential_reminders_write ON credential_reminders FOR INSERT TO app_user
  WITH CHECK (app_is_system());
--> statement-breakpoint

-- 张*明, 张*, 欧阳**; Latin names: the first name's initial and the rest (J. Smith).
CREATE FUNCTION mask_holder_name(p_name text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN n ~ '^[A-Za-z]' THEN upper(left(n, 1)) || '.' || CASE WHEN position(' ' IN n) > 0 THEN ' ' || substr(n, position(' ' IN n) + 1) ELSE '' END
    WHEN char_length(n) <= 1 THEN '*'
    WHEN char_length(n) = 2 THEN left(n, 1) || '*'
    ELSE left(n, 1) || repeat('*', char_length(n) - 2) || right(n, 1)
  END
  FROM (SELECT regexp_replace(btrim(p_name), '\s+', ' ', 'g') AS n) x
$$;
--> statement-breakpoint
-- The public verification: one credential by its number, only the minimized fields. Drafts are not
-- public; a credential past its date reads expired even before the nightly job stores it.
CREATE FUNCTION verify_credential(p_number text)
RETURNS TABLE (
  number text, status text, holder text, organization_name text, organization_name_en text, role text,
  certificate_code text, certificate_name_zh text, certificate_name_en text, levels text[], issued_on date, expires_on date
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT c.number,
    CASE WHEN c.status IN ('active', 'suspended') AND c.expires_on < (now() AT TIME ZONE 'Asia/Shanghai')::date THEN 'expired' ELSE c.status::text END,
    mask_holder_name(h.name), t.name, t.name_en, c.role::text,
    cert.code, cert.name_zh, cert.name_en, c.levels::text[], c.issued_on, c.expires_on
  FROM credential_numbers n
  JOIN credentials c ON c.tenant_id = n.organization_id AND c.id = n.credential_id
  JOIN credential_holders h ON h.tenant_id = c.tenant_id AND h.id = c.holder_id
  JOIN certificates cert ON cert.tenant_id = c.tenant_id AND cert.id = c.certificate_id
  JOIN tenants t ON t.id = c.tenant_id
  WHERE n.number = p_number AND c.status <> 'draft'
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION verify_credential(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION verify_credential(text), mask_holder_name(text) TO app_user;
--> statement-breakpoint

-- Exam sites: the organization's rows; a school sees the sites it hosts and proposes new ones.
ALTER TABLE exam_sites ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE exam_sites FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON exam_sites TO app_user;
--> statement-breakpoint
CREATE POLICY exam_sites_read ON exam_sites FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() OR host_tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY exam_sites_write ON exam_sites FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
CREATE POLICY exam_sites_school_proposal ON exam_sites FOR INSERT TO app_user
  WITH CHECK (app_tenant_kind() = 'school' AND app_role() = 'admin' AND status = 'proposed'
    AND host_tenant_id = app_tenant_id() AND proposed_by_tenant_id = app_tenant_id()
    AND EXISTS (SELECT 1 FROM tenants o WHERE o.id = tenant_id AND o.kind = 'organization'));
--> statement-breakpoint
CREATE POLICY exam_sites_update ON exam_sites FOR UPDATE TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'))
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
ALTER TABLE assessment_sessions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE assessment_sessions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON assessment_sessions TO app_user;
--> statement-breakpoint
CREATE POLICY assessment_sessions_read ON assessment_sessions FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'editor', 'system'));
--> statement-breakpoint
CREATE POLICY assessment_sessions_write ON assessment_sessions FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
ALTER TABLE examiner_assignments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE examiner_assignments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON examiner_assignments TO app_user;
--> statement-breakpoint
CREATE POLICY examiner_assignments_read ON examiner_assignments FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'editor', 'system'));
--> statement-breakpoint
CREATE POLICY examiner_assignments_write ON examiner_assignments FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'))
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
-- The conflict rule (教考分离 at the site): an examiner never assesses at a site of their own employer.
-- Only active examiner credentials can be assigned. The message names the rule; the app shows it.
CREATE FUNCTION examiner_assignment_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  examiner record;
  site record;
BEGIN
  SELECT c.role, c.status, h.employer_tenant_id INTO examiner
    FROM credentials c JOIN credential_holders h ON h.tenant_id = c.tenant_id AND h.id = c.holder_id
    WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.credential_id;
  SELECT s.host_tenant_id INTO site
    FROM assessment_sessions a JOIN exam_sites s ON s.tenant_id = a.tenant_id AND s.id = a.site_id
    WHERE a.tenant_id = NEW.tenant_id AND a.id = NEW.session_id;
  IF examiner.role IS DISTINCT FROM 'examiner' OR examiner.status IS DISTINCT FROM 'active' THEN
    RAISE EXCEPTION 'examiner_not_active: only an active examiner credential can be assigned' USING ERRCODE = 'check_violation';
  END IF;
  IF examiner.employer_tenant_id IS NOT NULL AND examiner.employer_tenant_id = site.host_tenant_id THEN
    RAISE EXCEPTION 'examiner_employer_is_host: the examiner''s employer hosts this exam site' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER examiner_assignments_guard BEFORE INSERT OR UPDATE ON examiner_assignments
  FOR EACH ROW EXECUTE FUNCTION examiner_assignment_guard();
