-- Near-duplicate questions at import (issue 19, decision 051). A question import whose rows resemble
-- questions already in the certificate's bank (pg_trgm similarity of the stems above 0.6, same type)
-- stops in 'review' after staging: each staged row names the question it resembles; the user imports
-- all rows or skips the flagged ones, and the move into the bank stays one transaction.
ALTER TYPE "import_status" ADD VALUE IF NOT EXISTS 'review';
--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "duplicate_rows" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "import_jobs" ADD COLUMN "duplicates" text;
--> statement-breakpoint
ALTER TABLE "import_jobs" ADD CONSTRAINT "import_jobs_duplicates_check" CHECK ("duplicates" IN ('keep', 'skip'));
--> statement-breakpoint
ALTER TABLE "import_rows" ADD COLUMN "duplicate_of" uuid;
--> statement-breakpoint
ALTER TABLE "import_rows" ADD COLUMN "duplicate_similarity" real;
--> statement-breakpoint
-- The flag is written on the staged row (by the job, in its organization's scope): that column only.
GRANT UPDATE ("duplicate_of", "duplicate_similarity") ON import_rows TO app_user;
