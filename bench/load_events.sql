-- Loads synthetic decision events (default 10 million) spread over the last hour, and the
-- matching minute and hour rollups, so the dashboard's endpoints can be timed at volume.
--
--   psql "postgresql://floodgate:floodgate@127.0.0.1:5432/floodgate" -v ON_ERROR_STOP=1 \
--        -v events=10000000 -f bench/load_events.sql
--
-- The events look like traffic: 8 routes of different weight, 5000 clients of which a few
-- send most requests (and get most of the blocks), ~83% allowed / 12% blocked /
-- 2% shadow_blocked / 2% fail_open / 1% fail_closed, exponential latencies (upstream
-- ~20 ms, refused requests ~0.3 ms).
-- Rows carry gateway_id 'bench-load-<unix time>' (one per run); the rollups are computed
-- from exactly the rows this run inserted, with the bucket bounds of latency_buckets.hpp,
-- and added (ON CONFLICT) to what is there, so rollups and raw events stay consistent on a
-- database with other data. The raw rows can be removed again with
-- DELETE FROM decision_events WHERE gateway_id LIKE 'bench-load-%' (the rollups cannot be
-- separated again: use a throwaway database, e.g. scripts/postgres-start.sh).

\if :{?events}
\else
\set events 10000000
\endif
SELECT 'bench-load-' || extract(epoch FROM clock_timestamp())::bigint AS run_id \gset
\timing on

BEGIN;

-- Bucket index (1-based, as in SQL arrays) of a latency: first inclusive upper bound >= it.
CREATE FUNCTION pg_temp.bucket_of(latency double precision) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN latency <= 0.5 THEN 1 WHEN latency <= 1 THEN 2 WHEN latency <= 2.5 THEN 3
              WHEN latency <= 5 THEN 4 WHEN latency <= 10 THEN 5 WHEN latency <= 25 THEN 6
              WHEN latency <= 50 THEN 7 WHEN latency <= 100 THEN 8 WHEN latency <= 250 THEN 9
              WHEN latency <= 500 THEN 10 WHEN latency <= 1000 THEN 11
              WHEN latency <= 2500 THEN 12 WHEN latency <= 5000 THEN 13
              WHEN latency <= 10000 THEN 14 ELSE 15 END
$$;

-- Daily partitions for the last hour (it may span midnight UTC).
SELECT floodgate_ensure_partitions(1, ((now() - interval '1 hour') AT TIME ZONE 'UTC')::date);

INSERT INTO decision_events
  (ts, gateway_id, route, client_key, method, path, decision, algorithm, status, latency_ms)
SELECT ts, :'run_id', route, client_key, method, path, decision,
       CASE WHEN route IN ('static', 'images') THEN 'token_bucket' ELSE 'sliding_window' END,
       CASE decision WHEN 'blocked' THEN 429 WHEN 'fail_closed' THEN 503 ELSE 200 END,
       CASE WHEN decision IN ('blocked', 'fail_closed') THEN -ln(1 - random()) * 0.3
            ELSE -ln(1 - random()) * 20 END
FROM (
  SELECT ts, route, 'client-' || c AS client_key, method, path,
         -- Limits bite the heavy clients: the top 20 are blocked 60% of the time, the next
         -- 180 10%, everyone else 0.5%. Overall about 12% blocked, 2% shadow_blocked,
         -- 2% fail_open, 1% fail_closed, the rest allowed.
         CASE WHEN r < CASE WHEN c < 20 THEN 0.60 WHEN c < 200 THEN 0.10 ELSE 0.005 END
                THEN 'blocked'
              WHEN r2 < 0.02 THEN 'shadow_blocked' WHEN r2 < 0.04 THEN 'fail_open'
              WHEN r2 < 0.05 THEN 'fail_closed' ELSE 'allowed' END AS decision
  FROM (
    SELECT now() - random() * interval '1 hour' AS ts,
           (ARRAY['api-data', 'api-data', 'api-data', 'api-search', 'api-search', 'login',
                  'checkout', 'static', 'static', 'images', 'admin', 'webhooks'])
             [1 + floor(random() * 12)::int] AS route,
           floor(5000 * power(random(), 3))::int AS c,  -- few clients send most requests
           (ARRAY['GET', 'GET', 'GET', 'POST'])[1 + floor(random() * 4)::int] AS method,
           '/item/' || (n % 1000) AS path,
           random() AS r, random() AS r2
    FROM generate_series(1, :events) AS n
  ) AS g
) AS e;

-- This run's rollups, per minute, then added to the minute tables and, folded into hours
-- (as the writer does), to the hourly tables.
CREATE TEMP TABLE run_minutes ON COMMIT DROP AS
SELECT minute, route, decision, count(*) AS requests, sum(latency_ms) AS latency_sum_ms,
       ARRAY[count(*) FILTER (WHERE b = 1), count(*) FILTER (WHERE b = 2),
             count(*) FILTER (WHERE b = 3), count(*) FILTER (WHERE b = 4),
             count(*) FILTER (WHERE b = 5), count(*) FILTER (WHERE b = 6),
             count(*) FILTER (WHERE b = 7), count(*) FILTER (WHERE b = 8),
             count(*) FILTER (WHERE b = 9), count(*) FILTER (WHERE b = 10),
             count(*) FILTER (WHERE b = 11), count(*) FILTER (WHERE b = 12),
             count(*) FILTER (WHERE b = 13), count(*) FILTER (WHERE b = 14),
             count(*) FILTER (WHERE b = 15)] AS latency_buckets
FROM (SELECT date_trunc('minute', ts) AS minute, route, decision, latency_ms,
             pg_temp.bucket_of(latency_ms) AS b
      FROM decision_events WHERE gateway_id = :'run_id') AS e
GROUP BY minute, route, decision;

CREATE TEMP TABLE run_blocked ON COMMIT DROP AS
SELECT date_trunc('minute', ts) AS minute, route, client_key, count(*) AS blocked
FROM decision_events
WHERE gateway_id = :'run_id' AND decision = 'blocked'
GROUP BY 1, 2, 3;

INSERT INTO decision_rollup_minute
  (minute, route, decision, requests, latency_sum_ms, latency_buckets)
SELECT minute, route, decision, requests, latency_sum_ms, latency_buckets FROM run_minutes
ON CONFLICT (minute, route, decision) DO UPDATE SET
  requests = decision_rollup_minute.requests + EXCLUDED.requests,
  latency_sum_ms = decision_rollup_minute.latency_sum_ms + EXCLUDED.latency_sum_ms,
  latency_buckets = floodgate_add_buckets(decision_rollup_minute.latency_buckets,
                                          EXCLUDED.latency_buckets);

INSERT INTO decision_series_minute (minute, decision, requests)
SELECT minute, decision, sum(requests) FROM run_minutes
GROUP BY 1, 2
ON CONFLICT (minute, decision) DO UPDATE SET
  requests = decision_series_minute.requests + EXCLUDED.requests;

INSERT INTO decision_rollup_hour
  (hour, route, decision, requests, latency_sum_ms, latency_buckets)
SELECT date_trunc('hour', minute, 'UTC'), route, decision, sum(requests), sum(latency_sum_ms),
       floodgate_sum_buckets(latency_buckets)
FROM run_minutes
GROUP BY 1, 2, 3
ON CONFLICT (hour, route, decision) DO UPDATE SET
  requests = decision_rollup_hour.requests + EXCLUDED.requests,
  latency_sum_ms = decision_rollup_hour.latency_sum_ms + EXCLUDED.latency_sum_ms,
  latency_buckets = floodgate_add_buckets(decision_rollup_hour.latency_buckets,
                                          EXCLUDED.latency_buckets);

INSERT INTO blocked_clients_minute (minute, route, client_key, blocked)
SELECT minute, route, client_key, blocked FROM run_blocked
ON CONFLICT (minute, route, client_key) DO UPDATE SET
  blocked = blocked_clients_minute.blocked + EXCLUDED.blocked;

INSERT INTO blocked_clients_hour (hour, route, client_key, blocked)
SELECT date_trunc('hour', minute, 'UTC'), route, client_key, sum(blocked) FROM run_blocked
GROUP BY 1, 2, 3
ON CONFLICT (hour, route, client_key) DO UPDATE SET
  blocked = blocked_clients_hour.blocked + EXCLUDED.blocked;

COMMIT;

ANALYZE decision_events;
ANALYZE decision_rollup_minute;
ANALYZE blocked_clients_minute;
ANALYZE decision_rollup_hour;
ANALYZE blocked_clients_hour;
ANALYZE decision_series_minute;
