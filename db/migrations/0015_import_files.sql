CREATE TABLE "import_files" (
	"tenant_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"bytes" "bytea" NOT NULL,
	CONSTRAINT "import_files_tenant_id_job_id_pk" PRIMARY KEY("tenant_id","job_id")
);
--> statement-breakpoint
ALTER TABLE "import_files" ADD CONSTRAINT "import_files_job_fk" FOREIGN KEY ("tenant_id","job_id") REFERENCES "public"."import_jobs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_jobs" DROP COLUMN "storage_key";--> statement-breakpoint
ALTER TABLE import_files ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE import_files FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON import_files TO app_user;
--> statement-breakpoint
CREATE POLICY import_files_tenant ON import_files FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_can_edit()) WITH CHECK (tenant_id = app_tenant_id() AND app_can_edit());
--> statement-breakpoint
CREATE POLICY import_files_system ON import_files FOR ALL TO app_user USING (app_is_system()) WITH CHECK (app_is_system());
