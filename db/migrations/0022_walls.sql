-- Issue 14, the database walls (decision 019). Role-gated RLS for the tables that define roles
-- (F2, F3), a school's order moves only pending → cancelled (F9), schools learn only whether an
-- organization takes online payment, for orders they placed (F11), published questions are records (F13).

-- F2. Everyone in the tenant reads its members and invitations; only owners and admins (and the
-- system scope: sign-up, invitation acceptance) write them.
DROP POLICY memberships_tenant ON memberships;
--> statement-breakpoint
CREATE POLICY memberships_tenant_read ON memberships FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY memberships_admin_insert ON memberships FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
CREATE POLICY memberships_admin_update ON memberships FOR UPDATE TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'))
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
CREATE POLICY memberships_admin_delete ON memberships FOR DELETE TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
DROP POLICY invitations_tenant ON invitations;
--> statement-breakpoint
CREATE POLICY invitations_tenant_read ON invitations FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY invitations_admin_insert ON invitations FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
CREATE POLICY invitations_admin_update ON invitations FOR UPDATE TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'))
  WITH CHECK (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
CREATE POLICY invitations_admin_delete ON invitations FOR DELETE TO app_user
  USING (tenant_id = app_tenant_id() AND app_role() IN ('owner', 'admin', 'system'));
--> statement-breakpoint
-- Only an owner (or the system scope) makes, changes or removes an owner, directly or by invitation.
-- For every caller, the migration role included: an admin cannot promote anyone past themselves.
CREATE FUNCTION owner_role_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF ((TG_OP <> 'DELETE' AND NEW.role = 'owner') OR (TG_OP <> 'INSERT' AND OLD.role = 'owner'))
     AND app_role() NOT IN ('owner', 'system') THEN
    RAISE EXCEPTION 'only an owner can make or unmake an owner (% on %)', TG_OP, TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER memberships_owner_guard BEFORE INSERT OR UPDATE OR DELETE ON memberships
  FOR EACH ROW EXECUTE FUNCTION owner_role_guard();
--> statement-breakpoint
CREATE TRIGGER invitations_owner_guard BEFORE INSERT OR UPDATE OR DELETE ON invitations
  FOR EACH ROW EXECUTE FUNCTION owner_role_guard();
--> statement-breakpoint

-- F3. Tenants: names are public (the fee pages, the catalogue), nothing in the app renames one, and
-- only sign-up (system scope) creates one, never the committee: its kind feeds app.tenant_kind.
REVOKE UPDATE, DELETE, TRUNCATE ON tenants FROM app_user;
--> statement-breakpoint
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenants_read ON tenants FOR SELECT TO app_user USING (true);
--> statement-breakpoint
CREATE POLICY tenants_sign_up ON tenants FOR INSERT TO app_user
  WITH CHECK (app_is_system() AND kind <> 'committee');
--> statement-breakpoint
-- The committee tenant is created once, by the operator or the demo seed: in the system scope and
-- only while there is none, so no scope can ever add a second committee.
CREATE FUNCTION create_committee_tenant(p_slug text, p_name text, p_name_en text)
RETURNS uuid LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  created uuid;
BEGIN
  IF NOT app_is_system() THEN
    RAISE EXCEPTION 'the committee is created in the system scope only' USING ERRCODE = 'insufficient_privilege';
  END IF;
  LOCK TABLE tenants IN SHARE ROW EXCLUSIVE MODE;
  IF EXISTS (SELECT 1 FROM tenants WHERE kind = 'committee') THEN
    RAISE EXCEPTION 'the committee tenant exists already' USING ERRCODE = 'unique_violation';
  END IF;
  INSERT INTO tenants (kind, slug, name, name_en) VALUES ('committee', p_slug, p_name, p_name_en) RETURNING id INTO created;
  RETURN created;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION create_committee_tenant(text, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION create_committee_tenant(text, text, text) TO app_user;
--> statement-breakpoint

-- F9. The ordering school may only cancel its pending order (status and cancelled_at, nothing else);
-- the organization's updates (payments confirmed, refunds) are checked by assessment_order_guard.
CREATE FUNCTION assessment_order_school_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  allowed assessment_orders;
BEGIN
  IF app_is_system() OR app_tenant_id() IS DISTINCT FROM OLD.school_tenant_id THEN
    RETURN NEW;
  END IF;
  allowed := OLD;
  allowed.status := 'cancelled';
  allowed.cancelled_at := NEW.cancelled_at;
  IF OLD.status <> 'pending' OR NEW.cancelled_at IS NULL OR NEW IS DISTINCT FROM allowed THEN
    RAISE EXCEPTION 'a school may only cancel its own pending order' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER assessment_orders_school_guard BEFORE UPDATE ON assessment_orders
  FOR EACH ROW EXECUTE FUNCTION assessment_order_school_guard();
--> statement-breakpoint

-- F11. A school never reads the payment_accounts table. For an order it placed it learns whether the
-- organization takes online payment and with which methods; only its admin, starting the checkout of
-- a pending order, gets the account id Stripe needs.
DROP POLICY payment_accounts_school_read ON payment_accounts;
--> statement-breakpoint
CREATE FUNCTION order_payment_account(p_tenant uuid, p_order uuid)
RETURNS TABLE (charges_enabled boolean, payment_methods text[], stripe_account_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT a.charges_enabled, a.payment_methods,
    CASE WHEN app_role() = 'admin' AND o.status = 'pending' THEN a.stripe_account_id END
  FROM assessment_orders o JOIN payment_accounts a ON a.tenant_id = o.tenant_id
  WHERE o.tenant_id = p_tenant AND o.id = p_order
    AND app_tenant_kind() = 'school' AND o.school_tenant_id = app_tenant_id()
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION order_payment_account(uuid, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION order_payment_account(uuid, uuid) TO app_user;
--> statement-breakpoint

-- F13. A published question's versions are records: the question cannot be deleted (which would
-- cascade to them), by anyone. Drafts that were never published still can.
CREATE FUNCTION question_keep_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.version > 0 OR OLD.status = 'published' THEN
    RAISE EXCEPTION 'a published question cannot be deleted: its versions are records'
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN OLD;
END
$$;
--> statement-breakpoint
CREATE TRIGGER questions_keep_published BEFORE DELETE ON questions
  FOR EACH ROW EXECUTE FUNCTION question_keep_published();
