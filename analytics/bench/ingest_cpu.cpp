// CPU per 1,000 events of the analytics write path alone: events go through the real
// recorder and PostgreSQL sink into a running PostgreSQL, and the tool reads utime+stime
// from /proc for the recorder's writer thread and for every process of the PostgreSQL
// cluster (postmaster, live children, and exited children through the postmaster's
// cutime+cstime). No gateway, no HTTP load: the figure is repeatable on a shared machine.
//
//   floodgate-analytics-ingest --postgres URI --postmaster PID [--events N] [--rate R]
//                              [--profile bench|mixed] [--batch-size B]
//
// --rate 0 records as fast as the buffer takes them (the writer then writes full batches).
// Exits 1 when PostgreSQL does not hold exactly the recorded events afterwards.
// analytics/bench/ingest_cpu.sh starts a throwaway cluster and runs this.
#include <floodgate/analytics/recorder.hpp>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <unistd.h>

#include <pqxx/pqxx>

namespace {

namespace fs = std::filesystem;
using floodgate::analytics::decision_event;

struct options {
  std::string postgres;
  long postmaster = 0;
  std::size_t events = 500000;
  std::size_t rate = 40000;  // events per second; about the benchmark's request rate
  std::string profile = "bench";
  std::size_t batch_size = 1000;
};

[[noreturn]] void usage(const char* why) {
  std::cerr << "floodgate-analytics-ingest: " << why
            << "\nusage: floodgate-analytics-ingest --postgres URI --postmaster PID"
               " [--events N] [--rate R] [--profile bench|mixed] [--batch-size B]\n";
  std::exit(2);
}

std::size_t to_size(std::string_view s) {
  std::size_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) usage("not a number");
  return v;
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) usage("missing value");
    const std::string_view value = argv[++i];
    if (arg == "--postgres") {
      o.postgres = value;
    } else if (arg == "--postmaster") {
      o.postmaster = static_cast<long>(to_size(value));
    } else if (arg == "--events") {
      o.events = to_size(value);
    } else if (arg == "--rate") {
      o.rate = to_size(value);
    } else if (arg == "--profile") {
      o.profile = value;
    } else if (arg == "--batch-size") {
      o.batch_size = to_size(value);
    } else {
      usage("unknown option");
    }
  }
  if (o.postgres.empty() || o.postmaster == 0) usage("--postgres and --postmaster are required");
  if (o.profile != "bench" && o.profile != "mixed") usage("unknown profile");
  return o;
}

// Fields of a /proc stat file after "(comm) ": [0] is the state, [11] utime, [12] stime,
// [13] cutime, [14] cstime, [1] the parent pid.
std::vector<std::string> stat_fields(const fs::path& stat) {
  std::ifstream in(stat);
  std::string line;
  std::getline(in, line);
  const auto close = line.rfind(") ");
  std::vector<std::string> fields;
  if (close == std::string::npos) return fields;
  std::istringstream rest(line.substr(close + 2));
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

long long field(const std::vector<std::string>& f, std::size_t i) {
  return i < f.size() ? std::stoll(f[i]) : 0;
}

// Clock ticks used by the whole cluster: the postmaster, its live children, and the
// children that exited (autovacuum workers come and go).
long long cluster_ticks(long postmaster) {
  const auto pm = stat_fields(fs::path("/proc") / std::to_string(postmaster) / "stat");
  if (pm.empty()) throw std::runtime_error("postmaster not found");
  long long ticks = field(pm, 11) + field(pm, 12) + field(pm, 13) + field(pm, 14);
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const auto name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto f = stat_fields(entry.path() / "stat");
    if (field(f, 1) == postmaster) ticks += field(f, 11) + field(f, 12);
  }
  return ticks;
}

// Clock ticks of this process's thread named `comm` (the recorder's writer).
long long thread_ticks(std::string_view comm) {
  for (const auto& entry : fs::directory_iterator("/proc/self/task")) {
    std::ifstream in(entry.path() / "comm");
    std::string name;
    std::getline(in, name);
    if (name != comm) continue;
    const auto f = stat_fields(entry.path() / "stat");
    return field(f, 11) + field(f, 12);
  }
  return 0;
}

// The benchmark's traffic (bench/templates/floodgate-analytics.yaml under wrk: one route,
// one client, all allowed), or a mix that exercises every rollup (routes, clients, blocks).
class event_source {
 public:
  explicit event_source(bool mixed) : mixed_(mixed) {}

  decision_event next() {
    decision_event e;
    e.ts = std::chrono::system_clock::now();
    e.gateway_id = "bench-analytics";
    e.method = "GET";
    e.latency_ms = latency_(rng_);
    if (!mixed_) {
      e.route = "bench";
      e.client_key = "127.0.0.1";
      e.path.push_back('/');  // not = "/": GCC 12 reports a false -Wrestrict on that
      e.decision = "allowed";
      e.algorithm = "token_bucket";
      e.status = 200;
      return e;
    }
    const auto r = rng_();
    e.route = "route-" + std::to_string(r % 8);
    // Appended piece by piece: GCC 12 reports a false -Wrestrict on the + chain.
    e.client_key = "10.0.";
    e.client_key += std::to_string((r >> 8) % 4);
    e.client_key += '.';
    e.client_key += std::to_string((r >> 16) % 250);
    e.path = "/api/" + e.route + "/items/" + std::to_string((r >> 24) % 1000);
    const bool blocked = (r >> 40) % 10 == 0;
    e.decision = blocked ? "blocked" : "allowed";
    e.algorithm = (r >> 44) % 2 == 0 ? "token_bucket" : "sliding_window";
    e.status = blocked ? 429 : 200;
    return e;
  }

 private:
  bool mixed_;
  std::mt19937_64 rng_{42};
  std::lognormal_distribution<double> latency_{0.0, 0.8};
};

}  // namespace

int main(int argc, char** argv) {
  const auto o = parse(argc, argv);
  try {
    {
      pqxx::connection c(o.postgres);
      pqxx::work tx(c);
      tx.exec(
          "TRUNCATE decision_events, decision_rollup_minute, decision_rollup_hour,"
          " blocked_clients_minute, blocked_clients_hour, decision_series_minute,"
          " floodgate_batches");
      tx.commit();
    }
    floodgate::analytics::recorder_options ro;
    ro.postgres = o.postgres;
    ro.batch_size = o.batch_size;
    ro.buffer = 200000;
    floodgate::analytics::recorder rec(ro);
    while (!rec.database_up()) std::this_thread::sleep_for(std::chrono::milliseconds(10));

    event_source source(o.profile == "mixed");
    const long long pg0 = cluster_ticks(o.postmaster);
    const long long wr0 = thread_ticks("fg-analytics");
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < o.events; ++i) {
      if (o.rate != 0 && i % 100 == 0) {
        std::this_thread::sleep_until(start + std::chrono::microseconds(i * 1000000 / o.rate));
      }
      while (rec.buffered() >= ro.buffer) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      rec.record(source.next());
    }
    while (rec.written() + rec.dropped() < o.events) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const long long wr1 = thread_ticks("fg-analytics");
    const long long pg1 = cluster_ticks(o.postmaster);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rec.stop();

    pqxx::connection c(o.postgres);
    pqxx::work tx(c);
    const auto rows = tx.exec1("SELECT count(*) FROM decision_events")[0].as<long long>();
    const auto rolled = tx.exec1("SELECT coalesce(sum(requests), 0) FROM decision_rollup_minute")[0]
                            .as<long long>();
    const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
    const auto per_k = [&](long long ticks) {
      return static_cast<double>(ticks) * 1000.0 / hz / static_cast<double>(o.events) * 1000.0;
    };
    std::printf(
        "%zu events (%s, batch %zu) in %.1f s (%.0f/s), dropped %llu, rows %lld,"
        " minute rollup sum %lld\nCPU ms per 1,000 events: PostgreSQL %.2f, writer "
        "thread %.2f\n",
        o.events, o.profile.c_str(), o.batch_size, seconds, static_cast<double>(o.events) / seconds,
        static_cast<unsigned long long>(rec.dropped()), rows, rolled, per_k(pg1 - pg0),
        per_k(wr1 - wr0));
    const auto expected = static_cast<long long>(o.events);
    return rows == expected && rolled == expected && rec.dropped() == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "floodgate-analytics-ingest: " << e.what() << '\n';
    return 1;
  }
}
