-- Issue 18, decision 062: /verify's per-address limit (decision 054: 30 lookups a minute, page and
-- .json together, counted in PostgreSQL so every process and instance counts the same hits) taken in
-- one statement instead of a system-scope transaction of six. The same rows and advisory lock as the
-- generalized limiter (takeLimit, kind 'verify.ip'), so the two agree. Its commit does not wait for
-- the WAL flush: every other session sees the hit at once; only a crash of PostgreSQL can lose the
-- last moment's hits, which gives an address a few lookups back within a one-minute window.
-- Returns the seconds to wait, 0 when the lookup was counted.
CREATE FUNCTION take_verify_limit(p_key text, p_window_seconds int, p_max int) RETURNS int
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  k text := lower(btrim(p_key));
  n int;
  oldest timestamptz;
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  PERFORM pg_advisory_xact_lock(hashtextextended('verify.ip|' || k, 0));
  DELETE FROM rate_limit_hits WHERE kind = 'verify.ip' AND key = k AND at < now() - make_interval(secs => p_window_seconds);
  SELECT count(*)::int, min(at) INTO n, oldest FROM rate_limit_hits WHERE kind = 'verify.ip' AND key = k;
  IF n >= p_max THEN
    RETURN greatest(1, ceil(extract(epoch FROM oldest + make_interval(secs => p_window_seconds) - now())))::int;
  END IF;
  INSERT INTO rate_limit_hits (kind, key) VALUES ('verify.ip', k);
  RETURN 0;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION take_verify_limit(text, int, int) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION take_verify_limit(text, int, int) TO app_user;
