// schema/schema.sql: idempotence, daily partitions, retention, the bucket function.
#include "pg_fixture.hpp"

namespace floodgate::test {
namespace {

using schema = pg_test;

// Verifies the schema can be applied again over existing tables and data.
TEST_F(schema, applies_twice) {
  pg().exec(
      "INSERT INTO decision_events VALUES (now(), 'gw', 'schema-twice', 'c', 'GET', '/', "
      "'allowed', NULL, 200, 1)");
  EXPECT_NO_THROW(pg().apply_schema());
  EXPECT_NO_THROW(pg().apply_schema());
  EXPECT_EQ(pg().count("SELECT count(*) FROM decision_events WHERE route = 'schema-twice'"), 1);
}

// Verifies today and the next 7 UTC days have partitions, and new rows land in them.
TEST_F(schema, partitions_exist_ahead) {
  for (int d = 0; d <= 7; ++d) {
    const auto name = pg().scalar(
        "SELECT 'decision_events_p' || to_char((now() AT TIME ZONE "
        "'UTC')::date + " +
        std::to_string(d) + ", 'YYYYMMDD')");
    EXPECT_EQ(pg().count("SELECT count(*) FROM pg_inherits WHERE inhparent = "
                         "'decision_events'::regclass AND inhrelid = '" +
                         name + "'::regclass"),
              1)
        << name;
  }
  pg().exec(
      "INSERT INTO decision_events VALUES (now(), 'gw', 'schema-today', 'c', 'GET', '/', "
      "'allowed', NULL, 200, 1)");
  EXPECT_EQ(pg().scalar("SELECT tableoid::regclass::text FROM decision_events WHERE route = "
                        "'schema-today'"),
            pg().scalar("SELECT 'decision_events_p' || to_char((now() AT TIME ZONE 'UTC')::date, "
                        "'YYYYMMDD')"));
}

// Verifies rows of a day without a partition go to the default partition and move into
// the day's partition when it is created.
TEST_F(schema, default_partition_rows_move_into_a_new_day) {
  pg().exec(
      "INSERT INTO decision_events VALUES ('2030-01-15 12:00:00+00', 'gw', 'schema-future', "
      "'c', 'GET', '/', 'allowed', NULL, 200, 1)");
  EXPECT_EQ(pg().scalar("SELECT tableoid::regclass::text FROM decision_events WHERE route = "
                        "'schema-future'"),
            "decision_events_default");
  EXPECT_EQ(pg().count("SELECT floodgate_ensure_partitions(0, '2030-01-15')"), 1);
  EXPECT_EQ(pg().scalar("SELECT tableoid::regclass::text FROM decision_events WHERE route = "
                        "'schema-future'"),
            "decision_events_p20300115");
  EXPECT_EQ(pg().count("SELECT floodgate_ensure_partitions(0, '2030-01-15')"), 0);  // exists
}

// Verifies retention drops whole old days (partitions and rollups) and keeps recent ones,
// with the setting as default.
TEST_F(schema, retention_drops_old_partitions) {
  pg().exec("SELECT floodgate_ensure_partitions(0, (now() - interval '20 days')::date)");
  pg().exec(
      "INSERT INTO decision_events VALUES (now() - interval '20 days', 'gw', 'schema-old', "
      "'c', 'GET', '/', 'allowed', NULL, 200, 1), (now(), 'gw', 'schema-old', 'c', 'GET', "
      "'/', 'allowed', NULL, 200, 1)");
  pg().exec(
      "INSERT INTO decision_rollup_minute VALUES (date_trunc('minute', now() - interval "
      "'20 days'), 'schema-old', 'allowed', 1, 1, '{}'), (date_trunc('minute', now()), "
      "'schema-old', 'allowed', 1, 1, '{}')");
  pg().exec(
      "INSERT INTO decision_rollup_hour VALUES (date_trunc('hour', now() - interval "
      "'20 days'), 'schema-old', 'allowed', 1, 1, '{}'), (date_trunc('hour', now(), 'UTC'), "
      "'schema-old', 'allowed', 1, 1, '{}')");
  const auto old_part = pg().scalar(
      "SELECT 'decision_events_p' || to_char(((now() - interval '20 days') AT TIME ZONE "
      "'UTC')::date, 'YYYYMMDD')");
  // 30 days: nothing of ours is old enough.
  pg().exec("UPDATE floodgate_settings SET value = '30 days' WHERE key = 'retention'");
  pg().exec("SELECT floodgate_drop_partitions()");
  EXPECT_EQ(pg().count("SELECT count(*) FROM decision_events WHERE route = 'schema-old'"), 2);
  // Back to the default 14 days.
  pg().exec("UPDATE floodgate_settings SET value = '14 days' WHERE key = 'retention'");
  EXPECT_GE(pg().count("SELECT floodgate_drop_partitions()"), 1);
  EXPECT_EQ(pg().scalar("SELECT coalesce(to_regclass('" + old_part + "')::text, 'gone')"), "gone");
  EXPECT_EQ(pg().count("SELECT count(*) FROM decision_events WHERE route = 'schema-old'"), 1);
  EXPECT_EQ(pg().count("SELECT count(*) FROM decision_rollup_minute WHERE route = 'schema-old'"),
            1);
  EXPECT_EQ(pg().count("SELECT count(*) FROM decision_rollup_hour WHERE route = 'schema-old'"), 1);
  // Today's partition is never dropped, even with a tiny explicit retention.
  pg().exec("SELECT floodgate_drop_partitions('1 hour')");
  EXPECT_EQ(pg().count("SELECT count(*) FROM decision_events WHERE route = 'schema-old'"), 1);
}

// Verifies a database from before the hourly rollups is upgraded by applying the schema:
// the hourly and series tables are filled from the minute tables once, and not again (a second
// application must not add the minutes a second time).
TEST_F(schema, upgrade_fills_hourly_rollups_from_minutes_once) {
  pg().exec(
      "DROP TABLE decision_rollup_hour, blocked_clients_hour; "
      "DROP TABLE decision_series_minute; "
      "DELETE FROM floodgate_settings WHERE key IN ('hourly_rollups', 'series_rollup')");
  pg().exec(
      "INSERT INTO decision_rollup_minute VALUES "
      "('2030-02-01 10:05+00', 'schema-up', 'allowed', 3, 1.5, '{1,2}'), "
      "('2030-02-01 10:59+00', 'schema-up', 'allowed', 4, 2.5, '{1,0,3}'), "
      "('2030-02-01 11:00+00', 'schema-up', 'allowed', 5, 4, '{5}'); "
      "INSERT INTO blocked_clients_minute VALUES "
      "('2030-02-01 10:05+00', 'schema-up', 'c1', 2), ('2030-02-01 10:30+00', 'schema-up', "
      "'c1', 3), ('2030-02-01 11:01+00', 'schema-up', 'c1', 1)");
  // The hour as UTC text, whatever the session's time zone.
  const std::string hour = "to_char(hour AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')";
  for (int i = 0; i < 2; ++i) {
    pg().apply_schema();
    EXPECT_EQ(pg().scalar("SELECT string_agg(" + hour +
                          " || ' ' || requests || ' ' || latency_sum_ms || "
                          "' ' || latency_buckets::text, '; ' ORDER BY hour) FROM "
                          "decision_rollup_hour WHERE route = 'schema-up'"),
              "2030-02-01 10 7 4 {2,2,3}; 2030-02-01 11 5 4 {5}");
    EXPECT_EQ(pg().scalar("SELECT string_agg(" + hour +
                          " || ' ' || blocked, '; ' ORDER BY hour) FROM "
                          "blocked_clients_hour WHERE route = 'schema-up'"),
              "2030-02-01 10 5; 2030-02-01 11 1");
    EXPECT_EQ(pg().count("SELECT sum(requests) FROM decision_series_minute WHERE minute >= "
                         "'2030-02-01 10:00+00' AND minute < '2030-02-01 12:00+00'"),
              12);
  }
}

// Verifies element-wise histogram addition, including arrays of different lengths.
TEST_F(schema, add_buckets) {
  EXPECT_EQ(pg().scalar("SELECT floodgate_add_buckets('{1,2,3}', '{10,20,30}')::text"),
            "{11,22,33}");
  EXPECT_EQ(pg().scalar("SELECT floodgate_add_buckets('{1,2,3}', '{10}')::text"), "{11,2,3}");
  EXPECT_EQ(pg().scalar("SELECT floodgate_add_buckets(NULL, '{5}')::text"), "{5}");
}

}  // namespace
}  // namespace floodgate::test
