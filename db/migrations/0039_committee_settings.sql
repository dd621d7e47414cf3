-- Issue 17, items 5, 7 and 9 (decisions 043, 044): the committee's thresholds and the industry-field
-- list, each change a row effective from a time (the notice period's pattern).
CREATE TABLE "committee_settings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"key" text NOT NULL,
	"value" integer NOT NULL,
	"effective_from" timestamp with time zone DEFAULT now() NOT NULL,
	"set_by_user_id" uuid,
	"reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "committee_settings_key_check" CHECK ("key" IN ('bank_staleness_days', 'site_students_per_site')),
	CONSTRAINT "committee_settings_value_check" CHECK ("value" BETWEEN 1 AND 100000)
);
--> statement-breakpoint
CREATE INDEX "committee_settings_key_idx" ON "committee_settings" USING btree ("key","effective_from");
--> statement-breakpoint
CREATE TABLE "industry_field_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"code" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"priority_area" text,
	"effective_from" timestamp with time zone DEFAULT now() NOT NULL,
	"set_by_user_id" uuid,
	"reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "industry_field_changes_code_check" CHECK ("code" ~ '^[a-z][a-z0-9_-]{1,39}$')
);
--> statement-breakpoint
CREATE INDEX "industry_field_changes_code_idx" ON "industry_field_changes" USING btree ("code","effective_from");
