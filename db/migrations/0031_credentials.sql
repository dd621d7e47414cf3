CREATE TYPE "public"."shanghai_district" AS ENUM('huangpu', 'xuhui', 'changning', 'jingan', 'putuo', 'hongkou', 'yangpu', 'minhang', 'baoshan', 'jiading', 'pudong', 'jinshan', 'songjiang', 'qingpu', 'fengxian', 'chongming');--> statement-breakpoint
CREATE TYPE "public"."credential_role" AS ENUM('trainer', 'examiner');--> statement-breakpoint
CREATE TYPE "public"."credential_status" AS ENUM('draft', 'active', 'suspended', 'revoked', 'expired');--> statement-breakpoint
CREATE TYPE "public"."exam_site_status" AS ENUM('proposed', 'approved', 'declined');--> statement-breakpoint
CREATE TYPE "public"."holder_source" AS ENUM('school_teacher', 'industry_expert');--> statement-breakpoint
CREATE TABLE "assessment_sessions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"site_id" uuid NOT NULL,
	"held_on" date NOT NULL,
	"level" "certificate_level" NOT NULL,
	"order_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assessment_sessions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "credential_evidence" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"credential_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"byte_size" integer NOT NULL,
	"storage_key" text NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credential_evidence_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "credential_holders" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"id_hash" text NOT NULL,
	"id_last4" text NOT NULL,
	"source" "holder_source" NOT NULL,
	"employer_tenant_id" uuid,
	"employer_name" text DEFAULT '' NOT NULL,
	"contact" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credential_holders_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "credential_numbers" (
	"number" text PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"credential_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credential_reminders" (
	"tenant_id" uuid NOT NULL,
	"credential_id" uuid NOT NULL,
	"days_before" integer NOT NULL,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credential_reminders_tenant_id_credential_id_days_before_pk" PRIMARY KEY("tenant_id","credential_id","days_before")
);
--> statement-breakpoint
CREATE TABLE "credential_status_history" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"credential_id" uuid NOT NULL,
	"status" "credential_status" NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"changed_by_user_id" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credential_status_history_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "credentials" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"holder_id" uuid NOT NULL,
	"role" "credential_role" NOT NULL,
	"certificate_id" uuid NOT NULL,
	"levels" "certificate_level"[] NOT NULL,
	"number" text NOT NULL,
	"issued_on" date NOT NULL,
	"expires_on" date NOT NULL,
	"status" "credential_status" DEFAULT 'active' NOT NULL,
	"status_reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credentials_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "exam_sites" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"host_tenant_id" uuid,
	"host_name" text DEFAULT '' NOT NULL,
	"district" "shanghai_district" NOT NULL,
	"certificate_id" uuid NOT NULL,
	"levels" "certificate_level"[] NOT NULL,
	"capacity" integer NOT NULL,
	"equipment" text DEFAULT '' NOT NULL,
	"status" "exam_site_status" DEFAULT 'proposed' NOT NULL,
	"proposed_by_tenant_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone,
	CONSTRAINT "exam_sites_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "examiner_assignments" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"credential_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "examiner_assignments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "district" "shanghai_district";--> statement-breakpoint
ALTER TABLE "assessment_sessions" ADD CONSTRAINT "assessment_sessions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_sessions" ADD CONSTRAINT "assessment_sessions_site_fk" FOREIGN KEY ("tenant_id","site_id") REFERENCES "public"."exam_sites"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credential_evidence" ADD CONSTRAINT "credential_evidence_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credential_evidence" ADD CONSTRAINT "credential_evidence_credential_fk" FOREIGN KEY ("tenant_id","credential_id") REFERENCES "public"."credentials"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credential_holders" ADD CONSTRAINT "credential_holders_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credential_holders" ADD CONSTRAINT "credential_holders_employer_tenant_id_tenants_id_fk" FOREIGN KEY ("employer_tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credential_reminders" ADD CONSTRAINT "credential_reminders_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credential_reminders" ADD CONSTRAINT "credential_reminders_credential_fk" FOREIGN KEY ("tenant_id","credential_id") REFERENCES "public"."credentials"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credential_status_history" ADD CONSTRAINT "credential_status_history_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credential_status_history" ADD CONSTRAINT "credential_status_history_credential_fk" FOREIGN KEY ("tenant_id","credential_id") REFERENCES "public"."credentials"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_holder_fk" FOREIGN KEY ("tenant_id","holder_id") REFERENCES "public"."credential_holders"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_certificate_fk" FOREIGN KEY ("tenant_id","certificate_id") REFERENCES "public"."certificates"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exam_sites" ADD CONSTRAINT "exam_sites_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exam_sites" ADD CONSTRAINT "exam_sites_host_tenant_id_tenants_id_fk" FOREIGN KEY ("host_tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exam_sites" ADD CONSTRAINT "exam_sites_proposed_by_tenant_id_tenants_id_fk" FOREIGN KEY ("proposed_by_tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exam_sites" ADD CONSTRAINT "exam_sites_certificate_fk" FOREIGN KEY ("tenant_id","certificate_id") REFERENCES "public"."certificates"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "examiner_assignments" ADD CONSTRAINT "examiner_assignments_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "examiner_assignments" ADD CONSTRAINT "examiner_assignments_session_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."assessment_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "examiner_assignments" ADD CONSTRAINT "examiner_assignments_credential_fk" FOREIGN KEY ("tenant_id","credential_id") REFERENCES "public"."credentials"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assessment_sessions_site_idx" ON "assessment_sessions" USING btree ("tenant_id","site_id","held_on");--> statement-breakpoint
CREATE INDEX "credential_evidence_credential_idx" ON "credential_evidence" USING btree ("tenant_id","credential_id");--> statement-breakpoint
CREATE UNIQUE INDEX "credential_holders_id_hash_key" ON "credential_holders" USING btree ("tenant_id","id_hash");--> statement-breakpoint
CREATE INDEX "credential_holders_list_idx" ON "credential_holders" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "credential_status_history_credential_idx" ON "credential_status_history" USING btree ("tenant_id","credential_id","changed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "credentials_number_key" ON "credentials" USING btree ("tenant_id","number");--> statement-breakpoint
CREATE INDEX "credentials_list_idx" ON "credentials" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "credentials_holder_idx" ON "credentials" USING btree ("tenant_id","holder_id");--> statement-breakpoint
CREATE INDEX "credentials_expiry_idx" ON "credentials" USING btree ("tenant_id","expires_on") WHERE status in ('active', 'suspended');--> statement-breakpoint
CREATE INDEX "exam_sites_list_idx" ON "exam_sites" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "exam_sites_host_idx" ON "exam_sites" USING btree ("tenant_id","host_tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "examiner_assignments_once_key" ON "examiner_assignments" USING btree ("tenant_id","session_id","credential_id");