// Time inside memory_store::try_check_now when one key is decided by one thread
// and by two at once (two gateway workers, every request from one client). Between
// checks each thread spins for 5 to 15 us (random, so the threads do not fall
// into step), standing in for the rest of a request, so the
// checks rarely meet on the mutex: what two threads add is mostly cache lines
// moving between the cores, not waiting for the lock.
//
//   cmake --build build --target memory_store_contention && build/bin/memory_store_contention
//   [checks]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <span>
#include <thread>
#include <vector>

#include <floodgate/limit/memory_store.hpp>

namespace {

using steady = std::chrono::steady_clock;
using floodgate::limit::algorithm;
using floodgate::limit::limit_spec;
using floodgate::limit::memory_store;

// Busy for `d` (the rest of a request); returns the time it ends.
steady::time_point spin_for(steady::duration d) {
  const auto until = steady::now() + d;
  auto now = steady::now();
  while (now < until) now = steady::now();
  return now;
}

// Mean ns per check over `checks` checks of one key, on each of `threads` threads.
std::vector<double> run(int threads, long checks) {
  memory_store store;
  // Far above what the loop can reach: every check is decided and allowed.
  const limit_spec spec{algorithm::token_bucket, 1'000'000'000, std::chrono::milliseconds(1000)};
  std::vector<double> ns(static_cast<std::size_t>(threads));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::minstd_rand rng(static_cast<unsigned>(t) + 1);
      std::uniform_int_distribution<long> rest(5'000, 15'000);
      steady::duration inside{};
      long denied = 0;
      for (long i = 0; i < checks; ++i) {
        const auto start = spin_for(std::chrono::nanoseconds(rest(rng)));
        const auto r = store.try_check_now("127.0.0.1", std::span(&spec, 1));
        inside += steady::now() - start;
        if (!r || r->ec || !r->v.allowed) ++denied;
      }
      if (denied != 0) std::fprintf(stderr, "thread %d: %ld checks not allowed\n", t, denied);
      ns[static_cast<std::size_t>(t)] =
          std::chrono::duration<double, std::nano>(inside).count() / static_cast<double>(checks);
    });
  }
  for (auto& w : workers) w.join();
  return ns;
}

}  // namespace

int main(int argc, char** argv) {
  const long checks = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 200'000;
  if (checks <= 0) {
    std::fprintf(stderr, "usage: memory_store_contention [checks > 0]\n");
    return 2;
  }
  for (int threads = 1; threads <= 2; ++threads) {
    std::printf("%d thread%s:", threads, threads == 1 ? " " : "s");
    for (const double ns : run(threads, checks)) std::printf(" %6.1f", ns);
    std::printf(" ns per check (steady_clock read included)\n");
  }
}
