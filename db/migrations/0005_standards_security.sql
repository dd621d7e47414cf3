ALTER TABLE standard_versions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE standard_versions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE standard_nodes ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE standard_nodes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON standard_versions, standard_nodes TO app_user;
--> statement-breakpoint
CREATE POLICY standard_versions_tenant_read ON standard_versions FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY standard_versions_tenant_write ON standard_versions FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_can_edit()) WITH CHECK (tenant_id = app_tenant_id() AND app_can_edit());
--> statement-breakpoint
-- Explicit cross-tenant reads: published standards are public documents (schools map them to courses);
-- the committee reviews drafts too.
CREATE POLICY standard_versions_published_read ON standard_versions FOR SELECT TO app_user USING (status <> 'draft');
--> statement-breakpoint
CREATE POLICY standard_versions_committee_read ON standard_versions FOR SELECT TO app_user USING (app_tenant_kind() = 'committee');
--> statement-breakpoint
CREATE POLICY standard_nodes_tenant_read ON standard_nodes FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY standard_nodes_tenant_write ON standard_nodes FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_can_edit()) WITH CHECK (tenant_id = app_tenant_id() AND app_can_edit());
--> statement-breakpoint
CREATE POLICY standard_nodes_published_read ON standard_nodes FOR SELECT TO app_user USING (
  EXISTS (SELECT 1 FROM standard_versions v WHERE v.tenant_id = standard_nodes.tenant_id AND v.id = standard_nodes.version_id AND v.status <> 'draft')
);
--> statement-breakpoint
CREATE POLICY standard_nodes_committee_read ON standard_nodes FOR SELECT TO app_user USING (app_tenant_kind() = 'committee');
--> statement-breakpoint

-- A published version is immutable, enforced here and not only in the app: its nodes cannot be added,
-- changed or removed, and the version row may only move from published to superseded.
CREATE FUNCTION standard_version_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'standard version % is published and cannot be deleted', OLD.version USING ERRCODE = 'check_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status = 'draft' THEN
    RETURN NEW;
  END IF;
  IF OLD.status = 'published' AND NEW.status = 'superseded'
     AND NEW.version = OLD.version AND NEW.certificate_id = OLD.certificate_id AND NEW.notes = OLD.notes
     AND NEW.published_at IS NOT DISTINCT FROM OLD.published_at THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'standard version % is published and cannot be changed', OLD.version USING ERRCODE = 'check_violation';
END
$$;
--> statement-breakpoint
CREATE TRIGGER standard_versions_immutable BEFORE UPDATE OR DELETE ON standard_versions
  FOR EACH ROW EXECUTE FUNCTION standard_version_guard();
--> statement-breakpoint
CREATE FUNCTION standard_node_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  version_status publication_status;
  target standard_nodes;
BEGIN
  target := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  SELECT status INTO version_status FROM standard_versions WHERE tenant_id = target.tenant_id AND id = target.version_id;
  -- Unknown (or invisible) version: refuse, fail closed.
  IF version_status IS DISTINCT FROM 'draft' THEN
    RAISE EXCEPTION 'nodes of a published standard version cannot be changed' USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'UPDATE' AND (NEW.version_id <> OLD.version_id OR NEW.tenant_id <> OLD.tenant_id) THEN
    RAISE EXCEPTION 'a node cannot move to another version' USING ERRCODE = 'check_violation';
  END IF;
  RETURN target;
END
$$;
--> statement-breakpoint
CREATE TRIGGER standard_nodes_immutable BEFORE INSERT OR UPDATE OR DELETE ON standard_nodes
  FOR EACH ROW EXECUTE FUNCTION standard_node_guard();
