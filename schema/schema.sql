-- floodgate analytics schema (PostgreSQL >= 12). Idempotent: apply it as often as you like,
--   psql "postgresql://floodgate:floodgate@127.0.0.1:5432/floodgate" -v ON_ERROR_STOP=1 -f schema/schema.sql
--
-- Layout
--   decision_events          one row per decision (SPEC columns), partitioned by day (UTC):
--                            decision_events_pYYYYMMDD + decision_events_default (safety net)
--   decision_rollup_minute   requests, latency sum and latency histogram per minute/route/decision
--   blocked_clients_minute   decision 'blocked' per minute/route/client
--   decision_rollup_hour,    the same per UTC hour, so a long dashboard window reads whole
--   blocked_clients_hour     hours here and only its edge minutes from the minute tables
--   decision_series_minute   requests per minute/decision, all routes together (timeseries)
--   floodgate_batches        ids of committed writer batches (exactly-once on retry)
--   floodgate_settings       operator settings (retention)
--
-- The rollups (minute and hour) are written by the analytics writer in the same
-- transaction as the COPY of the raw events, so they always agree with decision_events and
-- a retried batch can never count twice. The dashboard reads only the rollups.
--
-- Upgrading a database from before the hourly rollups: stop (or upgrade) every gateway,
-- then apply this file; it fills the hourly tables from the minute tables once. A gateway
-- of the old version writing afterwards would add minutes without their hours.
--
-- Retention: floodgate_drop_partitions() drops daily partitions (and rollup rows) older
-- than the 'retention' setting, default 14 days. The gateway's writer calls it hourly and
-- floodgate_ensure_partitions() at start and hourly. To change retention:
--   UPDATE floodgate_settings SET value = '30 days' WHERE key = 'retention';
-- To run it by hand (returns the number of partitions dropped):
--   SELECT floodgate_drop_partitions();            -- uses the setting
--   SELECT floodgate_drop_partitions('3 days');    -- explicit

SET client_min_messages = warning;

CREATE TABLE IF NOT EXISTS decision_events (
  ts          timestamptz      NOT NULL,
  gateway_id  text             NOT NULL,
  route       text             NOT NULL,
  client_key  text             NOT NULL,
  method      text             NOT NULL,
  path        text             NOT NULL,  -- as routed: no query, normalised (//a/../b is /b)
  decision    text             NOT NULL,
  algorithm   text,            -- NULL when the route has no limits
  status      integer          NOT NULL,
  latency_ms  double precision NOT NULL
) PARTITION BY RANGE (ts);

-- Rows whose day has no partition land here instead of failing the whole batch.
-- floodgate_ensure_partitions() moves them out when it creates their day.
CREATE TABLE IF NOT EXISTS decision_events_default PARTITION OF decision_events DEFAULT;

-- Inserts must stay cheap: BRIN on ts only (tiny, rows arrive in time order). The
-- dashboard does not read raw events, the rollups serve it; a btree on (route, ts) cost
-- about a third of PostgreSQL's CPU per ingested row and served no query of ours (an
-- operator who wants per-route drill-downs can add it, at that price).
CREATE INDEX IF NOT EXISTS decision_events_ts_brin ON decision_events USING brin (ts);
DROP INDEX IF EXISTS decision_events_route_ts;

CREATE TABLE IF NOT EXISTS decision_rollup_minute (
  minute          timestamptz      NOT NULL,
  route           text             NOT NULL,
  decision        text             NOT NULL,
  requests        bigint           NOT NULL,
  latency_sum_ms  double precision NOT NULL,
  -- Counts per latency bucket; bounds in analytics/include/floodgate/analytics/latency_buckets.hpp
  -- {0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, +inf} ms.
  latency_buckets bigint[]         NOT NULL,
  PRIMARY KEY (minute, route, decision)
);

CREATE TABLE IF NOT EXISTS blocked_clients_minute (
  minute     timestamptz NOT NULL,
  route      text        NOT NULL,
  client_key text        NOT NULL,
  blocked    bigint      NOT NULL,
  PRIMARY KEY (minute, route, client_key)
);
-- The primary key starts with minute, so it serves the dashboard's window scans; a
-- separate (minute) index only cost every upsert a second index insert.
DROP INDEX IF EXISTS blocked_clients_minute_minute;

-- The same rollups per UTC hour (hour = date_trunc('hour', ts, 'UTC')).
CREATE TABLE IF NOT EXISTS decision_rollup_hour (
  hour            timestamptz      NOT NULL,
  route           text             NOT NULL,
  decision        text             NOT NULL,
  requests        bigint           NOT NULL,
  latency_sum_ms  double precision NOT NULL,
  latency_buckets bigint[]         NOT NULL,
  PRIMARY KEY (hour, route, decision)
);

-- Requests per minute and decision over all routes: a timeseries at minute steps reads
-- one row per minute and decision instead of one per route as well.
CREATE TABLE IF NOT EXISTS decision_series_minute (
  minute   timestamptz NOT NULL,
  decision text        NOT NULL,
  requests bigint      NOT NULL,
  PRIMARY KEY (minute, decision)
);

CREATE TABLE IF NOT EXISTS blocked_clients_hour (
  hour       timestamptz NOT NULL,
  route      text        NOT NULL,
  client_key text        NOT NULL,
  blocked    bigint      NOT NULL,
  PRIMARY KEY (hour, route, client_key)
);

-- One row per batch the writer committed, written in the batch's transaction. When the
-- connection breaks during COMMIT the writer cannot know whether the batch landed; on
-- retry it looks here first, so an in-doubt batch is never written twice. Kept one hour.
CREATE TABLE IF NOT EXISTS floodgate_batches (
  batch_id   text        PRIMARY KEY,
  written_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS floodgate_settings (
  key   text PRIMARY KEY,
  value text NOT NULL
);
-- DO NOTHING: re-applying the schema keeps an operator's value.
INSERT INTO floodgate_settings (key, value) VALUES ('retention', '14 days')
  ON CONFLICT (key) DO NOTHING;

-- Element-wise sum of two histograms; a missing or shorter side counts as zeros.
CREATE OR REPLACE FUNCTION floodgate_add_buckets(a bigint[], b bigint[])
RETURNS bigint[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i), '{}'::bigint[])
  FROM unnest(coalesce(a, '{}'::bigint[]), coalesce(b, '{}'::bigint[])) WITH ORDINALITY AS t(x, y, i)
$$;

-- Element-wise sum of many histograms (filling hourly rows from minute rows).
CREATE OR REPLACE AGGREGATE floodgate_sum_buckets(bigint[]) (
  SFUNC = floodgate_add_buckets,
  STYPE = bigint[],
  INITCOND = '{}'
);

-- Creates the daily partitions for first_day .. first_day + days_ahead (UTC days); existing
-- ones are kept. Rows of those days already sitting in the default partition are moved
-- into the new partition. Returns the number of partitions created.
CREATE OR REPLACE FUNCTION floodgate_ensure_partitions(
  days_ahead integer DEFAULT 7,
  first_day date DEFAULT (now() AT TIME ZONE 'UTC')::date)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  d date;
  part text;
  lower_bound timestamptz;
  upper_bound timestamptz;
  created integer := 0;
BEGIN
  -- Several gateways start at once: serialise partition maintenance between them.
  PERFORM pg_advisory_xact_lock(hashtext('floodgate_partitions'));
  FOR offset_days IN 0 .. greatest(days_ahead, 0) LOOP
    d := first_day + offset_days;
    part := 'decision_events_p' || to_char(d, 'YYYYMMDD');
    CONTINUE WHEN to_regclass(quote_ident(part)) IS NOT NULL;
    lower_bound := d::timestamp AT TIME ZONE 'UTC';
    upper_bound := (d + 1)::timestamp AT TIME ZONE 'UTC';
    IF EXISTS (SELECT 1 FROM decision_events_default
               WHERE ts >= lower_bound AND ts < upper_bound) THEN
      -- A new partition may not overlap rows in the default one: build it standalone,
      -- move the rows over, then attach (which also creates its indexes).
      EXECUTE format('CREATE TABLE %I (LIKE decision_events INCLUDING DEFAULTS)', part);
      EXECUTE format('WITH moved AS (DELETE FROM decision_events_default
                        WHERE ts >= %L AND ts < %L RETURNING *)
                      INSERT INTO %I SELECT * FROM moved', lower_bound, upper_bound, part);
      EXECUTE format('ALTER TABLE decision_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                     part, lower_bound, upper_bound);
    ELSE
      EXECUTE format('CREATE TABLE %I PARTITION OF decision_events FOR VALUES FROM (%L) TO (%L)',
                     part, lower_bound, upper_bound);
    END IF;
    created := created + 1;
  END LOOP;
  RETURN created;
END
$$;

-- Drops daily partitions whose whole day is older than now() - retention, and deletes
-- older rows from the default partition and the rollups. NULL retention = the
-- 'retention' setting. Returns the number of partitions dropped.
CREATE OR REPLACE FUNCTION floodgate_drop_partitions(retention interval DEFAULT NULL)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  keep_from timestamptz;
  part record;
  dropped integer := 0;
BEGIN
  keep_from := now() - coalesce(retention,
                                (SELECT value::interval FROM floodgate_settings WHERE key = 'retention'),
                                interval '14 days');
  PERFORM pg_advisory_xact_lock(hashtext('floodgate_partitions'));
  FOR part IN
    SELECT c.relname
    FROM pg_inherits i
    JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'decision_events'::regclass
      AND c.relname ~ '^decision_events_p[0-9]{8}$'
  LOOP
    -- The partition's upper bound is the start of the next UTC day.
    IF (to_date(substr(part.relname, 18), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC'
       <= keep_from THEN
      EXECUTE format('DROP TABLE %I', part.relname);
      dropped := dropped + 1;
    END IF;
  END LOOP;
  DELETE FROM decision_events_default WHERE ts < keep_from;
  DELETE FROM decision_rollup_minute WHERE minute < keep_from;
  DELETE FROM blocked_clients_minute WHERE minute < keep_from;
  DELETE FROM decision_rollup_hour WHERE hour + interval '1 hour' <= keep_from;
  DELETE FROM blocked_clients_hour WHERE hour + interval '1 hour' <= keep_from;
  DELETE FROM decision_series_minute WHERE minute < keep_from;
  DELETE FROM floodgate_batches WHERE written_at < now() - interval '1 hour';
  RETURN dropped;
END
$$;

-- Fills the hourly rollups from the minute rollups, once per database (a database from
-- before the hourly tables). The lock keeps writers out meanwhile; hourly rows a new
-- writer added since the tables were created are recomputed too (their minutes are in the
-- minute tables), so nothing is counted twice.
DO $$
BEGIN
  LOCK TABLE decision_rollup_minute, blocked_clients_minute, decision_rollup_hour,
             blocked_clients_hour IN SHARE ROW EXCLUSIVE MODE;
  IF EXISTS (SELECT 1 FROM floodgate_settings WHERE key = 'hourly_rollups') THEN
    RETURN;
  END IF;
  DELETE FROM decision_rollup_hour;
  DELETE FROM blocked_clients_hour;
  INSERT INTO decision_rollup_hour (hour, route, decision, requests, latency_sum_ms, latency_buckets)
  SELECT date_trunc('hour', minute, 'UTC'), route, decision, sum(requests), sum(latency_sum_ms),
         floodgate_sum_buckets(latency_buckets)
  FROM decision_rollup_minute GROUP BY 1, 2, 3;
  INSERT INTO blocked_clients_hour (hour, route, client_key, blocked)
  SELECT date_trunc('hour', minute, 'UTC'), route, client_key, sum(blocked)
  FROM blocked_clients_minute GROUP BY 1, 2, 3;
  INSERT INTO floodgate_settings (key, value) VALUES ('hourly_rollups', 'filled');
END
$$;

-- The same, once, for decision_series_minute.
DO $$
BEGIN
  LOCK TABLE decision_rollup_minute, decision_series_minute IN SHARE ROW EXCLUSIVE MODE;
  IF EXISTS (SELECT 1 FROM floodgate_settings WHERE key = 'series_rollup') THEN
    RETURN;
  END IF;
  DELETE FROM decision_series_minute;
  INSERT INTO decision_series_minute (minute, decision, requests)
  SELECT minute, decision, sum(requests) FROM decision_rollup_minute GROUP BY 1, 2;
  INSERT INTO floodgate_settings (key, value) VALUES ('series_rollup', 'filled');
END
$$;

-- Today and the next 7 days, so the first events land in a daily partition.
DO $$ BEGIN PERFORM floodgate_ensure_partitions(); END $$;
