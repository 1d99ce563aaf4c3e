-- The change feed serves changes below the oldest transaction that may still add one. Transaction
-- ids are cluster-wide, but only this database's transactions can write here: one left idle in
-- another database on the same server must not hold the feed back. A transaction is left out only
-- when it is seen to belong to another database (a session of it, or a prepared transaction);
-- one that cannot be placed (it just ended, or its session is not visible) still counts, so the
-- horizon is never later than it may be. Seeing other roles' sessions takes the rights of the
-- role that runs migrations (a superuser, or a member of pg_read_all_stats): these functions run
-- as it. Without them every transaction counts, as pg_snapshot_xmin would.
-- STABLE: they read the snapshot of the query that calls them.

CREATE FUNCTION feed_horizon() RETURNS xid8
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(min(running), pg_snapshot_xmax(pg_current_snapshot()))
    FROM pg_snapshot_xip(pg_current_snapshot()) AS running
    WHERE xid(running) NOT IN (
        SELECT backend_xid FROM pg_stat_activity
        WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database()
        UNION ALL
        SELECT transaction FROM pg_prepared_xacts WHERE database <> current_database())
$$;

-- The oldest transaction of this database older than `min_age`, for saying what holds the feed back.
CREATE FUNCTION feed_held_back_by(min_age interval) RETURNS TABLE (txid xid8, pid integer, since timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT running, a.pid, a.xact_start
    FROM pg_snapshot_xip(pg_current_snapshot()) AS running
    JOIN pg_stat_activity a ON a.backend_xid = xid(running)
    WHERE a.datname = current_database() AND a.xact_start < now() - min_age
    ORDER BY running LIMIT 1
$$;

REVOKE ALL ON FUNCTION feed_horizon(), feed_held_back_by(interval) FROM PUBLIC;
