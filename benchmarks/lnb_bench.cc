// lnb_bench.cc — the C API of lnb_bench.h over Google Benchmark.
#include "lnb_bench.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#ifndef LNB_BENCHMARK_VERSION
#define LNB_BENCHMARK_VERSION "unknown"
#endif

namespace {

benchmark::State &S(lnb_bench_state *st) { return *reinterpret_cast<benchmark::State *>(st); }
const benchmark::State &S(const lnb_bench_state *st) {
  return *reinterpret_cast<const benchmark::State *>(st);
}
benchmark::internal::Benchmark *B(lnb_bench *b) {
  return reinterpret_cast<benchmark::internal::Benchmark *>(b);
}

// Forwards everything to the display reporter that --benchmark_format selects
// and hands each run to the C callback.
class Collector : public benchmark::BenchmarkReporter {
 public:
  Collector(lnb_bench_result_fn fn, void *ctx)
      : inner_(benchmark::CreateDefaultDisplayReporter()), fn_(fn), ctx_(ctx) {}
  ~Collector() override { delete inner_; }
  bool ReportContext(const Context &context) override { return inner_->ReportContext(context); }
  void ReportRuns(const std::vector<Run> &runs) override {
    inner_->ReportRuns(runs);
    if (!fn_) return;
    for (const Run &r : runs) {
      std::string name = r.benchmark_name();
      std::vector<const char *> names;
      std::vector<double> values;
      for (const auto &kv : r.counters) {
        names.push_back(kv.first.c_str());
        values.push_back(kv.second.value);
      }
      double mult = benchmark::GetTimeUnitMultiplier(r.time_unit);
      lnb_bench_result res{};
      res.name = name.c_str();
      res.family = r.run_name.function_name.c_str();
      res.aggregate = r.run_type == Run::RT_Aggregate ? r.aggregate_name.c_str() : "";
      res.family_index = r.family_index;
      res.instance_index = r.per_family_instance_index;
      res.repetition = r.run_type == Run::RT_Aggregate ? -1 : r.repetition_index;
      res.iterations = static_cast<int64_t>(r.iterations);
      res.real_seconds = r.GetAdjustedRealTime() / mult;
      res.cpu_seconds = r.GetAdjustedCPUTime() / mult;
      res.error = r.error_occurred ? 1 : 0;
      res.error_message = r.error_message.c_str();
      res.ncounters = names.size();
      res.counter_names = names.data();
      res.counter_values = values.data();
      fn_(&res, ctx_);
    }
  }
  void Finalize() override { inner_->Finalize(); }

 private:
  benchmark::BenchmarkReporter *inner_;
  lnb_bench_result_fn fn_;
  void *ctx_;
};

}  // namespace

extern "C" {

lnb_bench *lnb_bench_register(const char *name, lnb_bench_fn fn, void *user) {
  if (!name || !fn) return nullptr;
  try {
    benchmark::internal::Benchmark *b = benchmark::RegisterBenchmark(
        name, [fn, user](benchmark::State &st) {
          fn(reinterpret_cast<lnb_bench_state *>(&st), user);
        });
    return reinterpret_cast<lnb_bench *>(b);
  } catch (...) {
    return nullptr;
  }
}

void lnb_bench_arg(lnb_bench *b, int64_t a) { B(b)->Arg(a); }

void lnb_bench_args(lnb_bench *b, const int64_t *a, size_t n) {
  B(b)->Args(std::vector<int64_t>(a, a + n));
}

void lnb_bench_arg_names(lnb_bench *b, const char *const *names, size_t n) {
  std::vector<std::string> v;
  for (size_t i = 0; i < n; i++) v.emplace_back(names[i]);
  B(b)->ArgNames(v);
}

void lnb_bench_set_unit(lnb_bench *b, lnb_bench_unit unit) {
  static const benchmark::TimeUnit units[] = {benchmark::kNanosecond, benchmark::kMicrosecond,
                                              benchmark::kMillisecond, benchmark::kSecond};
  B(b)->Unit(units[unit <= LNB_BENCH_S ? unit : LNB_BENCH_NS]);
}

void lnb_bench_use_real_time(lnb_bench *b) { B(b)->UseRealTime(); }
void lnb_bench_min_time(lnb_bench *b, double seconds) { B(b)->MinTime(seconds); }
void lnb_bench_iterations(lnb_bench *b, int64_t n) {
  B(b)->Iterations(static_cast<benchmark::IterationCount>(n));
}

int lnb_bench_keep_running(lnb_bench_state *st) { return S(st).KeepRunning() ? 1 : 0; }
void lnb_bench_pause(lnb_bench_state *st) { S(st).PauseTiming(); }
void lnb_bench_resume(lnb_bench_state *st) { S(st).ResumeTiming(); }
int64_t lnb_bench_range(const lnb_bench_state *st, size_t pos) { return S(st).range(pos); }
int64_t lnb_bench_iterations_done(const lnb_bench_state *st) {
  return static_cast<int64_t>(S(st).iterations());
}

void lnb_bench_counter(lnb_bench_state *st, const char *name, double value, int flags) {
  S(st).counters[name] =
      benchmark::Counter(value, static_cast<benchmark::Counter::Flags>(flags));
}

void lnb_bench_label(lnb_bench_state *st, const char *label) { S(st).SetLabel(label); }
void lnb_bench_items_processed(lnb_bench_state *st, int64_t items) {
  S(st).SetItemsProcessed(items);
}
void lnb_bench_skip_with_error(lnb_bench_state *st, const char *message) {
  S(st).SkipWithError(message);
}

void lnb_bench_add_context(const char *key, const char *value) {
  benchmark::AddCustomContext(key, value);
}

void lnb_bench_init(int *argc, char **argv) { benchmark::Initialize(argc, argv); }

size_t lnb_bench_run(lnb_bench_result_fn on_result, void *ctx) {
  Collector display(on_result, ctx);
  return benchmark::RunSpecifiedBenchmarks(&display);
}

long lnb_bench_main(int *argc, char **argv, lnb_bench_result_fn on_result, void *ctx) {
  lnb_bench_init(argc, argv);
  if (benchmark::ReportUnrecognizedArguments(*argc, argv)) return -1;
  size_t n = lnb_bench_run(on_result, ctx);
  lnb_bench_shutdown();
  return static_cast<long>(n);
}

void lnb_bench_shutdown(void) { benchmark::Shutdown(); }

const char *lnb_bench_library_version(void) { return LNB_BENCHMARK_VERSION; }

}  // extern "C"
