#pragma once

#include <sys/types.h>

#include <ctime>
#include <optional>
#include <string>

namespace floodgate::app {

/// Tells when routes.yaml has changed on disk, for `watch: true`.
///
/// Polled (stat(2) on a timer), not inotify: stat follows symlinks, so it also sees a
/// Kubernetes ConfigMap update (a symlink swapped in another directory) and an editor
/// that saves by renaming a new file over the old one, both of which a watch on the
/// file itself misses. A change is reported once it has settled, i.e. the file is the
/// same at two polls in a row, so a file still being written is not read half done.
class config_file_watch {
 public:
  explicit config_file_watch(std::string path);

  /// The file as it is now is the one in effect (after startup or a SIGHUP reload):
  /// only later changes count.
  void accept_current();

  /// Looks at the file once; true when it differs from the accepted one and has not
  /// changed since the previous poll. It is then accepted, so each change is reported
  /// once, whether or not it loads. A missing file is never reported.
  [[nodiscard]] bool changed_and_settled();

 private:
  struct identity {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    timespec modified{};
    timespec changed{};
    bool operator==(const identity& o) const noexcept;
  };
  [[nodiscard]] std::optional<identity> look() const;

  std::string path_;
  std::optional<identity> accepted_;
  std::optional<identity> candidate_;  // seen at the previous poll, differing from accepted_
};

}  // namespace floodgate::app
