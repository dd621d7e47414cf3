-- Issue 17 items 2, 4 and 6: organization evaluations (动态遴选), violation triage, typical cases
-- (典型案例). Tables in db/schema/supervision.ts; RLS, grants and walls in 0042.

-- Violation triage (decision 048): received → investigating → upheld | dismissed. The old labels
-- keep their meaning: submitted was received, under_review was investigating, resolved was upheld.
ALTER TYPE violation_status RENAME VALUE 'submitted' TO 'received';
--> statement-breakpoint
ALTER TYPE violation_status RENAME VALUE 'under_review' TO 'investigating';
--> statement-breakpoint
ALTER TYPE violation_status RENAME VALUE 'resolved' TO 'upheld';
--> statement-breakpoint
CREATE TYPE evaluation_criterion AS ENUM ('certificate_quality', 'industry_recognition', 'integrity', 'non_profit', 'regional_service', 'no_violation');
--> statement-breakpoint
CREATE TYPE evaluation_period_status AS ENUM ('open', 'finalized');
--> statement-breakpoint
CREATE TYPE evaluation_decision AS ENUM ('retain', 'warn', 'suspend');
--> statement-breakpoint
CREATE TYPE violation_disclosure_outcome AS ENUM ('upheld', 'dismissed');
--> statement-breakpoint
CREATE TYPE typical_case_status AS ENUM ('submitted', 'selected', 'declined');
--> statement-breakpoint
CREATE TABLE evaluation_periods (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  code text NOT NULL,
  title text NOT NULL,
  status evaluation_period_status NOT NULL DEFAULT 'open',
  created_by_user_id uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  finalized_at timestamptz,
  finalized_by_user_id uuid REFERENCES users(id),
  CONSTRAINT evaluation_periods_tenant_id_id_pk PRIMARY KEY (tenant_id, id),
  CONSTRAINT evaluation_periods_code_check CHECK (code ~ '^[0-9A-Za-z-]{1,20}$'),
  CONSTRAINT evaluation_periods_finalized_check CHECK ((status = 'finalized') = (finalized_at IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX evaluation_periods_code_key ON evaluation_periods (tenant_id, code);
--> statement-breakpoint
CREATE TABLE evaluation_weights (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  period_id uuid NOT NULL,
  criterion evaluation_criterion NOT NULL,
  weight smallint NOT NULL,
  set_by_user_id uuid REFERENCES users(id),
  set_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT evaluation_weights_tenant_id_id_pk PRIMARY KEY (tenant_id, id),
  CONSTRAINT evaluation_weights_period_fk FOREIGN KEY (tenant_id, period_id) REFERENCES evaluation_periods (tenant_id, id),
  CONSTRAINT evaluation_weights_weight_check CHECK (weight BETWEEN 0 AND 100)
);
--> statement-breakpoint
CREATE INDEX evaluation_weights_period_idx ON evaluation_weights (tenant_id, period_id, criterion, set_at);
--> statement-breakpoint
CREATE TABLE evaluation_scores (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  period_id uuid NOT NULL,
  organization_id uuid NOT NULL REFERENCES tenants(id),
  criterion evaluation_criterion NOT NULL,
  member_user_id uuid NOT NULL REFERENCES users(id),
  score smallint NOT NULL,
  comment text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT evaluation_scores_tenant_id_id_pk PRIMARY KEY (tenant_id, id),
  CONSTRAINT evaluation_scores_period_fk FOREIGN KEY (tenant_id, period_id) REFERENCES evaluation_periods (tenant_id, id),
  CONSTRAINT evaluation_scores_score_check CHECK (score BETWEEN 0 AND 100)
);
--> statement-breakpoint
CREATE UNIQUE INDEX evaluation_scores_key ON evaluation_scores (tenant_id, period_id, organization_id, criterion, member_user_id);
--> statement-breakpoint
CREATE TABLE evaluation_results (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  period_id uuid NOT NULL,
  organization_id uuid NOT NULL REFERENCES tenants(id),
  decision evaluation_decision NOT NULL,
  weighted_score numeric(5, 2),
  note text NOT NULL DEFAULT '',
  evidence jsonb NOT NULL,
  decided_by_user_id uuid REFERENCES users(id),
  decided_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT evaluation_results_tenant_id_period_id_organization_id_pk PRIMARY KEY (tenant_id, period_id, organization_id),
  CONSTRAINT evaluation_results_period_fk FOREIGN KEY (tenant_id, period_id) REFERENCES evaluation_periods (tenant_id, id)
);
--> statement-breakpoint
CREATE TABLE violation_report_notes (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  report_id uuid NOT NULL,
  body text NOT NULL,
  author_user_id uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT violation_report_notes_tenant_id_id_pk PRIMARY KEY (tenant_id, id),
  CONSTRAINT violation_report_notes_report_fk FOREIGN KEY (tenant_id, report_id) REFERENCES violation_reports (tenant_id, id) ON DELETE CASCADE
);
--> statement-breakpoint
CREATE INDEX violation_report_notes_report_idx ON violation_report_notes (tenant_id, report_id, created_at);
--> statement-breakpoint
CREATE TABLE violation_disclosures (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  reference text NOT NULL,
  category violation_category NOT NULL,
  outcome violation_disclosure_outcome NOT NULL,
  finding text NOT NULL,
  disclosed_by_user_id uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT violation_disclosures_tenant_id_id_pk PRIMARY KEY (tenant_id, id)
);
--> statement-breakpoint
CREATE INDEX violation_disclosures_created_idx ON violation_disclosures (tenant_id, created_at, id);
--> statement-breakpoint
CREATE TABLE typical_cases (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  title text NOT NULL,
  summary text NOT NULL,
  body text NOT NULL,
  status typical_case_status NOT NULL DEFAULT 'submitted',
  submitted_by_user_id uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_at timestamptz,
  decided_by_user_id uuid REFERENCES users(id),
  CONSTRAINT typical_cases_tenant_id_id_pk PRIMARY KEY (tenant_id, id)
);
--> statement-breakpoint
CREATE INDEX typical_cases_created_idx ON typical_cases (tenant_id, created_at, id);
--> statement-breakpoint
CREATE INDEX typical_cases_status_idx ON typical_cases (tenant_id, status);
--> statement-breakpoint
CREATE TABLE typical_case_scores (
  tenant_id uuid NOT NULL REFERENCES tenants(id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL,
  member_user_id uuid NOT NULL REFERENCES users(id),
  score integer NOT NULL,
  comment text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT typical_case_scores_tenant_id_id_pk PRIMARY KEY (tenant_id, id),
  CONSTRAINT typical_case_scores_case_fk FOREIGN KEY (tenant_id, case_id) REFERENCES typical_cases (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT typical_case_scores_score_check CHECK (score BETWEEN 0 AND 100)
);
--> statement-breakpoint
CREATE UNIQUE INDEX typical_case_scores_key ON typical_case_scores (tenant_id, case_id, member_user_id);
