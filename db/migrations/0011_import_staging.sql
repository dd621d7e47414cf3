CREATE TABLE "import_rows" (
	"tenant_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"row_number" integer NOT NULL,
	"data" jsonb NOT NULL,
	CONSTRAINT "import_rows_tenant_id_job_id_row_number_pk" PRIMARY KEY("tenant_id","job_id","row_number")
);
--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "locked_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "import_rows" ADD CONSTRAINT "import_rows_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_rows" ADD CONSTRAINT "import_rows_job_fk" FOREIGN KEY ("tenant_id","job_id") REFERENCES "public"."import_jobs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE import_rows ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE import_rows FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON import_rows TO app_user;
--> statement-breakpoint
CREATE POLICY import_rows_tenant ON import_rows FOR ALL TO app_user
  USING (tenant_id = app_tenant_id() AND app_can_edit()) WITH CHECK (tenant_id = app_tenant_id() AND app_can_edit());
