#include "app/config_file_watch.hpp"

#include <sys/stat.h>

#include <utility>

namespace floodgate::app {
namespace {

bool same_time(const timespec& a, const timespec& b) noexcept {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

}  // namespace

bool config_file_watch::identity::operator==(const identity& o) const noexcept {
  return device == o.device && inode == o.inode && size == o.size &&
         same_time(modified, o.modified) && same_time(changed, o.changed);
}

config_file_watch::config_file_watch(std::string path) : path_(std::move(path)) {
  accept_current();
}

std::optional<config_file_watch::identity> config_file_watch::look() const {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) return std::nullopt;
  return identity{st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim};
}

void config_file_watch::accept_current() {
  accepted_ = look();
  candidate_.reset();
}

bool config_file_watch::changed_and_settled() {
  const auto now = look();
  if (!now || now == accepted_) {
    candidate_.reset();
    return false;
  }
  if (now != candidate_) {  // new since the last poll: wait for it to settle
    candidate_ = now;
    return false;
  }
  accepted_ = now;
  candidate_.reset();
  return true;
}

}  // namespace floodgate::app
