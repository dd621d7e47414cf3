-- An organization reads the committee's findings about itself (its overview page), never another's,
-- and still cannot write them: SELECT only, on its own rows (decision 011).
CREATE POLICY fee_findings_own_read ON fee_findings FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
