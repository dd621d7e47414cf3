-- Decisions 041 (email verification before a tenant) and 042 (admission by the committee): RLS of
-- the new tables, the one way to change a tenant's admission, and the walls that keep a tenant that
-- is not admitted from publishing anything (fees, library shares, credentials) whatever the app does.

-- Sign-up verifications: the auth flows' own, like password_resets (decision 021).
ALTER TABLE signup_verifications ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE signup_verifications FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON signup_verifications TO app_user;
--> statement-breakpoint
CREATE POLICY signup_verifications_auth ON signup_verifications TO app_user
  USING (app_is_system() OR app_role() = 'auth') WITH CHECK (app_is_system() OR app_role() = 'auth');
--> statement-breakpoint
ALTER TABLE signup_verifications ADD CONSTRAINT signup_verifications_kind_check CHECK (kind IN ('organization', 'school'));
--> statement-breakpoint
ALTER TABLE signup_verifications ADD CONSTRAINT signup_verifications_sizes_check
  CHECK (length(business_scope) <= 2000 AND length(proposed_certificates) <= 1000 AND length(tenant_name) <= 200);
--> statement-breakpoint
-- The login reads whether the account verified its email (users' columns are granted one by one).
GRANT SELECT (email_verified_at) ON users TO app_user;
--> statement-breakpoint

-- A new tenant is always pending: sign-up (the system scope) cannot admit itself.
ALTER POLICY tenants_sign_up ON tenants WITH CHECK (app_is_system() AND kind <> 'committee' AND admission = 'pending');
--> statement-breakpoint

-- Admission filings: the tenant's owner and admin read their own; the committee reads every one.
-- Filed in the system scope at verification; decided only through decide_admission().
ALTER TABLE tenant_admissions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenant_admissions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON tenant_admissions TO app_user;
--> statement-breakpoint
CREATE POLICY tenant_admissions_read ON tenant_admissions FOR SELECT TO app_user
  USING ((tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'))
    OR (app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'member')));
--> statement-breakpoint
CREATE POLICY tenant_admissions_file ON tenant_admissions FOR INSERT TO app_user
  WITH CHECK (app_is_system() AND tenant_id = app_tenant_id() AND status = 'pending' AND decided_at IS NULL);
--> statement-breakpoint
ALTER TABLE tenant_admissions ADD CONSTRAINT tenant_admissions_sizes_check
  CHECK (length(business_scope) <= 2000 AND length(proposed_certificates) <= 1000 AND length(reason) <= 1000);
--> statement-breakpoint
ALTER TABLE tenant_admissions ADD CONSTRAINT tenant_admissions_reason_check
  CHECK (status NOT IN ('refused', 'suspended') OR length(btrim(reason)) > 0);
--> statement-breakpoint

-- The one way to change a tenant's admission: the committee's admin (or the system scope: the seed,
-- the operator). pending → admitted | refused; admitted → suspended; suspended → admitted. A refusal
-- or a suspension carries its reason. Returns the status before.
CREATE FUNCTION decide_admission(p_tenant uuid, p_decision admission_status, p_reason text)
RETURNS admission_status LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  current_status admission_status;
  target_kind tenant_kind;
BEGIN
  IF NOT (app_is_system() OR (app_tenant_kind() = 'committee' AND app_role() = 'admin')) THEN
    RAISE EXCEPTION 'only the committee''s admin decides admissions' USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT t.admission, t.kind INTO current_status, target_kind FROM tenants t WHERE t.id = p_tenant FOR UPDATE;
  IF NOT FOUND OR target_kind = 'committee' THEN
    RAISE EXCEPTION 'no organization or school %', p_tenant USING ERRCODE = 'no_data_found';
  END IF;
  IF NOT ((current_status = 'pending' AND p_decision IN ('admitted', 'refused'))
       OR (current_status = 'admitted' AND p_decision = 'suspended')
       OR (current_status = 'suspended' AND p_decision = 'admitted')) THEN
    RAISE EXCEPTION 'admission cannot go from % to %', current_status, p_decision USING ERRCODE = 'check_violation';
  END IF;
  IF p_decision IN ('refused', 'suspended') AND length(btrim(coalesce(p_reason, ''))) = 0 THEN
    RAISE EXCEPTION 'a refusal or a suspension states its reason' USING ERRCODE = 'check_violation';
  END IF;
  UPDATE tenants SET admission = p_decision WHERE id = p_tenant;
  UPDATE tenant_admissions a SET status = p_decision, reason = coalesce(p_reason, ''), decided_at = now(), decided_by_user_id = app_user_id()
  WHERE a.tenant_id = p_tenant
    AND a.id = (SELECT b.id FROM tenant_admissions b WHERE b.tenant_id = p_tenant ORDER BY b.filed_at DESC, b.id DESC LIMIT 1);
  RETURN current_status;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION decide_admission(uuid, admission_status, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION decide_admission(uuid, admission_status, text) TO app_user;
--> statement-breakpoint

-- Whom the decision is mailed to: the applicant's owners and admins (the committee reads no other
-- tenant's members otherwise). The committee's admin and the system scope only.
CREATE FUNCTION admission_contacts(p_tenant uuid) RETURNS TABLE (email text, locale text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT (app_is_system() OR (app_tenant_kind() = 'committee' AND app_role() = 'admin')) THEN
    RAISE EXCEPTION 'only the committee''s admin reads admission contacts' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN QUERY
    SELECT u.email, u.locale FROM memberships m JOIN users u ON u.id = m.user_id
    WHERE m.tenant_id = p_tenant AND m.role IN ('owner', 'admin')
    ORDER BY m.created_at, u.email;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION admission_contacts(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION admission_contacts(uuid) TO app_user;
--> statement-breakpoint

-- The walls: what reaches the public needs an admitted tenant. Building banks, drafts and private
-- items stays open to a pending one; publishing, sharing and issuing do not.
CREATE FUNCTION require_admitted(p_tenant uuid, p_what text) RETURNS void
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  current_status admission_status;
BEGIN
  SELECT t.admission INTO current_status FROM tenants t WHERE t.id = p_tenant;
  IF current_status IS DISTINCT FROM 'admitted' THEN
    RAISE EXCEPTION 'an organization that is not admitted (%) cannot %', coalesce(current_status::text, 'unknown'), p_what
      USING ERRCODE = 'insufficient_privilege', HINT = 'admission';
  END IF;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION require_admitted(uuid, text) FROM PUBLIC;
--> statement-breakpoint
-- The triggers run as the writer: it may ask (the answer is an error or nothing).
GRANT EXECUTE ON FUNCTION require_admitted(uuid, text) TO app_user;
--> statement-breakpoint
CREATE FUNCTION fee_disclosures_admitted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'published' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'published') THEN
    PERFORM require_admitted(NEW.tenant_id, 'publish fees');
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER fee_disclosures_admitted BEFORE INSERT OR UPDATE ON fee_disclosures FOR EACH ROW EXECUTE FUNCTION fee_disclosures_admitted();
--> statement-breakpoint
CREATE FUNCTION library_share_admitted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.visibility = 'shared' AND (TG_OP = 'INSERT' OR OLD.visibility IS DISTINCT FROM 'shared') THEN
    PERFORM require_admitted(NEW.tenant_id, 'share to the library');
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER materials_share_admitted BEFORE INSERT OR UPDATE ON materials FOR EACH ROW EXECUTE FUNCTION library_share_admitted();
--> statement-breakpoint
CREATE TRIGGER cases_share_admitted BEFORE INSERT OR UPDATE ON cases FOR EACH ROW EXECUTE FUNCTION library_share_admitted();
--> statement-breakpoint
CREATE TRIGGER questions_share_admitted BEFORE INSERT OR UPDATE ON questions FOR EACH ROW EXECUTE FUNCTION library_share_admitted();
--> statement-breakpoint
CREATE FUNCTION credentials_admitted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status <> 'draft' AND (TG_OP = 'INSERT' OR OLD.status = 'draft') THEN
    PERFORM require_admitted(NEW.tenant_id, 'issue credentials');
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER credentials_admitted BEFORE INSERT OR UPDATE ON credentials FOR EACH ROW EXECUTE FUNCTION credentials_admitted();
--> statement-breakpoint

-- Mail: the auth scope enqueues the verification link and the "you already have an account" notice
-- besides the reset; the committee's admin the admission decisions. Every other line as in 0034.
ALTER POLICY email_outbox_enqueue ON email_outbox WITH CHECK (
  app_is_system()
  OR (app_role() = 'auth' AND template IN ('password-reset', 'signup-verification', 'signup-account-exists'))
  OR (app_tenant_id() IS NOT NULL AND app_user_id() IS NOT NULL AND (
    (template = 'invitation' AND app_role() IN ('owner', 'admin'))
    OR (template = 'order-confirmation' AND app_tenant_kind() = 'school' AND app_role() = 'admin')
    OR (template = 'payment-receipt' AND app_tenant_kind() = 'organization' AND app_role() IN ('owner', 'admin', 'finance'))
    OR (template = 'filing-status' AND app_tenant_kind() = 'committee' AND app_role() IN ('admin', 'member'))
    OR (template = 'admission-decision' AND app_tenant_kind() = 'committee' AND app_role() = 'admin')
  ))
);
