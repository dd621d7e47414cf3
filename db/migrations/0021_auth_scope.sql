-- Least privilege for the auth flows and the shared tables (issue 14, decision 021).
-- `auth` is the scope of login, sign-up, password reset and the invitation link before anything
-- matched: the users, sessions, password_resets and login_attempts policies admit it, no tenant table
-- does. A flow that must create a tenant or a membership switches to `system` itself, after checking.
ALTER POLICY users_read ON users USING (
  id = app_user_id() OR app_is_system() OR app_role() = 'auth'
  OR EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = app_tenant_id() AND m.user_id = users.id)
);
--> statement-breakpoint
ALTER POLICY users_insert ON users WITH CHECK (app_is_system() OR app_role() = 'auth');
--> statement-breakpoint
ALTER POLICY users_update ON users
  USING (id = app_user_id() OR app_is_system() OR app_role() = 'auth')
  WITH CHECK (id = app_user_id() OR app_is_system() OR app_role() = 'auth');
--> statement-breakpoint
ALTER POLICY sessions_own ON sessions
  USING (user_id = app_user_id() OR app_is_system() OR app_role() = 'auth')
  WITH CHECK (user_id = app_user_id() OR app_is_system() OR app_role() = 'auth');
--> statement-breakpoint
ALTER POLICY password_resets_system ON password_resets
  USING (app_is_system() OR app_role() = 'auth') WITH CHECK (app_is_system() OR app_role() = 'auth');
--> statement-breakpoint
ALTER POLICY login_attempts_system ON login_attempts
  USING (app_is_system() OR app_role() = 'auth') WITH CHECK (app_is_system() OR app_role() = 'auth');
--> statement-breakpoint

-- Co-members read each other's name and email, never the password hash: column grants. A column
-- added to users later is unreadable by the app until it is granted here too.
REVOKE SELECT ON users FROM app_user;
--> statement-breakpoint
GRANT SELECT (id, email, name, locale, created_at) ON users TO app_user;
--> statement-breakpoint
-- The login check's one way to the hash, and only in the auth or system scope.
CREATE FUNCTION login_password_hash(account uuid) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF app_role() NOT IN ('auth', 'system') THEN
    RAISE EXCEPTION 'login_password_hash is for the auth flows only' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN (SELECT u.password_hash FROM users u WHERE u.id = account);
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION login_password_hash(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION login_password_hash(uuid) TO app_user;
--> statement-breakpoint

-- An invitation link is matched here, before the transaction enters any tenant: the tenant and the
-- invitation it opens, locked (two acceptances of one link at once take turns), or nothing.
CREATE FUNCTION open_invitation(link_slug text, link_token_hash text)
RETURNS TABLE (tenant_id uuid, tenant_slug text, tenant_kind text, tenant_name text, tenant_name_en text, invitation_id uuid, email text, role text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
#variable_conflict use_column
BEGIN
  IF app_role() NOT IN ('auth', 'system') THEN
    RAISE EXCEPTION 'open_invitation is for the auth flows only' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN QUERY
    SELECT t.id, t.slug, t.kind::text, t.name, t.name_en, i.id, i.email, i.role::text
    FROM invitations i JOIN tenants t ON t.id = i.tenant_id
    WHERE t.slug = link_slug AND i.token_hash = link_token_hash
      AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()
    LIMIT 1
    FOR UPDATE OF i;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION open_invitation(text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION open_invitation(text, text) TO app_user;
--> statement-breakpoint

-- The audit log is read by the roles the app shows it to (audit:read: owners and admins).
ALTER POLICY audit_log_read ON audit_log
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint

-- Mail and account-audit entries are not anyone's to write. The outbox takes the reset mail from the
-- auth scope, anything from the system scope, and from a member only the mail their action sends.
ALTER POLICY email_outbox_enqueue ON email_outbox WITH CHECK (
  app_is_system()
  OR (app_role() = 'auth' AND template = 'password-reset')
  OR (app_tenant_id() IS NOT NULL AND app_user_id() IS NOT NULL AND (
    (template = 'invitation' AND app_role() IN ('owner', 'admin'))
    OR (template = 'order-confirmation' AND app_tenant_kind() = 'school' AND app_role() = 'admin')
    OR (template = 'payment-receipt' AND app_tenant_kind() = 'organization' AND app_role() IN ('owner', 'admin', 'finance'))
  ))
);
--> statement-breakpoint
ALTER POLICY account_audit_log_write ON account_audit_log
  WITH CHECK (app_is_system() OR app_role() = 'auth' OR (user_id IS NOT NULL AND user_id = app_user_id()));
