-- Isolation in the database. The app's queries run as app_user (SET LOCAL ROLE in every request
-- transaction), a role that owns nothing and can bypass nothing. Every tenant-owned table has RLS
-- enabled AND forced; policies read the request's settings and fail closed when none are set.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_user') THEN
    CREATE ROLE app_user NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END
$$;
--> statement-breakpoint
ALTER ROLE app_user NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO app_user;
--> statement-breakpoint
CREATE FUNCTION app_tenant_id() RETURNS uuid LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
--> statement-breakpoint
CREATE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;
--> statement-breakpoint
CREATE FUNCTION app_role() RETURNS text LANGUAGE sql STABLE AS
  $$ SELECT coalesce(nullif(current_setting('app.role', true), ''), 'none') $$;
--> statement-breakpoint
-- 'system' is the explicit scope of the auth flows and the background workers (never a member role).
CREATE FUNCTION app_is_system() RETURNS boolean LANGUAGE sql STABLE AS
  $$ SELECT app_role() = 'system' $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_tenant_id(), app_user_id(), app_role(), app_is_system() TO app_user;
--> statement-breakpoint
ALTER TABLE tenants ADD CONSTRAINT tenants_credit_code_required
  CHECK (kind = 'committee' OR credit_code IS NOT NULL);
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON tenants TO app_user;
--> statement-breakpoint

-- Tenant-owned tables.
ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships TO app_user;
--> statement-breakpoint
CREATE POLICY memberships_tenant ON memberships FOR ALL TO app_user
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
-- A user lists their own memberships across tenants (the tenant switcher); the auth flow resolves them.
CREATE POLICY memberships_own ON memberships FOR SELECT TO app_user
  USING (user_id = app_user_id() OR app_is_system());
--> statement-breakpoint
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON invitations TO app_user;
--> statement-breakpoint
CREATE POLICY invitations_tenant ON invitations FOR ALL TO app_user
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON audit_log TO app_user;
--> statement-breakpoint
CREATE POLICY audit_log_read ON audit_log FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY audit_log_write ON audit_log FOR INSERT TO app_user WITH CHECK (tenant_id = app_tenant_id());
--> statement-breakpoint

-- Shared tables hold credentials and mail: they get RLS too, keyed on the user or the system scope.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE users FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON users TO app_user;
--> statement-breakpoint
CREATE POLICY users_read ON users FOR SELECT TO app_user USING (
  id = app_user_id() OR app_is_system()
  OR EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = app_tenant_id() AND m.user_id = users.id)
);
--> statement-breakpoint
CREATE POLICY users_insert ON users FOR INSERT TO app_user WITH CHECK (app_is_system());
--> statement-breakpoint
CREATE POLICY users_update ON users FOR UPDATE TO app_user
  USING (id = app_user_id() OR app_is_system()) WITH CHECK (id = app_user_id() OR app_is_system());
--> statement-breakpoint
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON sessions TO app_user;
--> statement-breakpoint
CREATE POLICY sessions_own ON sessions FOR ALL TO app_user
  USING (user_id = app_user_id() OR app_is_system()) WITH CHECK (user_id = app_user_id() OR app_is_system());
--> statement-breakpoint
ALTER TABLE password_resets ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE password_resets FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON password_resets TO app_user;
--> statement-breakpoint
CREATE POLICY password_resets_system ON password_resets FOR ALL TO app_user
  USING (app_is_system()) WITH CHECK (app_is_system());
--> statement-breakpoint
ALTER TABLE login_attempts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE login_attempts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON login_attempts TO app_user;
--> statement-breakpoint
CREATE POLICY login_attempts_system ON login_attempts FOR ALL TO app_user
  USING (app_is_system()) WITH CHECK (app_is_system());
--> statement-breakpoint
ALTER TABLE email_outbox ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE email_outbox FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON email_outbox TO app_user;
--> statement-breakpoint
-- Any request may enqueue mail; only the worker (system scope) reads and updates it.
CREATE POLICY email_outbox_enqueue ON email_outbox FOR INSERT TO app_user
  WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY email_outbox_worker ON email_outbox FOR SELECT TO app_user USING (app_is_system());
--> statement-breakpoint
CREATE POLICY email_outbox_deliver ON email_outbox FOR UPDATE TO app_user
  USING (app_is_system()) WITH CHECK (app_is_system());
--> statement-breakpoint
ALTER TABLE account_audit_log ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE account_audit_log FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON account_audit_log TO app_user;
--> statement-breakpoint
CREATE POLICY account_audit_log_read ON account_audit_log FOR SELECT TO app_user
  USING (user_id = app_user_id() OR app_is_system());
--> statement-breakpoint
CREATE POLICY account_audit_log_write ON account_audit_log FOR INSERT TO app_user WITH CHECK (true);
--> statement-breakpoint
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO app_user;
--> statement-breakpoint

-- The audit logs are append-only, whoever asks (the owner included).
CREATE FUNCTION reject_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit log is append-only: % rejected on %', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION reject_audit_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION reject_audit_change();
--> statement-breakpoint
CREATE TRIGGER account_audit_log_no_update BEFORE UPDATE OR DELETE ON account_audit_log
  FOR EACH ROW EXECUTE FUNCTION reject_audit_change();
--> statement-breakpoint
CREATE TRIGGER account_audit_log_no_truncate BEFORE TRUNCATE ON account_audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION reject_audit_change();
