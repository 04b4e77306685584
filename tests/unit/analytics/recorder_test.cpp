// The recorder's writer thread against a fake sink: retries, exactly-once, poison batches,
// shutdown. No database; waits poll for a condition against a deadline.
#include <floodgate/analytics/recorder.hpp>

#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace floodgate::analytics {
namespace {

using namespace std::chrono;

// Stores what it is given; fails while `failing` is set (like a database that is down),
// rejects batches containing a path "/poison".
struct fake_sink_state {
  std::mutex mutex;
  std::vector<std::string> paths;  // every stored event's path
  std::set<std::string> batch_ids;
  std::vector<std::size_t> batch_sizes;
  int failures = 0;
  bool failing = false;
  int maintained = 0;
  int pings = 0;
  bool maintenance_failing = false;
};

class fake_sink final : public batch_sink {
 public:
  explicit fake_sink(std::shared_ptr<fake_sink_state> s) : s_(std::move(s)) {}
  void write(std::span<const decision_event> events, std::string_view batch_id) override {
    std::lock_guard lock(s_->mutex);
    if (s_->failing) {
      ++s_->failures;
      throw std::runtime_error("connection refused");
    }
    for (const auto& e : events) {
      if (e.path == "/poison") throw poison_batch("invalid input");
    }
    EXPECT_TRUE(s_->batch_ids.insert(std::string(batch_id)).second) << "batch written twice";
    for (const auto& e : events) s_->paths.push_back(e.path);
    s_->batch_sizes.push_back(events.size());
  }
  void maintain() override {
    std::lock_guard lock(s_->mutex);
    if (s_->failing) throw std::runtime_error("connection refused");
    if (s_->maintenance_failing) throw std::runtime_error("permission denied for schema public");
    ++s_->maintained;
  }
  void ping() override {
    std::lock_guard lock(s_->mutex);
    ++s_->pings;
    if (s_->failing) throw std::runtime_error("connection refused");
  }
  void reset() noexcept override {}

 private:
  std::shared_ptr<fake_sink_state> s_;
};

template <typename Predicate>
bool eventually(Predicate p, milliseconds deadline = seconds{10}) {
  const auto until = steady_clock::now() + deadline;
  while (!p()) {
    if (steady_clock::now() > until) return false;
    std::this_thread::sleep_for(milliseconds{1});
  }
  return true;
}

std::string numbered_path(int i) {
  std::string p(1, '/');
  p += std::to_string(i);
  return p;
}

decision_event event(std::string path) {
  decision_event e;
  e.path = std::move(path);
  e.decision = "allowed";
  return e;
}

recorder_options options(std::size_t batch_size, std::size_t buffer) {
  recorder_options o;
  o.batch_size = batch_size;
  o.buffer = buffer;
  o.flush_interval = hours{1};  // only batch_size or stop() trigger writes in these tests
  o.reconnect_min = milliseconds{1};
  o.reconnect_max = milliseconds{5};
  return o;
}

// Verifies full batches are written as they fill, and stop() flushes the partial rest.
TEST(recorder, writes_full_batches_and_flushes_the_rest_on_stop) {
  auto state = std::make_shared<fake_sink_state>();
  recorder r(options(10, 1000), std::make_unique<fake_sink>(state));
  for (int i = 0; i < 25; ++i) r.record(event(numbered_path(i)));
  // Two batches are full: they go without waiting for the (one hour) flush interval. The
  // writer may take the 5 extra events along when it is slower than the producer.
  ASSERT_TRUE(eventually([&] { return r.written() >= 20; }));
  r.stop(seconds{5});
  EXPECT_EQ(r.written(), 25u);
  EXPECT_EQ(r.dropped(), 0u);
  std::lock_guard lock(state->mutex);
  EXPECT_EQ(state->paths.size(), 25u);
  EXPECT_EQ(std::set<std::string>(state->paths.begin(), state->paths.end()).size(), 25u);
  for (auto n : state->batch_sizes) EXPECT_LE(n, 10u);
  EXPECT_GE(state->maintained, 1);
  EXPECT_TRUE(r.database_up());
}

// Verifies a failing sink keeps every event (up to `buffer`), marks the database down, and
// once it recovers each event is written exactly once.
TEST(recorder, keeps_events_while_down_and_writes_each_once) {
  auto state = std::make_shared<fake_sink_state>();
  state->failing = true;
  recorder r(options(10, 100), std::make_unique<fake_sink>(state));
  for (int i = 0; i < 60; ++i) r.record(event(numbered_path(i)));
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(state->mutex);
    return state->failures >= 3;
  }));
  EXPECT_FALSE(r.database_up());
  EXPECT_EQ(r.written(), 0u);
  EXPECT_EQ(r.buffered(), 60u);
  {
    std::lock_guard lock(state->mutex);
    state->failing = false;
  }
  ASSERT_TRUE(eventually([&] { return r.written() == 60; }));
  EXPECT_TRUE(r.database_up());
  r.stop();
  std::lock_guard lock(state->mutex);
  EXPECT_EQ(state->paths.size(), 60u);
  EXPECT_EQ(std::set<std::string>(state->paths.begin(), state->paths.end()).size(), 60u);
  EXPECT_EQ(r.dropped(), 0u);
}

// Verifies the buffer bound while down: exactly the excess is dropped, the rest arrives.
TEST(recorder, drops_exactly_the_excess_when_full) {
  auto state = std::make_shared<fake_sink_state>();
  state->failing = true;
  recorder r(options(10, 50), std::make_unique<fake_sink>(state));
  for (int i = 0; i < 80; ++i) r.record(event(numbered_path(i)));
  EXPECT_EQ(r.dropped(), 30u);
  EXPECT_EQ(r.buffered(), 50u);
  {
    std::lock_guard lock(state->mutex);
    state->failing = false;
  }
  r.stop(seconds{5});
  EXPECT_EQ(r.written(), 50u);
  EXPECT_EQ(r.dropped(), 30u);
}

// Verifies a batch the database rejects is dropped and counted, not retried forever.
TEST(recorder, drops_a_poison_batch_and_continues) {
  auto state = std::make_shared<fake_sink_state>();
  recorder r(options(2, 100), std::make_unique<fake_sink>(state));
  r.record(event("/a"));
  r.record(event("/poison"));
  r.record(event("/b"));
  r.record(event("/c"));
  r.stop(seconds{5});
  EXPECT_EQ(r.written(), 2u);
  EXPECT_EQ(r.dropped(), 2u);
}

// Verifies stop() gives up at its deadline when the sink never recovers, counting the loss,
// and that events recorded after stop() are dropped rather than held forever.
TEST(recorder, stop_is_bounded_when_the_database_stays_down) {
  auto state = std::make_shared<fake_sink_state>();
  state->failing = true;
  recorder r(options(10, 100), std::make_unique<fake_sink>(state));
  for (int i = 0; i < 15; ++i) r.record(event(numbered_path(i)));
  const auto before = steady_clock::now();
  r.stop(milliseconds{200});
  EXPECT_LT(steady_clock::now() - before, seconds{3});
  EXPECT_EQ(r.written(), 0u);
  EXPECT_EQ(r.dropped(), 15u);
  EXPECT_EQ(r.buffered(), 0u);
  r.record(event("/after"));
  EXPECT_EQ(r.dropped(), 16u);
}

// Verifies stop() with no time at all still writes to a sink that works: every waiting
// batch gets one attempt (server.drain_timeout: 0 used to drop the whole buffer).
TEST(recorder, stop_with_zero_timeout_still_writes_once) {
  auto state = std::make_shared<fake_sink_state>();
  recorder r(options(10, 1000), std::make_unique<fake_sink>(state));
  for (int i = 0; i < 25; ++i) r.record(event(numbered_path(i)));
  r.stop(milliseconds{0});
  EXPECT_EQ(r.written(), 25u);
  EXPECT_EQ(r.dropped(), 0u);
}

// Verifies failing maintenance (retention that cannot be applied) leaves the database "up"
// while writes succeed, and is retried on its own schedule, not at the reconnect backoff.
TEST(recorder, failing_maintenance_does_not_mark_the_database_down) {
  auto state = std::make_shared<fake_sink_state>();
  state->maintenance_failing = true;
  auto o = options(1, 1000);
  o.maintenance_retry = milliseconds{100};
  o.ping_interval = milliseconds{10};
  recorder r(o, std::make_unique<fake_sink>(state));
  ASSERT_TRUE(eventually([&] { return r.database_up(); }));
  int down_samples = 0;
  for (int i = 0; i < 50; ++i) {
    r.record(event(numbered_path(i)));
    if (!r.database_up()) ++down_samples;
    std::this_thread::sleep_for(milliseconds{10});
  }
  EXPECT_EQ(down_samples, 0);
  EXPECT_TRUE(eventually([&] { return r.written() == 50u; }));
  r.stop(seconds{5});
  EXPECT_EQ(r.written(), 50u);
  EXPECT_EQ(state->maintained, 0);
}

// Verifies an idle writer notices the database going away and coming back (by pinging),
// so /health does not report a stale "up" without traffic.
TEST(recorder, idle_writer_follows_the_database) {
  auto state = std::make_shared<fake_sink_state>();
  auto o = options(10, 1000);
  o.ping_interval = milliseconds{20};
  recorder r(o, std::make_unique<fake_sink>(state));
  ASSERT_TRUE(eventually([&] { return r.database_up(); }));
  {
    std::lock_guard lock(state->mutex);
    state->failing = true;
  }
  EXPECT_TRUE(eventually([&] { return !r.database_up(); }, seconds{2}));
  {
    std::lock_guard lock(state->mutex);
    state->failing = false;
  }
  EXPECT_TRUE(eventually([&] { return r.database_up(); }, seconds{2}));
}

}  // namespace
}  // namespace floodgate::analytics
