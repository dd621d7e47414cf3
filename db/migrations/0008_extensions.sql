-- Substring search on titles and stems (LIKE '%…%') uses trigram GIN indexes; btree_gin lets such an
-- index lead with tenant_id, as every index of a tenant table does (the Citus distribution column).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gin;
