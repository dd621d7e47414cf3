CREATE TYPE "public"."bank_item_status" AS ENUM('draft', 'published');--> statement-breakpoint
CREATE TYPE "public"."import_format" AS ENUM('xlsx', 'csv', 'moodle');--> statement-breakpoint
CREATE TYPE "public"."import_kind" AS ENUM('questions', 'cases');--> statement-breakpoint
CREATE TYPE "public"."import_status" AS ENUM('queued', 'validating', 'importing', 'failed', 'done');--> statement-breakpoint
CREATE TYPE "public"."material_kind" AS ENUM('textbook', 'loose_leaf', 'workbook', 'courseware', 'video', 'digital');--> statement-breakpoint
CREATE TYPE "public"."question_pool" AS ENUM('practice', 'exam');--> statement-breakpoint
CREATE TYPE "public"."question_type" AS ENUM('single_choice', 'multiple_choice', 'true_false', 'fill_blank', 'short_answer', 'practical');--> statement-breakpoint
CREATE TYPE "public"."resource_visibility" AS ENUM('private', 'shared');--> statement-breakpoint
CREATE TABLE "cases" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"certificate_id" uuid NOT NULL,
	"level" "certificate_level" NOT NULL,
	"title" text NOT NULL,
	"industry_context" text DEFAULT '' NOT NULL,
	"body" text NOT NULL,
	"requirement_ids" uuid[] DEFAULT '{}' NOT NULL,
	"visibility" "resource_visibility" DEFAULT 'private' NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cases_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "import_jobs" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" "import_kind" NOT NULL,
	"format" "import_format" NOT NULL,
	"certificate_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"storage_key" text NOT NULL,
	"status" "import_status" DEFAULT 'queued' NOT NULL,
	"total_rows" integer DEFAULT 0 NOT NULL,
	"processed_rows" integer DEFAULT 0 NOT NULL,
	"imported_rows" integer DEFAULT 0 NOT NULL,
	"error_count" integer DEFAULT 0 NOT NULL,
	"errors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"locale" text DEFAULT 'zh-CN' NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "import_jobs_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "material_attachments" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"material_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "material_attachments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "materials" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"certificate_id" uuid NOT NULL,
	"kind" "material_kind" NOT NULL,
	"title" text NOT NULL,
	"isbn" text,
	"publisher" text DEFAULT '' NOT NULL,
	"school_editor" text DEFAULT '' NOT NULL,
	"enterprise_editor" text DEFAULT '' NOT NULL,
	"levels" "certificate_level"[] DEFAULT '{}' NOT NULL,
	"standard_version_id" uuid,
	"requirement_ids" uuid[] DEFAULT '{}' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"visibility" "resource_visibility" DEFAULT 'private' NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "materials_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "question_versions" (
	"tenant_id" uuid NOT NULL,
	"question_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"snapshot" jsonb NOT NULL,
	"pool" "question_pool" NOT NULL,
	"published_by_user_id" uuid,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "question_versions_tenant_id_question_id_version_pk" PRIMARY KEY("tenant_id","question_id","version")
);
--> statement-breakpoint
CREATE TABLE "questions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"certificate_id" uuid NOT NULL,
	"level" "certificate_level" NOT NULL,
	"type" "question_type" NOT NULL,
	"stem" text NOT NULL,
	"options" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"answer" text NOT NULL,
	"explanation" text DEFAULT '' NOT NULL,
	"rubric" text DEFAULT '' NOT NULL,
	"difficulty" smallint DEFAULT 3 NOT NULL,
	"requirement_ids" uuid[] DEFAULT '{}' NOT NULL,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"pool" "question_pool" DEFAULT 'practice' NOT NULL,
	"visibility" "resource_visibility" DEFAULT 'private' NOT NULL,
	"status" "bank_item_status" DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"import_job_id" uuid,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	CONSTRAINT "questions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_certificate_fk" FOREIGN KEY ("tenant_id","certificate_id") REFERENCES "public"."certificates"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD CONSTRAINT "import_jobs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD CONSTRAINT "import_jobs_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_jobs" ADD CONSTRAINT "import_jobs_certificate_fk" FOREIGN KEY ("tenant_id","certificate_id") REFERENCES "public"."certificates"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "material_attachments" ADD CONSTRAINT "material_attachments_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "material_attachments" ADD CONSTRAINT "material_attachments_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "material_attachments" ADD CONSTRAINT "material_attachments_material_fk" FOREIGN KEY ("tenant_id","material_id") REFERENCES "public"."materials"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "materials" ADD CONSTRAINT "materials_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "materials" ADD CONSTRAINT "materials_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "materials" ADD CONSTRAINT "materials_certificate_fk" FOREIGN KEY ("tenant_id","certificate_id") REFERENCES "public"."certificates"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "materials" ADD CONSTRAINT "materials_standard_version_fk" FOREIGN KEY ("tenant_id","standard_version_id") REFERENCES "public"."standard_versions"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "question_versions" ADD CONSTRAINT "question_versions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "question_versions" ADD CONSTRAINT "question_versions_published_by_user_id_users_id_fk" FOREIGN KEY ("published_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "question_versions" ADD CONSTRAINT "question_versions_question_fk" FOREIGN KEY ("tenant_id","question_id") REFERENCES "public"."questions"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "questions" ADD CONSTRAINT "questions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "questions" ADD CONSTRAINT "questions_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "questions" ADD CONSTRAINT "questions_certificate_fk" FOREIGN KEY ("tenant_id","certificate_id") REFERENCES "public"."certificates"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_certificate_level_idx" ON "cases" USING btree ("tenant_id","certificate_id","level");--> statement-breakpoint
CREATE INDEX "cases_updated_idx" ON "cases" USING btree ("tenant_id","updated_at" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "cases_title_trgm_idx" ON "cases" USING gin ("tenant_id","title" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "cases_requirements_idx" ON "cases" USING gin ("tenant_id","requirement_ids");--> statement-breakpoint
CREATE INDEX "import_jobs_created_idx" ON "import_jobs" USING btree ("tenant_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "material_attachments_material_idx" ON "material_attachments" USING btree ("tenant_id","material_id");--> statement-breakpoint
CREATE INDEX "materials_certificate_idx" ON "materials" USING btree ("tenant_id","certificate_id");--> statement-breakpoint
CREATE INDEX "materials_updated_idx" ON "materials" USING btree ("tenant_id","updated_at" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "materials_title_trgm_idx" ON "materials" USING gin ("tenant_id","title" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "questions_certificate_level_idx" ON "questions" USING btree ("tenant_id","certificate_id","level","pool");--> statement-breakpoint
CREATE INDEX "questions_updated_idx" ON "questions" USING btree ("tenant_id","updated_at" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "questions_stem_trgm_idx" ON "questions" USING gin ("tenant_id","stem" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "questions_requirements_idx" ON "questions" USING gin ("tenant_id","requirement_ids");--> statement-breakpoint
CREATE INDEX "questions_import_job_idx" ON "questions" USING btree ("tenant_id","import_job_id");--> statement-breakpoint
CREATE INDEX "standard_nodes_title_trgm_idx" ON "standard_nodes" USING gin ("tenant_id","title_zh" gin_trgm_ops);