#pragma once

#include <cstddef>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

struct redisAsyncContext;

namespace floodgate::redis::detail {

/// Drives a hiredis 0.14 redisAsyncContext from an Asio executor: hiredis's
/// `ev.addRead/delRead/addWrite/delWrite/cleanup` hooks become at most one
/// pending `async_wait` per direction on a posix::stream_descriptor.
///
/// hiredis owns the socket: the descriptor is release()d, never closed, when
/// hiredis calls cleanup (on redisAsyncFree / disconnect). All hooks and wait
/// handlers run on `ex`, which must be single-threaded (an io_context run by
/// one thread, or a strand), the same one that issues commands on the context.
///
/// Returns false when the context cannot be attached (it already has hooks).
[[nodiscard]] bool attach_asio(redisAsyncContext* ac, const boost::asio::any_io_executor& ex);

}  // namespace floodgate::redis::detail

namespace floodgate::redis::detail {

/// Once `batch` commands wait in hiredis's output buffer, writes them now and
/// reads the replies that have arrived (their callbacks run here), instead of
/// leaving both to the flush posted for the end of the io_context's pass. Does
/// nothing inside hiredis (a reply callback) or on a context without hooks.
/// May free the context (a write or read error disconnects it).
void flush_if_batched(redisAsyncContext* ac, std::size_t batch);

}  // namespace floodgate::redis::detail
