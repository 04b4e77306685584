#!/usr/bin/env bash
# Loads synthetic decision events for the dashboard benchmark, straight into PostgreSQL:
# raw rows into decision_events (generate_series, one INSERT ... SELECT), then the minute
# rollups computed from those rows with the same bucket rules as floodgate_analytics
# (analytics/include/floodgate/analytics/latency_buckets.hpp: a latency falls in the first
# bucket whose upper bound is >= it), then the hourly rollups folded from the minute ones,
# as the writer does (rollup.cpp by_hour). Much faster than going through the recorder,
# and the result is the same tables the writer maintains.
#
#   bench/dashboard_load.sh <postgres-uri> [events=10000000] [hours=24]
#
# Traffic shape: events evenly spread over the last <hours>, 20 routes (skewed), 50,000
# clients; 85% allowed, 10% blocked, 2% shadow_blocked, 2% fail_open, 1% fail_closed.
# Blocked traffic comes mostly from a few hundred abusive clients, as in real life.
# The schema must already be applied. Existing rows are removed first.
set -euo pipefail

uri=${1:?usage: dashboard_load.sh <postgres-uri> [events] [hours]}
events=${2:-10000000}
hours=${3:-24}

# Upper bounds in ms, as in latency_buckets.hpp (the last bucket is unbounded).
bounds=(0.5 1 2.5 5 10 25 50 100 250 500 1000 2500 5000 10000)
bucket_sql="ARRAY["
lower=""
for b in "${bounds[@]}"; do
  cond="latency_ms <= $b"
  [[ -n $lower ]] && cond="latency_ms > $lower AND $cond"
  bucket_sql+="count(*) FILTER (WHERE $cond), "
  lower=$b
done
bucket_sql+="count(*) FILTER (WHERE latency_ms > $lower)]"

psql "$uri" -X -q -v ON_ERROR_STOP=1 <<SQL
\timing on
TRUNCATE decision_events, decision_rollup_minute, blocked_clients_minute,
         decision_rollup_hour, blocked_clients_hour, decision_series_minute;
-- Daily partitions covering the whole range (and a week ahead).
SELECT floodgate_ensure_partitions(7 + ceil($hours / 24.0)::int,
                                   ((now() - interval '$hours hours') AT TIME ZONE 'UTC')::date);

-- Inserts without WAL fsync waits: this is a benchmark fixture, not production data.
SET synchronous_commit = off;
INSERT INTO decision_events (ts, gateway_id, route, client_key, method, path, decision,
                             algorithm, status, latency_ms)
SELECT ts, 'gw-' || (i % 3), route, client, 'GET', '/' || route || '/item', decision,
       'sliding_window',
       CASE decision WHEN 'blocked' THEN 429 WHEN 'fail_closed' THEN 503 ELSE 200 END,
       CASE WHEN decision IN ('blocked', 'fail_closed') THEN 0.05 + r1 * 0.4
            ELSE round((0.3 + 40 * r1 ^ 3 + 400 * r2 ^ 12)::numeric, 3)::float8 END
FROM (
  SELECT i,
         now() - (i * ($hours * 3600.0 / $events)) * interval '1 second' AS ts,
         'route-' || lpad((floor(20 * r3 ^ 2))::int::text, 2, '0') AS route,
         CASE WHEN d < 0.10 THEN 'abuser-' || floor(500 * r4 ^ 2)::int
              ELSE 'client-' || floor(50000 * r4)::int END AS client,
         CASE WHEN d < 0.10 THEN 'blocked' WHEN d < 0.12 THEN 'shadow_blocked'
              WHEN d < 0.14 THEN 'fail_open' WHEN d < 0.15 THEN 'fail_closed'
              ELSE 'allowed' END AS decision,
         r1, r2
  FROM (SELECT i, random() AS d, random() AS r1, random() AS r2, random() AS r3, random() AS r4
        FROM generate_series(1, $events) AS i) AS g
) AS e;

INSERT INTO decision_rollup_minute (minute, route, decision, requests, latency_sum_ms, latency_buckets)
SELECT date_trunc('minute', ts), route, decision, count(*), sum(latency_ms), $bucket_sql
FROM decision_events
GROUP BY 1, 2, 3;

INSERT INTO blocked_clients_minute (minute, route, client_key, blocked)
SELECT date_trunc('minute', ts), route, client_key, count(*)
FROM decision_events
WHERE decision = 'blocked'
GROUP BY 1, 2, 3;

-- Minutes over all routes, and hours, are sums of the minute rows, as the writer makes them
INSERT INTO decision_series_minute (minute, decision, requests)
SELECT minute, decision, sum(requests) FROM decision_rollup_minute GROUP BY 1, 2;

-- Hours are the sums of their minutes (floodgate_sum_buckets adds histograms element-wise).
INSERT INTO decision_rollup_hour (hour, route, decision, requests, latency_sum_ms, latency_buckets)
SELECT date_trunc('hour', minute, 'UTC'), route, decision, sum(requests), sum(latency_sum_ms),
       floodgate_sum_buckets(latency_buckets)
FROM decision_rollup_minute
GROUP BY 1, 2, 3;

INSERT INTO blocked_clients_hour (hour, route, client_key, blocked)
SELECT date_trunc('hour', minute, 'UTC'), route, client_key, sum(blocked)
FROM blocked_clients_minute
GROUP BY 1, 2, 3;

VACUUM ANALYZE decision_rollup_minute;
VACUUM ANALYZE blocked_clients_minute;
VACUUM ANALYZE decision_rollup_hour;
VACUUM ANALYZE blocked_clients_hour;
VACUUM ANALYZE decision_series_minute;
ANALYZE decision_events;
SELECT (SELECT count(*) FROM decision_events) AS events,
       (SELECT count(*) FROM decision_rollup_minute) AS rollup_rows,
       (SELECT count(*) FROM blocked_clients_minute) AS blocked_client_rows,
       (SELECT count(*) FROM decision_rollup_hour) AS rollup_hour_rows,
       (SELECT count(*) FROM blocked_clients_hour) AS blocked_client_hour_rows;
SQL
