// Prometheus metrics, written by hand (prometheus-cpp is not packaged for Debian 12): counters,
// gauges and histograms that hot paths update with one relaxed atomic, families of them keyed
// by label values, and a registry that renders everything in the text exposition format 0.0.4
// on scrape, together with collectors that read values computed at that moment.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace tanda::metrics {

struct Label {
    std::string_view name;
    std::string_view value;
};

// Builds the text of one scrape. Family names must be unique per scrape (promtool checks it).
class Exposition {
public:
    // "# HELP" and "# TYPE" lines; type is counter, gauge, histogram or untyped.
    void family(std::string_view name, std::string_view type, std::string_view help);
    // One sample line. Label values are escaped; whole numbers are written without a fraction.
    void sample(std::string_view name, std::span<const Label> labels, double value);
    void sample(std::string_view name, std::initializer_list<Label> labels, double value) {
        sample(name, std::span<const Label>(labels.begin(), labels.size()), value);
    }
    void sample(std::string_view name, double value) { sample(name, {}, value); }

    // A whole family with one unlabelled sample.
    void counter(std::string_view name, std::string_view help, double value);
    void gauge(std::string_view name, std::string_view help, double value);

    const std::string& text() const { return text_; }

private:
    std::string text_;
};

class Counter {
public:
    void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<std::uint64_t> value_{0};
};

class Gauge {
public:
    void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
    void add(double v) noexcept { value_.fetch_add(v, std::memory_order_relaxed); }
    double value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<double> value_{0};
};

// Cumulative buckets as Prometheus wants them; +Inf is implicit.
class Histogram {
public:
    explicit Histogram(std::vector<double> upper_bounds);  // strictly increasing, finite
    void observe(double value) noexcept;

    struct Snapshot {
        std::vector<double> upper_bounds;
        std::vector<std::uint64_t> cumulative;  // one per bound
        std::uint64_t count = 0;
        double sum = 0;
    };
    Snapshot snapshot() const;

    // Writes the _bucket, _sum and _count samples of `name` with `labels` added.
    void write(Exposition& out, std::string_view name, std::span<const Label> labels) const;

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bound, not cumulative
    std::atomic<std::uint64_t> count_{0};
    std::atomic<double> sum_{0};
};

// Request latencies from 100 µs to 10 s.
std::vector<double> latency_buckets();

// Metrics of one name told apart by label values, created on first use and kept for the life
// of the family (series never vanish between scrapes).
template <class Metric>
class Family {
public:
    using Factory = std::function<std::unique_ptr<Metric>()>;
    Family(std::string name, std::string type, std::string help,
           std::vector<std::string> label_names,
           Factory make = [] { return std::make_unique<Metric>(); })
        : name_(std::move(name)), type_(std::move(type)), help_(std::move(help)),
          label_names_(std::move(label_names)), make_(std::move(make)) {}

    // The metric for these label values, one per label name, in order. Thread-safe; after the
    // first call for a set of values this takes only a shared lock. Keep the reference to skip
    // even that.
    Metric& with(std::initializer_list<std::string_view> values);

    void write(Exposition& out) const;
    const std::string& name() const { return name_; }

private:
    // Orders stored keys and looked-up views alike, so lookups do not allocate.
    struct KeyLess {
        using is_transparent = void;
        template <class A, class B>
        bool operator()(const A& a, const B& b) const {
            return std::lexicographical_compare(
                a.begin(), a.end(), b.begin(), b.end(),
                [](std::string_view x, std::string_view y) { return x < y; });
        }
    };
    std::string name_, type_, help_;
    std::vector<std::string> label_names_;
    Factory make_;
    mutable std::shared_mutex mutex_;
    std::map<std::vector<std::string>, std::unique_ptr<Metric>, KeyLess> series_;
};

// Everything one /metrics scrape shows, in registration order. Owns its families; collectors
// add values read at scrape time (storage size, CRL numbers, process figures).
class Registry {
public:
    using Collector = std::function<void(Exposition&)>;

    Counter& counter(std::string name, std::string help);
    Gauge& gauge(std::string name, std::string help);
    Family<Counter>& counters(std::string name, std::string help,
                              std::vector<std::string> label_names);
    Family<Histogram>& histograms(std::string name, std::string help,
                                  std::vector<std::string> label_names,
                                  std::vector<double> upper_bounds);
    void add(Collector collector);

    // The whole scrape, exposition format 0.0.4. Thread-safe.
    std::string render() const;

private:
    void add_item(Collector collector);
    mutable std::mutex mutex_;
    std::vector<Collector> items_;
    std::vector<std::shared_ptr<void>> owned_;
};

// Process figures every exporter has (process_cpu_seconds_total, process_resident_memory_bytes,
// process_open_fds, process_max_fds, process_virtual_memory_bytes, process_start_time_seconds),
// read from /proc/self at scrape.
void write_process_metrics(Exposition& out);

template <class Metric>
Metric& Family<Metric>::with(std::initializer_list<std::string_view> values) {
    {
        std::shared_lock lock(mutex_);
        auto it = series_.find(values);
        if (it != series_.end()) return *it->second;
    }
    std::unique_lock lock(mutex_);
    auto it = series_.find(values);
    if (it != series_.end()) return *it->second;
    std::vector<std::string> key(values.begin(), values.end());
    key.resize(label_names_.size());  // missing values are empty, extra ones are a bug
    return *series_.emplace(std::move(key), make_()).first->second;
}

template <class Metric>
void Family<Metric>::write(Exposition& out) const {
    out.family(name_, type_, help_);
    std::shared_lock lock(mutex_);
    std::vector<Label> labels(label_names_.size());
    for (const auto& [values, metric] : series_) {
        for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = {label_names_[i], values[i]};
        if constexpr (std::is_same_v<Metric, Histogram>) {
            metric->write(out, name_, labels);
        } else {
            out.sample(name_, labels, static_cast<double>(metric->value()));
        }
    }
}

}  // namespace tanda::metrics
