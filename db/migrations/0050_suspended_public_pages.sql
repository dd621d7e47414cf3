-- Issue 17 item 8 (decision 055): a suspended organization's public pages say so. /verify/:number reads
-- only the columns of verify_credential() (decision 039), so the issuer's suspension is one more column.
-- Its page group 'verify' is already bumped by writes to tenants (0048), as 'fees' (0036) and
-- 'evaluations' (0042) are: decide_admission() changing tenants.admission renews those cached pages.
DROP FUNCTION verify_credential(text);
--> statement-breakpoint
CREATE FUNCTION verify_credential(p_number text)
RETURNS TABLE (
  number text, status text, holder text, organization_name text, organization_name_en text, organization_suspended boolean, role text,
  certificate_code text, certificate_name_zh text, certificate_name_en text, levels text[], issued_on date, expires_on date
)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT c.number,
    CASE WHEN c.status IN ('active', 'suspended') AND c.expires_on < (now() AT TIME ZONE 'Asia/Shanghai')::date THEN 'expired' ELSE c.status::text END,
    mask_holder_name(h.name), t.name, t.name_en, t.admission = 'suspended', c.role::text,
    cert.code, cert.name_zh, cert.name_en, c.levels::text[], c.issued_on, c.expires_on
  FROM credential_numbers n
  JOIN credentials c ON c.tenant_id = n.organization_id AND c.id = n.credential_id
  JOIN credential_holders h ON h.tenant_id = c.tenant_id AND h.id = c.holder_id
  JOIN certificates cert ON cert.tenant_id = c.tenant_id AND cert.id = c.certificate_id
  JOIN tenants t ON t.id = c.tenant_id
  WHERE n.number = p_number AND c.status <> 'draft'
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION verify_credential(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION verify_credential(text) TO app_user;
--> statement-breakpoint
-- /evaluations/:period: beside each decision, whether the organization is suspended now (a period's
-- "suspend" decision is carried out through decide_admission, and an organization may be reinstated later).
DROP FUNCTION published_evaluation(text);
--> statement-breakpoint
CREATE FUNCTION published_evaluation(p_code text)
RETURNS TABLE (title text, finalized_at timestamptz, organization_name text, organization_name_en text, decision evaluation_decision, organization_suspended boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT p.title, p.finalized_at, t.name, t.name_en, r.decision, t.admission = 'suspended'
  FROM evaluation_periods p
  JOIN tenants c ON c.id = p.tenant_id AND c.kind = 'committee'
  LEFT JOIN evaluation_results r ON r.tenant_id = p.tenant_id AND r.period_id = p.id
  LEFT JOIN tenants t ON t.id = r.organization_id
  WHERE p.code = p_code AND p.status = 'finalized'
  ORDER BY array_position(array['suspend', 'warn', 'retain'], r.decision::text), t.name
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION published_evaluation(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION published_evaluation(text) TO app_user;
