#include "core/metrics.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace tanda::metrics {
namespace {

void append_value(std::string& out, double v) {
    if (std::isnan(v)) {
        out += "NaN";
    } else if (std::isinf(v)) {
        out += v > 0 ? "+Inf" : "-Inf";
    } else if (v == std::floor(v) && std::fabs(v) < 1e15) {
        char buf[32];
        int n = std::snprintf(buf, sizeof buf, "%.0f", v);
        out.append(buf, static_cast<std::size_t>(n));
    } else {
        char buf[32];
        int n = std::snprintf(buf, sizeof buf, "%.17g", v);
        out.append(buf, static_cast<std::size_t>(n));
    }
}

// Label values escape backslash, double quote and newline; HELP text backslash and newline.
void append_escaped(std::string& out, std::string_view s, bool quote) {
    for (char c : s) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '"' && quote) {
            out += "\\\"";
        } else {
            out += c;
        }
    }
}

}  // namespace

void Exposition::family(std::string_view name, std::string_view type, std::string_view help) {
    text_ += "# HELP ";
    text_ += name;
    text_ += ' ';
    append_escaped(text_, help, false);
    text_ += "\n# TYPE ";
    text_ += name;
    text_ += ' ';
    text_ += type;
    text_ += '\n';
}

void Exposition::sample(std::string_view name, std::span<const Label> labels, double value) {
    text_ += name;
    if (!labels.empty()) {
        text_ += '{';
        for (std::size_t i = 0; i < labels.size(); ++i) {
            if (i) text_ += ',';
            text_ += labels[i].name;
            text_ += "=\"";
            append_escaped(text_, labels[i].value, true);
            text_ += '"';
        }
        text_ += '}';
    }
    text_ += ' ';
    append_value(text_, value);
    text_ += '\n';
}

void Exposition::counter(std::string_view name, std::string_view help, double value) {
    family(name, "counter", help);
    sample(name, value);
}

void Exposition::gauge(std::string_view name, std::string_view help, double value) {
    family(name, "gauge", help);
    sample(name, value);
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size())) {
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
        if (!std::isfinite(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
            throw std::invalid_argument("histogram bounds must be finite and increasing");
        }
    }
}

void Histogram::observe(double value) noexcept {
    // Few buckets: a linear scan beats a binary search at this size.
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
        if (value <= bounds_[i]) {
            buckets_[i].fetch_add(1, std::memory_order_relaxed);
            break;
        }
    }
    sum_.fetch_add(value, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
    Snapshot s;
    s.upper_bounds = bounds_;
    s.cumulative.resize(bounds_.size());
    // Count first: a concurrent observe() then shows up in +Inf at worst, keeping buckets
    // cumulative and never above the count.
    s.count = count_.load(std::memory_order_relaxed);
    std::uint64_t running = 0;
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
        running += buckets_[i].load(std::memory_order_relaxed);
        s.cumulative[i] = std::min(running, s.count);
    }
    s.sum = sum_.load(std::memory_order_relaxed);
    return s;
}

void Histogram::write(Exposition& out, std::string_view name,
                      std::span<const Label> labels) const {
    const Snapshot s = snapshot();
    std::vector<Label> with_le(labels.begin(), labels.end());
    with_le.push_back({"le", ""});
    const std::string bucket = std::string(name) + "_bucket";
    for (std::size_t i = 0; i <= s.upper_bounds.size(); ++i) {
        std::string le;
        if (i < s.upper_bounds.size()) {
            append_value(le, s.upper_bounds[i]);
        } else {
            le = "+Inf";
        }
        with_le.back().value = le;
        out.sample(bucket, with_le, static_cast<double>(i < s.cumulative.size() ? s.cumulative[i]
                                                                              : s.count));
    }
    out.sample(std::string(name) + "_sum", labels, s.sum);
    out.sample(std::string(name) + "_count", labels, static_cast<double>(s.count));
}

std::vector<double> latency_buckets() {
    return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
            1, 2.5, 5, 10};
}

Counter& Registry::counter(std::string name, std::string help) {
    auto c = std::make_shared<Counter>();
    Counter& ref = *c;
    add_item([c, name = std::move(name), help = std::move(help)](Exposition& out) {
        out.counter(name, help, static_cast<double>(c->value()));
    });
    std::lock_guard lock(mutex_);
    owned_.push_back(std::move(c));
    return ref;
}

Gauge& Registry::gauge(std::string name, std::string help) {
    auto g = std::make_shared<Gauge>();
    Gauge& ref = *g;
    add_item([g, name = std::move(name), help = std::move(help)](Exposition& out) {
        out.gauge(name, help, g->value());
    });
    std::lock_guard lock(mutex_);
    owned_.push_back(std::move(g));
    return ref;
}

Family<Counter>& Registry::counters(std::string name, std::string help,
                                    std::vector<std::string> label_names) {
    auto f = std::make_shared<Family<Counter>>(std::move(name), "counter", std::move(help),
                                               std::move(label_names));
    Family<Counter>& ref = *f;
    add_item([f](Exposition& out) { f->write(out); });
    std::lock_guard lock(mutex_);
    owned_.push_back(std::move(f));
    return ref;
}

Family<Histogram>& Registry::histograms(std::string name, std::string help,
                                        std::vector<std::string> label_names,
                                        std::vector<double> upper_bounds) {
    auto f = std::make_shared<Family<Histogram>>(
        std::move(name), "histogram", std::move(help), std::move(label_names),
        [upper_bounds] { return std::make_unique<Histogram>(upper_bounds); });
    Family<Histogram>& ref = *f;
    add_item([f](Exposition& out) { f->write(out); });
    std::lock_guard lock(mutex_);
    owned_.push_back(std::move(f));
    return ref;
}

void Registry::add(Collector collector) { add_item(std::move(collector)); }

void Registry::add_item(Collector collector) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(collector));
}

std::string Registry::render() const {
    std::vector<Collector> items;
    {
        std::lock_guard lock(mutex_);
        items = items_;
    }
    Exposition out;
    for (const auto& item : items) item(out);
    return out.text();
}

}  // namespace tanda::metrics
