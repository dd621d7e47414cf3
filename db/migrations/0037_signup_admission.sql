-- Issue 14 item 7 and issue 17 item 8: sign-ups verify their email first (decision 041), and an
-- organization or school is pending until the committee admits it (decision 042).
CREATE TYPE "public"."admission_status" AS ENUM('pending', 'admitted', 'refused', 'suspended');
--> statement-breakpoint
-- Every tenant that exists today was admitted by being there; new ones start pending.
ALTER TABLE "tenants" ADD COLUMN "admission" "admission_status" DEFAULT 'admitted' NOT NULL;
--> statement-breakpoint
ALTER TABLE "tenants" ALTER COLUMN "admission" SET DEFAULT 'pending';
--> statement-breakpoint
-- Every account that exists today is verified (now()); only a self-service sign-up inserts null.
ALTER TABLE "users" ADD COLUMN "email_verified_at" timestamp with time zone DEFAULT now();
--> statement-breakpoint
CREATE TABLE "signup_verifications" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" "tenant_kind" NOT NULL,
	"tenant_name" text NOT NULL,
	"slug" text NOT NULL,
	"credit_code" text NOT NULL,
	"business_scope" text DEFAULT '' NOT NULL,
	"proposed_certificates" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "signup_verifications" ADD CONSTRAINT "signup_verifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "signup_verifications_user_idx" ON "signup_verifications" USING btree ("user_id");
--> statement-breakpoint
CREATE TABLE "tenant_admissions" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"credit_code" text NOT NULL,
	"business_scope" text DEFAULT '' NOT NULL,
	"proposed_certificates" text DEFAULT '' NOT NULL,
	"filed_by_user_id" uuid,
	"filed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" "admission_status" DEFAULT 'pending' NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by_user_id" uuid,
	CONSTRAINT "tenant_admissions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
ALTER TABLE "tenant_admissions" ADD CONSTRAINT "tenant_admissions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "tenant_admissions_filed_idx" ON "tenant_admissions" USING btree ("tenant_id","filed_at");
