-- The second factor's tables (issue 14 item 6, decision 031). They are reached only in the auth
-- scope (login's second step, enrolment, disabling) and the system scope (the request identity, the
-- seed); no member scope, not even the account's own tenant scope, reads them.
ALTER TABLE second_factors ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE second_factors FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- The sealed secret is not granted: second_factor_secret() below is the one way to it.
GRANT SELECT (user_id, totp_last_step, enrolled_at) ON second_factors TO app_user;
--> statement-breakpoint
GRANT INSERT (user_id, totp_secret_sealed, totp_last_step, enrolled_at), UPDATE (totp_last_step), DELETE ON second_factors TO app_user;
--> statement-breakpoint
CREATE POLICY second_factors_auth ON second_factors FOR ALL TO app_user
  USING (app_is_system() OR app_role() = 'auth') WITH CHECK (app_is_system() OR app_role() = 'auth');
--> statement-breakpoint
CREATE FUNCTION second_factor_secret(account uuid) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF app_role() NOT IN ('auth', 'system') THEN
    RAISE EXCEPTION 'second_factor_secret is for the auth flows only' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN (SELECT f.totp_secret_sealed FROM second_factors f WHERE f.user_id = account);
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION second_factor_secret(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION second_factor_secret(uuid) TO app_user;
--> statement-breakpoint

ALTER TABLE recovery_codes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE recovery_codes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE, UPDATE (used_at) ON recovery_codes TO app_user;
--> statement-breakpoint
CREATE POLICY recovery_codes_auth ON recovery_codes FOR ALL TO app_user
  USING (app_is_system() OR app_role() = 'auth') WITH CHECK (app_is_system() OR app_role() = 'auth');
--> statement-breakpoint

-- Written by the demo seed (system scope) only: nobody exempts themselves.
ALTER TABLE second_factor_exemptions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE second_factor_exemptions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT ON second_factor_exemptions TO app_user;
--> statement-breakpoint
CREATE POLICY second_factor_exemptions_read ON second_factor_exemptions FOR SELECT TO app_user
  USING (app_is_system() OR app_role() = 'auth');
--> statement-breakpoint
CREATE POLICY second_factor_exemptions_write ON second_factor_exemptions FOR INSERT TO app_user
  WITH CHECK (app_is_system());
--> statement-breakpoint

ALTER TABLE login_challenges ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE login_challenges FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (failures, used_at) ON login_challenges TO app_user;
--> statement-breakpoint
CREATE POLICY login_challenges_auth ON login_challenges FOR ALL TO app_user
  USING (app_is_system() OR app_role() = 'auth') WITH CHECK (app_is_system() OR app_role() = 'auth');
