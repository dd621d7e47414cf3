CREATE TABLE "fee_audit_state" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"refreshed_at" timestamp with time zone NOT NULL,
	"next_change_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fee_findings" (
	"tenant_id" uuid NOT NULL,
	"type" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"entity_type" text NOT NULL,
	"certificate_id" uuid NOT NULL,
	"level" "certificate_level" NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actual_fen" bigint,
	"expected_fen" bigint,
	"notice_given" integer,
	"notice_required" integer,
	"reference" text NOT NULL,
	CONSTRAINT "fee_findings_tenant_id_type_entity_id_pk" PRIMARY KEY("tenant_id","type","entity_id")
);
--> statement-breakpoint
ALTER TABLE "fee_findings" ADD CONSTRAINT "fee_findings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fee_findings" ADD CONSTRAINT "fee_findings_certificate_fk" FOREIGN KEY ("tenant_id","certificate_id") REFERENCES "public"."certificates"("tenant_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "fee_findings_key_idx" ON "fee_findings" USING btree ("tenant_id","certificate_id","level");--> statement-breakpoint
CREATE INDEX "assessment_orders_fee_key_idx" ON "assessment_orders" USING btree ("tenant_id","certificate_id","level","order_date");