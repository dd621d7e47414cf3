-- The kind of the request's tenant, for explicit cross-tenant policies (committee supervision).
CREATE FUNCTION app_tenant_kind() RETURNS text LANGUAGE sql STABLE AS
  $$ SELECT coalesce(nullif(current_setting('app.tenant_kind', true), ''), 'none') $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_tenant_kind() TO app_user;
--> statement-breakpoint
-- Writers of an organization's resources (editor and above; the seed and workers as system).
CREATE FUNCTION app_can_edit() RETURNS boolean LANGUAGE sql STABLE AS
  $$ SELECT app_role() IN ('owner', 'admin', 'editor', 'system') $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_can_edit() TO app_user;
--> statement-breakpoint
GRANT SELECT ON industries TO app_user;
--> statement-breakpoint
INSERT INTO industries (code, name_zh, name_en, priority_area, sort) VALUES
  ('finance', '金融', 'Finance', 'five-centres', 10),
  ('trade', '贸易', 'Trade', 'five-centres', 20),
  ('shipping', '航运', 'Shipping', 'five-centres', 30),
  ('innovation', '科技创新', 'Science and technology innovation', 'five-centres', 40),
  ('economy', '国际经济', 'International economy', 'five-centres', 50),
  ('services', '上海服务', 'Shanghai services', 'four-brands', 60),
  ('manufacturing', '上海制造', 'Shanghai manufacturing', 'four-brands', 70),
  ('shopping', '上海购物', 'Shanghai shopping', 'four-brands', 80),
  ('culture', '上海文化', 'Shanghai culture', 'four-brands', 90),
  ('ai', '人工智能', 'Artificial intelligence', 'new-occupations', 100),
  ('digital', '数字经济与新型基础设施', 'Digital economy and new infrastructure', 'new-infrastructure', 110),
  ('elderly-care', '养老与健康服务', 'Elderly care and health services', 'new-occupations', 120),
  ('construction', '建筑与城市建设', 'Construction', NULL, 130),
  ('logistics', '现代物流', 'Modern logistics', NULL, 140),
  ('automotive', '汽车与智能网联', 'Automotive', NULL, 150),
  ('other', '其他', 'Other', NULL, 999);
--> statement-breakpoint
ALTER TABLE certificates ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE certificates FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON certificates TO app_user;
--> statement-breakpoint
CREATE POLICY certificates_tenant_read ON certificates FOR SELECT TO app_user USING (tenant_id = app_tenant_id());
--> statement-breakpoint
CREATE POLICY certificates_tenant_insert ON certificates FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND app_can_edit());
--> statement-breakpoint
CREATE POLICY certificates_tenant_update ON certificates FOR UPDATE TO app_user
  USING (tenant_id = app_tenant_id() AND app_can_edit()) WITH CHECK (tenant_id = app_tenant_id() AND app_can_edit());
--> statement-breakpoint
-- Explicit cross-tenant reads: active certificates are the public catalogue; the committee supervises all.
CREATE POLICY certificates_catalogue ON certificates FOR SELECT TO app_user USING (status = 'active');
--> statement-breakpoint
CREATE POLICY certificates_committee ON certificates FOR SELECT TO app_user USING (app_tenant_kind() = 'committee');
