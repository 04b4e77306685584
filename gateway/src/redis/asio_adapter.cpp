#include "redis/asio_adapter.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>

namespace floodgate::redis::detail {

namespace {

namespace net = boost::asio;

// One per attached context. hiredis holds a raw pointer in ev.data; the object
// keeps itself alive through self_ until cleanup, and every pending wait holds
// a shared_ptr, so a wait that completes after cleanup still finds valid memory.
class adapter : public std::enable_shared_from_this<adapter> {
 public:
  adapter(redisAsyncContext* ac, const net::any_io_executor& ex) : ac_(ac), fd_(ex, ac->c.fd) {}

  void attach() {
    self_ = shared_from_this();
    ac_->ev.data = this;
    ac_->ev.addRead = [](void* p) { static_cast<adapter*>(p)->add(true); };
    ac_->ev.delRead = [](void* p) { static_cast<adapter*>(p)->want_read_ = false; };
    ac_->ev.addWrite = [](void* p) { static_cast<adapter*>(p)->add(false); };
    ac_->ev.delWrite = [](void* p) { static_cast<adapter*>(p)->want_write_ = false; };
    ac_->ev.cleanup = [](void* p) { static_cast<adapter*>(p)->cleanup(); };
  }

  void flush_if_batched(std::size_t batch) {
    if (in_hiredis_ || !ac_ || !want_write_ || write_pending_ || queued_ < batch) return;
    // hiredis may free the context (and so this adapter's last owner) in here.
    const auto keep = shared_from_this();
    in_hiredis_ = true;
    // First the replies to earlier batches that have arrived: their requests resume
    // now rather than after the reactor's next turn. Reading before writing means
    // no command of this batch (the caller's own check among them) can complete
    // inside the call that submitted it. A read that finds nothing costs one failed
    // read(2); one that takes data the reactor has already reported leaves it a
    // wake-up that finds nothing, also harmless.
    if (want_read_) redisAsyncHandleRead(ac_);
    if (ac_ && want_write_) {
      queued_ = 0;
      redisAsyncHandleWrite(ac_);
    }
    in_hiredis_ = false;  // a partial write re-added the write hook: add() posted a flush
  }

 private:
  void add(bool read) {
    (read ? want_read_ : want_write_) = true;
    if (read) {
      if (!read_pending_) start_wait(net::posix::descriptor_base::wait_read);
      return;
    }
    ++queued_;
    if (write_pending_ || flush_posted_) return;
    if ((ac_->c.flags & REDIS_CONNECTED) == 0) {
      // hiredis learns that a non-blocking connect finished from writability.
      start_wait(net::posix::descriptor_base::wait_write);
      return;
    }
    // A connected socket is writable unless its buffer is full, so waiting for
    // writability only delays the write to the next reactor run (after the whole
    // queue) and costs an epoll_ctl. A post instead runs right after this pass of
    // the queue: every command queued until then goes out in one write(2).
    flush_posted_ = true;
    net::post(fd_.get_executor(), [self = shared_from_this()] { self->flush(); });
  }

  void flush() {
    flush_posted_ = false;
    if (!ac_ || !want_write_) return;
    queued_ = 0;
    in_hiredis_ = true;
    redisAsyncHandleWrite(ac_);  // may free the context: cleanup() then clears ac_
    in_hiredis_ = false;
    if (ac_ && want_write_ && !write_pending_)
      start_wait(net::posix::descriptor_base::wait_write);  // buffer full: wait for room
  }

  // Only one wait per direction is ever pending; a wait that is no longer
  // wanted (delRead/delWrite) is not cancelled but ignored when it fires.
  void start_wait(net::posix::descriptor_base::wait_type type) {
    const bool read = type == net::posix::descriptor_base::wait_read;
    (read ? read_pending_ : write_pending_) = true;
    fd_.async_wait(type, [self = shared_from_this(), read](boost::system::error_code ec) {
      self->on_ready(read, ec);
    });
  }

  void on_ready(bool read, boost::system::error_code ec) {
    (read ? read_pending_ : write_pending_) = false;
    if (ec || !ac_) return;
    bool& wanted = read ? want_read_ : want_write_;
    if (!wanted) return;
    // May free the context (disconnect): cleanup() then clears ac_.
    in_hiredis_ = true;
    if (read) {
      redisAsyncHandleRead(ac_);
    } else {
      queued_ = 0;
      redisAsyncHandleWrite(ac_);
    }
    in_hiredis_ = false;
    if (!ac_) return;
    if (wanted && !(read ? read_pending_ : write_pending_))
      start_wait(read ? net::posix::descriptor_base::wait_read
                      : net::posix::descriptor_base::wait_write);
  }

  void cleanup() {
    ac_ = nullptr;
    want_read_ = want_write_ = false;
    // hiredis closes the fd; release() deregisters it from the reactor and
    // aborts pending waits without closing it.
    (void)fd_.release();
    self_.reset();  // may destroy *this when no wait is pending: touch nothing after
  }

  redisAsyncContext* ac_;
  net::posix::stream_descriptor fd_;
  std::shared_ptr<adapter> self_;
  bool want_read_ = false;
  bool want_write_ = false;
  bool read_pending_ = false;
  bool write_pending_ = false;
  bool flush_posted_ = false;
  bool in_hiredis_ = false;  // inside redisAsyncHandleRead/Write (and so its callbacks)
  std::size_t queued_ = 0;   // commands queued since the last write
};

}  // namespace

void flush_if_batched(redisAsyncContext* ac, std::size_t batch) {
  if (ac != nullptr && ac->ev.data != nullptr)
    static_cast<adapter*>(ac->ev.data)->flush_if_batched(batch);
}

bool attach_asio(redisAsyncContext* ac, const boost::asio::any_io_executor& ex) {
  if (ac->ev.data != nullptr) return false;
  std::make_shared<adapter>(ac, ex)->attach();
  return true;
}

}  // namespace floodgate::redis::detail
