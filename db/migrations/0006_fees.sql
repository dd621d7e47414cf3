CREATE TYPE "public"."disclosure_status" AS ENUM('draft', 'published');--> statement-breakpoint
CREATE TYPE "public"."fee_kind" AS ENUM('training', 'assessment', 'teacher_training');--> statement-breakpoint
CREATE TYPE "public"."fee_unit" AS ENUM('per_person', 'per_person_time', 'per_session');--> statement-breakpoint
CREATE TYPE "public"."order_status" AS ENUM('pending', 'paid', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."payment_method" AS ENUM('stripe', 'bank_transfer');--> statement-breakpoint
CREATE TYPE "public"."payment_status" AS ENUM('pending', 'succeeded', 'failed');--> statement-breakpoint
CREATE TABLE "assessment_orders" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"school_tenant_id" uuid NOT NULL,
	"certificate_id" uuid NOT NULL,
	"level" "certificate_level" NOT NULL,
	"disclosure_id" uuid,
	"exam_site" text NOT NULL,
	"exam_date" date NOT NULL,
	"order_date" date NOT NULL,
	"headcount" integer NOT NULL,
	"unit_price_fen" bigint NOT NULL,
	"total_fen" bigint NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"status" "order_status" DEFAULT 'pending' NOT NULL,
	"contact_email" text NOT NULL,
	"locale" text DEFAULT 'zh-CN' NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"refunded_fen" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "assessment_orders_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "cost_caps" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"certificate_id" uuid NOT NULL,
	"level" "certificate_level" NOT NULL,
	"amount_fen" bigint NOT NULL,
	"effective_from" timestamp with time zone DEFAULT now() NOT NULL,
	"set_by_user_id" uuid,
	"reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cost_caps_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "fee_disclosure_withdrawals" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"disclosure_id" uuid NOT NULL,
	"effective_from" date NOT NULL,
	"reason" text NOT NULL,
	"withdrawn_by_user_id" uuid,
	"withdrawn_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fee_disclosure_withdrawals_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "fee_disclosures" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"certificate_id" uuid NOT NULL,
	"level" "certificate_level" NOT NULL,
	"kind" "fee_kind" NOT NULL,
	"amount_fen" bigint NOT NULL,
	"unit" "fee_unit" NOT NULL,
	"includes" text DEFAULT '' NOT NULL,
	"effective_from" date NOT NULL,
	"effective_until" date,
	"contact" text NOT NULL,
	"change_reason" text DEFAULT '' NOT NULL,
	"status" "disclosure_status" DEFAULT 'draft' NOT NULL,
	"supersedes_id" uuid,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	"published_by_user_id" uuid,
	CONSTRAINT "fee_disclosures_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "finding_notices" (
	"key" text PRIMARY KEY NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"digested_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notice_period_settings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"days" integer NOT NULL,
	"effective_from" timestamp with time zone DEFAULT now() NOT NULL,
	"set_by_user_id" uuid,
	"reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_accounts" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"stripe_account_id" text NOT NULL,
	"charges_enabled" boolean DEFAULT false NOT NULL,
	"details_submitted" boolean DEFAULT false NOT NULL,
	"payment_methods" text[] DEFAULT '{card}'::text[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_accounts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"method" "payment_method" NOT NULL,
	"status" "payment_status" DEFAULT 'pending' NOT NULL,
	"amount_fen" bigint NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"stripe_checkout_session_id" text,
	"stripe_payment_intent_id" text,
	"bank_reference" text,
	"recorded_by_user_id" uuid,
	"confirmed_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	CONSTRAINT "payments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "refunds" (
	"tenant_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"order_id" uuid NOT NULL,
	"payment_id" uuid NOT NULL,
	"amount_fen" bigint NOT NULL,
	"reason" text NOT NULL,
	"stripe_refund_id" text,
	"recorded_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refunds_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "scheduled_jobs" (
	"name" text PRIMARY KEY NOT NULL,
	"last_run_at" timestamp with time zone,
	"next_run_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"account" text,
	"organization_id" uuid,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "assessment_orders" ADD CONSTRAINT "assessment_orders_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_orders" ADD CONSTRAINT "assessment_orders_school_tenant_id_tenants_id_fk" FOREIGN KEY ("school_tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_orders" ADD CONSTRAINT "assessment_orders_certificate_fk" FOREIGN KEY ("tenant_id","certificate_id") REFERENCES "public"."certificates"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_orders" ADD CONSTRAINT "assessment_orders_disclosure_fk" FOREIGN KEY ("tenant_id","disclosure_id") REFERENCES "public"."fee_disclosures"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_caps" ADD CONSTRAINT "cost_caps_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cost_caps" ADD CONSTRAINT "cost_caps_certificate_fk" FOREIGN KEY ("tenant_id","certificate_id") REFERENCES "public"."certificates"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_disclosure_withdrawals" ADD CONSTRAINT "fee_disclosure_withdrawals_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_disclosure_withdrawals" ADD CONSTRAINT "fee_disclosure_withdrawals_disclosure_fk" FOREIGN KEY ("tenant_id","disclosure_id") REFERENCES "public"."fee_disclosures"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_disclosures" ADD CONSTRAINT "fee_disclosures_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_disclosures" ADD CONSTRAINT "fee_disclosures_certificate_fk" FOREIGN KEY ("tenant_id","certificate_id") REFERENCES "public"."certificates"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_disclosures" ADD CONSTRAINT "fee_disclosures_supersedes_fk" FOREIGN KEY ("tenant_id","supersedes_id") REFERENCES "public"."fee_disclosures"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_accounts" ADD CONSTRAINT "payment_accounts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_order_fk" FOREIGN KEY ("tenant_id","order_id") REFERENCES "public"."assessment_orders"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_order_fk" FOREIGN KEY ("tenant_id","order_id") REFERENCES "public"."assessment_orders"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_payment_fk" FOREIGN KEY ("tenant_id","payment_id") REFERENCES "public"."payments"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "assessment_orders_number_key" ON "assessment_orders" USING btree ("tenant_id","number");--> statement-breakpoint
CREATE INDEX "assessment_orders_school_idx" ON "assessment_orders" USING btree ("tenant_id","school_tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "assessment_orders_status_idx" ON "assessment_orders" USING btree ("tenant_id","status","created_at");--> statement-breakpoint
CREATE INDEX "cost_caps_certificate_level_idx" ON "cost_caps" USING btree ("tenant_id","certificate_id","level","effective_from");--> statement-breakpoint
CREATE UNIQUE INDEX "fee_disclosure_withdrawals_disclosure_key" ON "fee_disclosure_withdrawals" USING btree ("tenant_id","disclosure_id");--> statement-breakpoint
CREATE INDEX "fee_disclosures_lookup_idx" ON "fee_disclosures" USING btree ("tenant_id","certificate_id","level","kind","effective_from");--> statement-breakpoint
CREATE INDEX "fee_disclosures_published_idx" ON "fee_disclosures" USING btree ("tenant_id","published_at");--> statement-breakpoint
CREATE UNIQUE INDEX "fee_disclosures_one_per_day_key" ON "fee_disclosures" USING btree ("tenant_id","certificate_id","level","kind","effective_from") WHERE status = 'published';--> statement-breakpoint
CREATE UNIQUE INDEX "payment_accounts_one_per_tenant_key" ON "payment_accounts" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "payment_accounts_stripe_idx" ON "payment_accounts" USING btree ("tenant_id","stripe_account_id");--> statement-breakpoint
CREATE INDEX "payments_order_idx" ON "payments" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_checkout_session_key" ON "payments" USING btree ("tenant_id","stripe_checkout_session_id");--> statement-breakpoint
CREATE INDEX "refunds_order_idx" ON "refunds" USING btree ("tenant_id","order_id");