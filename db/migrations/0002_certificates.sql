CREATE TYPE "public"."certificate_level" AS ENUM('junior', 'intermediate', 'senior');--> statement-breakpoint
CREATE TYPE "public"."certificate_status" AS ENUM('draft', 'active', 'retired');--> statement-breakpoint
CREATE TABLE "certificates" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"industry_code" text NOT NULL,
	"levels" "certificate_level"[] NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"status" "certificate_status" DEFAULT 'draft' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "certificates_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "industries" (
	"code" text PRIMARY KEY NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"priority_area" text,
	"sort" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_industry_code_industries_code_fk" FOREIGN KEY ("industry_code") REFERENCES "public"."industries"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_tenant_code_key" ON "certificates" USING btree ("tenant_id",lower("code"));--> statement-breakpoint
CREATE INDEX "certificates_tenant_status_idx" ON "certificates" USING btree ("tenant_id","status");