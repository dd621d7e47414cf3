CREATE TYPE "public"."publication_status" AS ENUM('draft', 'published', 'superseded');--> statement-breakpoint
CREATE TYPE "public"."standard_node_kind" AS ENUM('work_area', 'work_task', 'skill_requirement');--> statement-breakpoint
CREATE TABLE "standard_nodes" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"version_id" uuid NOT NULL,
	"level" "certificate_level" NOT NULL,
	"parent_id" uuid,
	"kind" "standard_node_kind" NOT NULL,
	"position" integer NOT NULL,
	"code" text NOT NULL,
	"lineage_id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"title_zh" text NOT NULL,
	"title_en" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	CONSTRAINT "standard_nodes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "standard_versions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"certificate_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"status" "publication_status" DEFAULT 'draft' NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	"superseded_at" timestamp with time zone,
	CONSTRAINT "standard_versions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "standard_nodes" ADD CONSTRAINT "standard_nodes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "standard_nodes" ADD CONSTRAINT "standard_nodes_version_fk" FOREIGN KEY ("tenant_id","version_id") REFERENCES "public"."standard_versions"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "standard_nodes" ADD CONSTRAINT "standard_nodes_parent_fk" FOREIGN KEY ("tenant_id","parent_id") REFERENCES "public"."standard_nodes"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "standard_versions" ADD CONSTRAINT "standard_versions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "standard_versions" ADD CONSTRAINT "standard_versions_certificate_fk" FOREIGN KEY ("tenant_id","certificate_id") REFERENCES "public"."certificates"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "standard_nodes_version_level_code_key" ON "standard_nodes" USING btree ("tenant_id","version_id","level","code");--> statement-breakpoint
CREATE INDEX "standard_nodes_version_parent_idx" ON "standard_nodes" USING btree ("tenant_id","version_id","parent_id");--> statement-breakpoint
CREATE INDEX "standard_nodes_lineage_idx" ON "standard_nodes" USING btree ("tenant_id","lineage_id");--> statement-breakpoint
CREATE UNIQUE INDEX "standard_versions_certificate_version_key" ON "standard_versions" USING btree ("tenant_id","certificate_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "standard_versions_one_draft_key" ON "standard_versions" USING btree ("tenant_id","certificate_id") WHERE status = 'draft';