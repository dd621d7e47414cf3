-- Issue 16 items 7, 9 and the gaps of the first round (decisions 053, 054).

-- 1:80. A school's links from its pilot majors to trainer credentials. The app role reads and deletes
-- them; only link_school_credential() (SECURITY DEFINER) inserts, after checking the organization's
-- record, so no read policy on another tenant's holders is ever needed. The committee reads them.
ALTER TABLE credential_links ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE credential_links FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, DELETE ON credential_links TO app_user;
--> statement-breakpoint
CREATE POLICY credential_links_read ON credential_links FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() OR app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY credential_links_delete ON credential_links FOR DELETE TO app_user
  USING (tenant_id = app_tenant_id() AND app_tenant_kind() = 'school' AND app_role() IN ('admin', 'system'));
--> statement-breakpoint
-- Links a trainer credential to one of the school's majors when the organization's record matches:
-- the number, and the holder's name or the last 4 characters of the ID. A number that is unknown, a
-- draft, an examiner's, or whose proof does not match answers NULL: all alike, nothing more is told.
CREATE FUNCTION link_school_credential(p_major uuid, p_number text, p_proof text)
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  found record;
  linked uuid;
BEGIN
  IF app_tenant_kind() IS DISTINCT FROM 'school' OR app_role() IS DISTINCT FROM 'admin' THEN
    RAISE EXCEPTION 'only a school admin links credentials' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pilot_majors m WHERE m.tenant_id = app_tenant_id() AND m.id = p_major) THEN
    RAISE EXCEPTION 'no such major' USING ERRCODE = 'foreign_key_violation';
  END IF;
  SELECT c.tenant_id, c.id, c.number, h.name INTO found
    FROM credential_numbers n
    JOIN credentials c ON c.tenant_id = n.organization_id AND c.id = n.credential_id
    JOIN credential_holders h ON h.tenant_id = c.tenant_id AND h.id = c.holder_id
    WHERE n.number = upper(btrim(p_number)) AND c.role = 'trainer' AND c.status <> 'draft'
      AND (regexp_replace(h.name, '\s+', '', 'g') = regexp_replace(coalesce(p_proof, ''), '\s+', '', 'g')
        OR (char_length(btrim(p_proof)) = 4 AND h.id_last4 = upper(btrim(p_proof))));
  IF found.id IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO credential_links (tenant_id, major_id, organization_id, credential_id, credential_number, teacher_name, created_by_user_id)
    VALUES (app_tenant_id(), p_major, found.tenant_id, found.id, found.number, found.name, app_user_id())
    ON CONFLICT (tenant_id, major_id, credential_number) DO NOTHING
    RETURNING id INTO linked;
  IF linked IS NULL THEN
    SELECT l.id INTO linked FROM credential_links l WHERE l.tenant_id = app_tenant_id() AND l.major_id = p_major AND l.credential_number = found.number;
  END IF;
  RETURN linked;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION link_school_credential(uuid, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION link_school_credential(uuid, text, text) TO app_user;
--> statement-breakpoint
-- Whether each link of a school still counts: an active trainer credential within its dates. The
-- school itself or the committee; only the link's id and that flag cross the wall.
CREATE FUNCTION credential_link_states(p_school uuid)
RETURNS TABLE (link_id uuid, major_id uuid, counts boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT l.id, l.major_id,
    coalesce(c.status = 'active' AND c.role = 'trainer' AND c.expires_on >= (now() AT TIME ZONE 'Asia/Shanghai')::date, false)
  FROM credential_links l
  LEFT JOIN credentials c ON c.tenant_id = l.organization_id AND c.id = l.credential_id
  WHERE l.tenant_id = p_school AND (p_school = app_tenant_id() OR app_tenant_kind() = 'committee')
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION credential_link_states(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION credential_link_states(uuid) TO app_user;
--> statement-breakpoint

-- Teacher-training sessions: the organization's; every school and the committee read them (a school
-- enrols teachers in them). Owner and admin write.
ALTER TABLE training_sessions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE training_sessions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON training_sessions TO app_user;
--> statement-breakpoint
CREATE POLICY training_sessions_read ON training_sessions FOR SELECT TO app_user
  USING (tenant_id = app_tenant_id() OR app_tenant_kind() IN ('school', 'committee'));
--> statement-breakpoint
CREATE POLICY training_sessions_write ON training_sessions FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND app_tenant_kind() = 'organization' AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
CREATE POLICY training_sessions_update ON training_sessions FOR UPDATE TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'))
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
CREATE FUNCTION training_session_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.ends_on < NEW.starts_on THEN
    RAISE EXCEPTION 'a session ends on or after its first day' USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.fee_disclosure_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM fee_disclosures f WHERE f.tenant_id = NEW.tenant_id AND f.id = NEW.fee_disclosure_id AND f.kind = 'teacher_training') THEN
    RAISE EXCEPTION 'a session links a teacher-training fee disclosure only' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER training_sessions_guard BEFORE INSERT OR UPDATE ON training_sessions FOR EACH ROW EXECUTE FUNCTION training_session_guard();
--> statement-breakpoint
-- Enrolments: rows of the organization (tenant_id) written by a school's admin for its own teachers
-- (school_tenant_id), in a session it can see that is not cancelled; the organization completes them.
ALTER TABLE training_enrolments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE training_enrolments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON training_enrolments TO app_user;
--> statement-breakpoint
CREATE POLICY training_enrolments_read ON training_enrolments FOR SELECT TO app_user
  USING ((tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'editor', 'system')) OR school_tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY training_enrolments_school_write ON training_enrolments FOR INSERT TO app_user
  WITH CHECK (app_tenant_kind() = 'school' AND app_role() = 'admin' AND school_tenant_id = app_tenant_id()
    AND status = 'enrolled' AND credential_id IS NULL
    AND EXISTS (SELECT 1 FROM training_sessions s WHERE s.tenant_id = training_enrolments.tenant_id AND s.id = training_enrolments.session_id AND NOT s.cancelled));
--> statement-breakpoint
CREATE POLICY training_enrolments_update ON training_enrolments FOR UPDATE TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'))
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
-- The session's capacity, counted under a lock on the session so two schools cannot both take the last seat.
CREATE FUNCTION training_enrolment_guard() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  seats integer;
BEGIN
  SELECT capacity INTO seats FROM training_sessions WHERE tenant_id = NEW.tenant_id AND id = NEW.session_id FOR UPDATE;
  IF (SELECT count(*) FROM training_enrolments e WHERE e.tenant_id = NEW.tenant_id AND e.session_id = NEW.session_id AND e.status <> 'withdrawn') >= seats THEN
    RAISE EXCEPTION 'training_session_full: the session is full' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER training_enrolments_guard BEFORE INSERT ON training_enrolments FOR EACH ROW EXECUTE FUNCTION training_enrolment_guard();
--> statement-breakpoint

-- A tenant's district (§二.13): set by its owner or admin (a school's admin), through this function
-- only; tenants stay without an UPDATE grant (decision 019, F3).
CREATE FUNCTION set_tenant_district(p_district shanghai_district)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF app_tenant_id() IS NULL OR app_role() NOT IN ('owner', 'admin') THEN
    RAISE EXCEPTION 'only an owner or admin sets the district' USING ERRCODE = 'insufficient_privilege';
  END IF;
  UPDATE tenants SET district = p_district WHERE id = app_tenant_id();
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION set_tenant_district(shanghai_district) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION set_tenant_district(shanghai_district) TO app_user;
--> statement-breakpoint

-- /verify/:number through the public cache (decision 026): the tables verify_credential() reads bump 'verify'.
INSERT INTO public_data_versions (name) VALUES ('verify');
--> statement-breakpoint
CREATE TRIGGER credentials_bumps_verify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON credentials
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('verify');
--> statement-breakpoint
CREATE TRIGGER credential_holders_bumps_verify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON credential_holders
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('verify');
--> statement-breakpoint
CREATE TRIGGER credential_numbers_bumps_verify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON credential_numbers
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('verify');
--> statement-breakpoint
CREATE TRIGGER certificates_bumps_verify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON certificates
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('verify');
--> statement-breakpoint
CREATE TRIGGER tenants_bumps_verify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('verify');
