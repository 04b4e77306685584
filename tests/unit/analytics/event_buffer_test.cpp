#include "event_buffer.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace floodgate::analytics {
namespace {

using namespace std::chrono;
using clock_type = event_buffer::clock;

const clock_type::time_point t0{seconds{1000}};

decision_event event(std::string path) {
  decision_event e;
  e.path = std::move(path);
  return e;
}

// Verifies a buffer at capacity drops exactly the excess and reports the state changes.
TEST(event_buffer, drops_exactly_what_does_not_fit) {
  event_buffer b(3, 10, seconds{1});
  for (int i = 0; i < 3; ++i) {
    auto e = event(std::to_string(i));
    const auto r = b.push(e, t0);
    EXPECT_TRUE(r.accepted);
    EXPECT_FALSE(r.drop_state_changed);
    EXPECT_TRUE(e.path.empty());  // moved in
  }
  auto extra = event("/x");
  auto r = b.push(extra, t0);
  EXPECT_FALSE(r.accepted);
  EXPECT_TRUE(r.drop_state_changed);  // started dropping: log once
  EXPECT_EQ(extra.path, "/x");        // not consumed
  r = b.push(extra, t0);
  EXPECT_FALSE(r.drop_state_changed);  // still dropping: no new log
  EXPECT_EQ(b.dropped(), 2u);
  EXPECT_EQ(b.size(), 3u);
}

// Verifies taken events count against capacity until released (a batch being retried).
TEST(event_buffer, taken_events_hold_their_place_until_released) {
  event_buffer b(2, 1, seconds{1});
  auto e1 = event("/1");
  auto e2 = event("/2");
  ASSERT_TRUE(b.push(e1, t0).accepted);
  std::vector<event_buffer::chunk> out;
  ASSERT_EQ(b.take_if_due(out, t0), 1u);
  EXPECT_EQ(out[0][0].path, "/1");
  ASSERT_TRUE(b.push(e2, t0).accepted);
  auto e3 = event("/3");
  EXPECT_FALSE(b.push(e3, t0).accepted);  // 1 taken + 1 waiting = capacity
  b.release(1);
  const auto r = b.push(e3, t0);
  EXPECT_TRUE(r.accepted);
  EXPECT_TRUE(r.drop_state_changed);  // room again: log once
  EXPECT_EQ(b.size(), 2u);
  EXPECT_EQ(b.dropped(), 1u);
}

// Verifies a batch is due at batch_size, or when the oldest event has waited flush_interval.
TEST(event_buffer, batch_due_by_size_or_age) {
  event_buffer b(100, 3, milliseconds{500});
  EXPECT_FALSE(b.batch_due(t0));
  auto e = event("/a");
  b.push(e, t0);
  e = event("/b");
  b.push(e, t0 + milliseconds{100});  // the flush timer runs from the first event
  EXPECT_FALSE(b.batch_due(t0 + milliseconds{499}));
  EXPECT_TRUE(b.batch_due(t0 + milliseconds{500}));
  e = event("/c");
  b.push(e, t0 + milliseconds{200});
  EXPECT_TRUE(b.batch_due(t0 + milliseconds{200}));  // size reached

  std::vector<event_buffer::chunk> out;
  EXPECT_EQ(b.take_if_due(out, t0 + milliseconds{200}), 3u);
  // The next event starts a new timer.
  e = event("/d");
  b.push(e, t0 + milliseconds{900});
  EXPECT_FALSE(b.batch_due(t0 + milliseconds{1000}));
  EXPECT_TRUE(b.batch_due(t0 + milliseconds{1400}));
}

// Verifies closing refuses new events (counted as dropped) and makes waiting ones due.
TEST(event_buffer, close_drains_and_refuses) {
  event_buffer b(100, 50, hours{1});
  auto e = event("/a");
  b.push(e, t0);
  EXPECT_FALSE(b.batch_due(t0));
  b.close();
  EXPECT_TRUE(b.batch_due(t0));
  std::vector<event_buffer::chunk> out;
  // take() returns at once when closed, whatever wake_by says.
  EXPECT_EQ(b.take(out, clock_type::now() + hours{1}), 1u);
  e = event("/late");
  EXPECT_FALSE(b.push(e, t0).accepted);
  EXPECT_EQ(b.dropped(), 1u);
  b.drop_taken(1);  // given up at shutdown
  EXPECT_EQ(b.dropped(), 2u);
  EXPECT_EQ(b.size(), 0u);
}

// Verifies events are handed over in chunks of at most batch_size, in arrival order.
TEST(event_buffer, hands_over_chunks_of_batch_size) {
  event_buffer b(100, 4, seconds{1});
  for (int i = 0; i < 10; ++i) {
    auto e = event(std::to_string(i));
    ASSERT_TRUE(b.push(e, t0).accepted);
  }
  std::vector<event_buffer::chunk> out;
  ASSERT_EQ(b.take_if_due(out, t0), 10u);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].size(), 4u);
  EXPECT_EQ(out[1].size(), 4u);
  EXPECT_EQ(out[2].size(), 2u);
  EXPECT_EQ(out[0][0].path, "0");
  EXPECT_EQ(out[2][1].path, "9");
  EXPECT_EQ(b.size(), 10u);  // taken, not released
  b.release(10);
  EXPECT_EQ(b.size(), 0u);
}

// Verifies a recycled chunk is reused (same storage) for the next events.
TEST(event_buffer, reuses_recycled_chunks) {
  event_buffer b(100, 8, seconds{1});
  auto e = event("/a");
  b.push(e, t0);
  std::vector<event_buffer::chunk> out;
  ASSERT_EQ(b.take_if_due(out, t0 + seconds{1}), 1u);
  const auto* storage = out[0].data();
  b.release(1);
  b.recycle(std::move(out[0]));
  e = event("/b");
  b.push(e, t0);
  std::vector<event_buffer::chunk> next;
  ASSERT_EQ(b.take_if_due(next, t0 + seconds{2}), 1u);
  EXPECT_EQ(next[0].data(), storage);
  EXPECT_EQ(next[0][0].path, "/b");
}

}  // namespace
}  // namespace floodgate::analytics
