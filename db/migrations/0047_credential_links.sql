CREATE TYPE "public"."training_enrolment_status" AS ENUM('enrolled', 'completed', 'withdrawn');--> statement-breakpoint
CREATE TYPE "public"."training_mode" AS ENUM('onsite', 'online');--> statement-breakpoint
ALTER TYPE "public"."import_kind" ADD VALUE 'credentials';--> statement-breakpoint
CREATE TABLE "credential_links" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"major_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"credential_id" uuid NOT NULL,
	"credential_number" text NOT NULL,
	"teacher_name" text NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credential_links_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "training_enrolments" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"school_tenant_id" uuid NOT NULL,
	"teacher_name" text NOT NULL,
	"id_hash" text NOT NULL,
	"id_last4" text NOT NULL,
	"contact" text DEFAULT '' NOT NULL,
	"status" "training_enrolment_status" DEFAULT 'enrolled' NOT NULL,
	"credential_id" uuid,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "training_enrolments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "training_sessions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"certificate_id" uuid NOT NULL,
	"levels" "certificate_level"[] NOT NULL,
	"role" "credential_role" DEFAULT 'trainer' NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"mode" "training_mode" NOT NULL,
	"place" text DEFAULT '' NOT NULL,
	"capacity" integer NOT NULL,
	"fee_disclosure_id" uuid,
	"cancelled" boolean DEFAULT false NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_sessions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "credential_links" ADD CONSTRAINT "credential_links_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credential_links" ADD CONSTRAINT "credential_links_organization_id_tenants_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credential_links" ADD CONSTRAINT "credential_links_major_fk" FOREIGN KEY ("tenant_id","major_id") REFERENCES "public"."pilot_majors"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_enrolments" ADD CONSTRAINT "training_enrolments_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_enrolments" ADD CONSTRAINT "training_enrolments_school_tenant_id_tenants_id_fk" FOREIGN KEY ("school_tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_enrolments" ADD CONSTRAINT "training_enrolments_session_fk" FOREIGN KEY ("tenant_id","session_id") REFERENCES "public"."training_sessions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_enrolments" ADD CONSTRAINT "training_enrolments_credential_fk" FOREIGN KEY ("tenant_id","credential_id") REFERENCES "public"."credentials"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_sessions" ADD CONSTRAINT "training_sessions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_sessions" ADD CONSTRAINT "training_sessions_certificate_fk" FOREIGN KEY ("tenant_id","certificate_id") REFERENCES "public"."certificates"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_sessions" ADD CONSTRAINT "training_sessions_fee_fk" FOREIGN KEY ("tenant_id","fee_disclosure_id") REFERENCES "public"."fee_disclosures"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "credential_links_once_key" ON "credential_links" USING btree ("tenant_id","major_id","credential_number");--> statement-breakpoint
CREATE UNIQUE INDEX "training_enrolments_once_key" ON "training_enrolments" USING btree ("tenant_id","session_id","id_hash");--> statement-breakpoint
CREATE INDEX "training_enrolments_school_idx" ON "training_enrolments" USING btree ("tenant_id","school_tenant_id");--> statement-breakpoint
CREATE INDEX "training_sessions_list_idx" ON "training_sessions" USING btree ("tenant_id","starts_on","id");