-- What holds the feed back, read from the sessions themselves: the snapshot's list of running
-- transactions (0007) leaves out the newest one when nothing after it has ended yet, which is the
-- very case of one transaction left open on a quiet database. The id is the session's backend_xid,
-- as pg_stat_activity shows it to an operator.
DROP FUNCTION feed_held_back_by(interval);

CREATE FUNCTION feed_held_back_by(min_age interval) RETURNS TABLE (txid text, pid integer, since timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT a.backend_xid::text, a.pid, a.xact_start
    FROM pg_stat_activity a
    WHERE a.datname = current_database() AND a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid()
      AND a.xact_start < now() - min_age
    ORDER BY a.xact_start LIMIT 1
$$;

REVOKE ALL ON FUNCTION feed_held_back_by(interval) FROM PUBLIC;
