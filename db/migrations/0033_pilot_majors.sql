CREATE TYPE "public"."adoption_item_kind" AS ENUM('question', 'case', 'material');--> statement-breakpoint
CREATE TYPE "public"."adoption_status" AS ENUM('proposed', 'approved', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."course_kind" AS ENUM('public_basic', 'professional_basic', 'professional_core', 'professional_elective', 'practice');--> statement-breakpoint
CREATE TYPE "public"."credit_exemption" AS ENUM('none', 'exempt_course', 'exempt_theory', 'exempt_practical');--> statement-breakpoint
CREATE TYPE "public"."filing_status" AS ENUM('draft', 'submitted', 'returned', 'resubmitted', 'approved', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."pilot_major_level" AS ENUM('secondary', 'higher_vocational', 'vocational_bachelor');--> statement-breakpoint
CREATE TYPE "public"."progress_report_status" AS ENUM('draft', 'submitted');--> statement-breakpoint
CREATE TYPE "public"."violation_category" AS ENUM('forced_paid_training', 'fee_above_disclosure', 'undisclosed_fee', 'exam_irregularity', 'other');--> statement-breakpoint
CREATE TYPE "public"."violation_status" AS ENUM('submitted', 'under_review', 'resolved', 'dismissed');--> statement-breakpoint
ALTER TYPE "public"."import_kind" ADD VALUE 'pilot_majors';--> statement-breakpoint
CREATE TABLE "adoption_items" (
	"tenant_id" uuid NOT NULL,
	"adoption_id" uuid NOT NULL,
	"kind" "adoption_item_kind" NOT NULL,
	"item_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"version" integer,
	"title" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "adoption_items_tenant_id_adoption_id_kind_item_id_pk" PRIMARY KEY("tenant_id","adoption_id","kind","item_id")
);
--> statement-breakpoint
CREATE TABLE "adoptions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"major_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"certificate_id" uuid NOT NULL,
	"level" "certificate_level" NOT NULL,
	"standard_version_id" uuid,
	"standard_version" integer,
	"certificate_name" text NOT NULL,
	"organization_name" text NOT NULL,
	"status" "adoption_status" DEFAULT 'proposed' NOT NULL,
	"proposal_note" text DEFAULT '' NOT NULL,
	"decision_note" text DEFAULT '' NOT NULL,
	"proposed_by_user_id" uuid,
	"decided_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "adoptions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "cohorts" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"major_id" uuid NOT NULL,
	"entry_year" integer NOT NULL,
	"student_count" integer NOT NULL,
	"expected_graduation" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cohorts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "credit_rules" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"certificate_id" uuid NOT NULL,
	"level" "certificate_level" NOT NULL,
	"course_code" text NOT NULL,
	"course_name" text NOT NULL,
	"module" text DEFAULT '' NOT NULL,
	"credits" numeric(4, 1) NOT NULL,
	"exemption" "credit_exemption" NOT NULL,
	"valid_from" date NOT NULL,
	"valid_until" date,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_rules_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "filing_events" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"filing_id" uuid NOT NULL,
	"from_status" "filing_status",
	"to_status" "filing_status" NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"actor_user_id" uuid,
	"actor_side" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "filing_events_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "filings" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"major_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"certificate_id" uuid NOT NULL,
	"level" "certificate_level" NOT NULL,
	"certificate_name" text NOT NULL,
	"expected_students_per_year" integer NOT NULL,
	"exam_site_plan" text NOT NULL,
	"responsible_office" text NOT NULL,
	"responsible_person" text NOT NULL,
	"contact_email" text NOT NULL,
	"locale" text DEFAULT 'zh-CN' NOT NULL,
	"status" "filing_status" DEFAULT 'draft' NOT NULL,
	"record_number" text,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "filings_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "pilot_major_certificates" (
	"tenant_id" uuid NOT NULL,
	"major_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"certificate_id" uuid NOT NULL,
	"level" "certificate_level" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pilot_major_certificates_tenant_id_major_id_certificate_id_level_pk" PRIMARY KEY("tenant_id","major_id","certificate_id","level")
);
--> statement-breakpoint
CREATE TABLE "pilot_majors" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"education_level" "pilot_major_level" NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pilot_majors_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "progress_report_reminders" (
	"tenant_id" uuid NOT NULL,
	"period_id" uuid NOT NULL,
	"days_before" smallint NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "progress_report_reminders_tenant_id_period_id_days_before_pk" PRIMARY KEY("tenant_id","period_id","days_before")
);
--> statement-breakpoint
CREATE TABLE "progress_reports" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"period_id" uuid NOT NULL,
	"status" "progress_report_status" DEFAULT 'draft' NOT NULL,
	"students_trained" integer DEFAULT 0 NOT NULL,
	"students_assessed" integer DEFAULT 0 NOT NULL,
	"pass_count" integer DEFAULT 0 NOT NULL,
	"credentialed_trainers" integer DEFAULT 0 NOT NULL,
	"problems" text DEFAULT '' NOT NULL,
	"narrative" text DEFAULT '' NOT NULL,
	"late" boolean DEFAULT false NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	CONSTRAINT "progress_reports_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "report_periods" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"due_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "requirement_mappings" (
	"tenant_id" uuid NOT NULL,
	"adoption_id" uuid NOT NULL,
	"lineage_id" uuid NOT NULL,
	"course_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "requirement_mappings_tenant_id_adoption_id_lineage_id_course_id_pk" PRIMARY KEY("tenant_id","adoption_id","lineage_id","course_id")
);
--> statement-breakpoint
CREATE TABLE "school_courses" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"major_id" uuid,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"credits" numeric(4, 1) NOT NULL,
	"semester" smallint,
	"kind" "course_kind" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "school_courses_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "violation_evidence" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "violation_evidence_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "violation_report_updates" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"report_id" uuid NOT NULL,
	"status" "violation_status" NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "violation_report_updates_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "violation_reports" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"category" "violation_category" NOT NULL,
	"description" text NOT NULL,
	"status" "violation_status" DEFAULT 'submitted' NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "violation_reports_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "import_jobs" ALTER COLUMN "certificate_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "assessment_orders" ADD COLUMN "pilot_major_id" uuid;--> statement-breakpoint
ALTER TABLE "assessment_orders" ADD COLUMN "cohort_id" uuid;--> statement-breakpoint
ALTER TABLE "adoption_items" ADD CONSTRAINT "adoption_items_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adoption_items" ADD CONSTRAINT "adoption_items_organization_id_tenants_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adoption_items" ADD CONSTRAINT "adoption_items_adoption_fk" FOREIGN KEY ("tenant_id","adoption_id") REFERENCES "public"."adoptions"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adoptions" ADD CONSTRAINT "adoptions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adoptions" ADD CONSTRAINT "adoptions_organization_id_tenants_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adoptions" ADD CONSTRAINT "adoptions_proposed_by_user_id_users_id_fk" FOREIGN KEY ("proposed_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adoptions" ADD CONSTRAINT "adoptions_decided_by_user_id_users_id_fk" FOREIGN KEY ("decided_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "adoptions" ADD CONSTRAINT "adoptions_major_fk" FOREIGN KEY ("tenant_id","major_id") REFERENCES "public"."pilot_majors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cohorts" ADD CONSTRAINT "cohorts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cohorts" ADD CONSTRAINT "cohorts_major_fk" FOREIGN KEY ("tenant_id","major_id") REFERENCES "public"."pilot_majors"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_rules" ADD CONSTRAINT "credit_rules_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_rules" ADD CONSTRAINT "credit_rules_organization_id_tenants_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_rules" ADD CONSTRAINT "credit_rules_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filing_events" ADD CONSTRAINT "filing_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filing_events" ADD CONSTRAINT "filing_events_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filing_events" ADD CONSTRAINT "filing_events_filing_fk" FOREIGN KEY ("tenant_id","filing_id") REFERENCES "public"."filings"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filings" ADD CONSTRAINT "filings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filings" ADD CONSTRAINT "filings_organization_id_tenants_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filings" ADD CONSTRAINT "filings_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "filings" ADD CONSTRAINT "filings_major_fk" FOREIGN KEY ("tenant_id","major_id") REFERENCES "public"."pilot_majors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pilot_major_certificates" ADD CONSTRAINT "pilot_major_certificates_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pilot_major_certificates" ADD CONSTRAINT "pilot_major_certificates_organization_id_tenants_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pilot_major_certificates" ADD CONSTRAINT "pilot_major_certificates_major_fk" FOREIGN KEY ("tenant_id","major_id") REFERENCES "public"."pilot_majors"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pilot_majors" ADD CONSTRAINT "pilot_majors_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pilot_majors" ADD CONSTRAINT "pilot_majors_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "progress_report_reminders" ADD CONSTRAINT "progress_report_reminders_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "progress_report_reminders" ADD CONSTRAINT "progress_report_reminders_period_id_report_periods_id_fk" FOREIGN KEY ("period_id") REFERENCES "public"."report_periods"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "progress_reports" ADD CONSTRAINT "progress_reports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "progress_reports" ADD CONSTRAINT "progress_reports_period_id_report_periods_id_fk" FOREIGN KEY ("period_id") REFERENCES "public"."report_periods"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "progress_reports" ADD CONSTRAINT "progress_reports_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requirement_mappings" ADD CONSTRAINT "requirement_mappings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requirement_mappings" ADD CONSTRAINT "requirement_mappings_adoption_fk" FOREIGN KEY ("tenant_id","adoption_id") REFERENCES "public"."adoptions"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "requirement_mappings" ADD CONSTRAINT "requirement_mappings_course_fk" FOREIGN KEY ("tenant_id","course_id") REFERENCES "public"."school_courses"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "school_courses" ADD CONSTRAINT "school_courses_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "school_courses" ADD CONSTRAINT "school_courses_major_fk" FOREIGN KEY ("tenant_id","major_id") REFERENCES "public"."pilot_majors"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "violation_evidence" ADD CONSTRAINT "violation_evidence_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "violation_evidence" ADD CONSTRAINT "violation_evidence_report_fk" FOREIGN KEY ("tenant_id","report_id") REFERENCES "public"."violation_reports"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "violation_report_updates" ADD CONSTRAINT "violation_report_updates_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "violation_report_updates" ADD CONSTRAINT "violation_report_updates_by_user_id_users_id_fk" FOREIGN KEY ("by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "violation_report_updates" ADD CONSTRAINT "violation_report_updates_report_fk" FOREIGN KEY ("tenant_id","report_id") REFERENCES "public"."violation_reports"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "violation_reports" ADD CONSTRAINT "violation_reports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "violation_reports" ADD CONSTRAINT "violation_reports_organization_id_tenants_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "violation_reports" ADD CONSTRAINT "violation_reports_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "adoptions_one_live_key" ON "adoptions" USING btree ("tenant_id","major_id","certificate_id","level") WHERE status <> 'rejected';--> statement-breakpoint
CREATE INDEX "adoptions_created_idx" ON "adoptions" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "cohorts_major_entry_year_key" ON "cohorts" USING btree ("tenant_id","major_id","entry_year");--> statement-breakpoint
CREATE INDEX "credit_rules_key_idx" ON "credit_rules" USING btree ("tenant_id","certificate_id","level","course_code","valid_from");--> statement-breakpoint
CREATE INDEX "credit_rules_course_idx" ON "credit_rules" USING btree ("tenant_id","course_code");--> statement-breakpoint
CREATE INDEX "filing_events_filing_idx" ON "filing_events" USING btree ("tenant_id","filing_id","created_at");--> statement-breakpoint
CREATE INDEX "filings_created_idx" ON "filings" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "filings_status_idx" ON "filings" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "pilot_major_certificates_certificate_idx" ON "pilot_major_certificates" USING btree ("tenant_id","certificate_id","level");--> statement-breakpoint
CREATE UNIQUE INDEX "pilot_majors_code_key" ON "pilot_majors" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "pilot_majors_created_idx" ON "pilot_majors" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "progress_reports_period_key" ON "progress_reports" USING btree ("tenant_id","period_id");--> statement-breakpoint
CREATE UNIQUE INDEX "report_periods_code_key" ON "report_periods" USING btree ("code");--> statement-breakpoint
CREATE INDEX "report_periods_due_idx" ON "report_periods" USING btree ("due_on");--> statement-breakpoint
CREATE INDEX "requirement_mappings_course_idx" ON "requirement_mappings" USING btree ("tenant_id","course_id");--> statement-breakpoint
CREATE UNIQUE INDEX "school_courses_code_key" ON "school_courses" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "violation_evidence_report_idx" ON "violation_evidence" USING btree ("tenant_id","report_id");--> statement-breakpoint
CREATE INDEX "violation_report_updates_report_idx" ON "violation_report_updates" USING btree ("tenant_id","report_id","created_at");--> statement-breakpoint
CREATE INDEX "violation_reports_created_idx" ON "violation_reports" USING btree ("tenant_id","created_at","id");