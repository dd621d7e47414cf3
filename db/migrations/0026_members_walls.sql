-- Issue 14 items 5 and 7 (decisions 029, 030): access can be revoked, and the limits of the auth flows.

-- Rate-limit hits are the auth flows' own (like login_attempts): the auth and system scopes only.
ALTER TABLE rate_limit_hits ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE rate_limit_hits FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON rate_limit_hits TO app_user;
--> statement-breakpoint
CREATE POLICY rate_limit_hits_auth ON rate_limit_hits FOR ALL TO app_user
  USING (app_is_system() OR app_role() = 'auth') WITH CHECK (app_is_system() OR app_role() = 'auth');
--> statement-breakpoint

-- A removed member's invitations stay (records); they no longer name who sent them. Only that column
-- is nulled: tenant_id stays, as the Citus rule wants it in every foreign key.
ALTER TABLE invitations DROP CONSTRAINT invitations_invited_by_fk;
--> statement-breakpoint
ALTER TABLE invitations ADD CONSTRAINT invitations_invited_by_fk FOREIGN KEY (tenant_id, invited_by_membership_id)
  REFERENCES memberships (tenant_id, id) ON DELETE SET NULL (invited_by_membership_id);
--> statement-breakpoint

-- Never the last owner, and never the last member who manages members (an owner or admin): a
-- workspace always keeps someone who can. (The demo organizations have admins and no owner.) The
-- managers' rows are locked first, so two removals at once take turns and the second sees it would
-- leave none. A tenant (or account) deleted as a whole cascades freely: the check applies only while
-- the tenant and the member's account still exist.
CREATE FUNCTION membership_keep_managers() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  new_role member_role := CASE WHEN TG_OP = 'UPDATE' THEN NEW.role END;
BEGIN
  IF OLD.role NOT IN ('owner', 'admin') OR new_role = OLD.role
     OR NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = OLD.tenant_id)
     OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = OLD.user_id) THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  PERFORM 1 FROM memberships m WHERE m.tenant_id = OLD.tenant_id AND m.role IN ('owner', 'admin') ORDER BY m.id FOR UPDATE;
  IF OLD.role = 'owner' AND new_role IS DISTINCT FROM 'owner'
     AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = OLD.tenant_id AND m.role = 'owner' AND m.id <> OLD.id) THEN
    RAISE EXCEPTION 'a workspace keeps its last owner' USING ERRCODE = 'check_violation';
  END IF;
  IF (new_role IS NULL OR new_role NOT IN ('owner', 'admin'))
     AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = OLD.tenant_id AND m.role IN ('owner', 'admin') AND m.id <> OLD.id) THEN
    RAISE EXCEPTION 'a workspace keeps a member who manages members' USING ERRCODE = 'check_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
--> statement-breakpoint
-- Named to fire after memberships_owner_guard (triggers fire by name): an admin touching an owner
-- hears "only an owner", whatever the count.
CREATE TRIGGER memberships_remain_managed BEFORE UPDATE OR DELETE ON memberships
  FOR EACH ROW EXECUTE FUNCTION membership_keep_managers();
--> statement-breakpoint

-- An owner or admin ends a member's sessions (sessions are the user's own rows otherwise): only for a
-- member of the scope's tenant, and an owner's only by an owner. Answers how many were ended.
CREATE FUNCTION end_member_sessions(p_user uuid) RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  target member_role;
  ended int;
BEGIN
  IF app_role() NOT IN ('owner', 'admin') OR app_tenant_id() IS NULL THEN
    RAISE EXCEPTION 'only an owner or admin ends a member''s sessions' USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT m.role INTO target FROM memberships m WHERE m.tenant_id = app_tenant_id() AND m.user_id = p_user;
  IF target IS NULL THEN
    RAISE EXCEPTION 'not a member of this workspace' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF target = 'owner' AND app_role() <> 'owner' THEN
    RAISE EXCEPTION 'only an owner ends an owner''s sessions' USING ERRCODE = 'insufficient_privilege';
  END IF;
  UPDATE sessions SET revoked_at = now() WHERE user_id = p_user AND revoked_at IS NULL AND expires_at > now();
  GET DIAGNOSTICS ended = ROW_COUNT;
  RETURN ended;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION end_member_sessions(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION end_member_sessions(uuid) TO app_user;
