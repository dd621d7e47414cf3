-- Issue 18 item 6, decision 026: the public pages' data version. Every statement that writes a table a
-- group of public pages reads bumps that group's row, in the writing transaction: readers see the new
-- version exactly when they see the new data (a sequence would move before the commit, and a page
-- rendered from the old data could be cached under the new version). A statement trigger, not a row
-- trigger: an import of 10,000 rows bumps once. The row is locked until the writer commits, so writers
-- of these tables queue on it; they are few (publishing a fee, editing a certificate or an
-- organization's name).
-- A page joins with its own group name: a trigger per table it reads, e.g.
--   CREATE TRIGGER <table>_bumps_verify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON <table>
--     FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('verify');
CREATE FUNCTION bump_public_data_version() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  INSERT INTO public_data_versions AS v (name, version) VALUES (TG_ARGV[0], 2)
    ON CONFLICT (name) DO UPDATE SET version = v.version + 1;
  RETURN NULL;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION bump_public_data_version() FROM PUBLIC;
--> statement-breakpoint
-- Read by every scope, the public one included (it holds a counter per page group, nothing else);
-- written only by the trigger above, as the owner. No write grant, so no RLS to gate writes.
GRANT SELECT ON public_data_versions TO app_user;
--> statement-breakpoint
INSERT INTO public_data_versions (name) VALUES ('fees');
--> statement-breakpoint
-- /fees, /fees/:id, /fees.csv, /api/v1/fee-disclosures read these four tables (app/modules/fees/public.server.ts).
CREATE TRIGGER fee_disclosures_bumps_fees AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fee_disclosures
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('fees');
--> statement-breakpoint
CREATE TRIGGER fee_disclosure_withdrawals_bumps_fees AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fee_disclosure_withdrawals
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('fees');
--> statement-breakpoint
CREATE TRIGGER tenants_bumps_fees AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('fees');
--> statement-breakpoint
CREATE TRIGGER certificates_bumps_fees AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON certificates
  FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version('fees');
