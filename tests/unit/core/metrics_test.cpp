#include <cstdio>
#include <ctime>
#include <limits>
#include <fstream>
#include <thread>

#include <catch2/catch.hpp>

#include "core/metrics.hpp"
#include "tests/support/temp_dir.hpp"

using namespace tanda::metrics;

namespace {

// Runs `promtool check metrics` (Debian package prometheus) on `text`; its output and status.
std::pair<int, std::string> promtool_check(const std::string& text) {
    tanda::test::TempDir dir;
    const std::string in = (dir / "metrics.txt").string();
    std::ofstream(in) << text;
    const std::string cmd = "promtool check metrics < " + in + " 2>&1";
    std::string output;
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[512];
    while (std::fgets(buf, sizeof buf, p)) output += buf;
    int status = pclose(p);
    return {status, output};
}

}  // namespace

TEST_CASE("exposition writes HELP, TYPE and samples with escaped labels") {
    Exposition out;
    out.family("tanda_x_total", "counter", "Things\nseen \\ here.");
    out.sample("tanda_x_total", {{"ca", "a\"b\\c\nd"}, {"m", "GET"}}, 3);
    out.sample("tanda_x_total", {{"ca", "e"}, {"m", "POST"}}, 0.25);
    CHECK(out.text() ==
          "# HELP tanda_x_total Things\\nseen \\\\ here.\n"
          "# TYPE tanda_x_total counter\n"
          "tanda_x_total{ca=\"a\\\"b\\\\c\\nd\",m=\"GET\"} 3\n"
          "tanda_x_total{ca=\"e\",m=\"POST\"} 0.25\n");
}

TEST_CASE("exposition writes special values as Prometheus spells them") {
    Exposition out;
    out.sample("a", std::numeric_limits<double>::infinity());
    out.sample("b", -std::numeric_limits<double>::infinity());
    out.sample("c", std::numeric_limits<double>::quiet_NaN());
    out.sample("d", 1.7e18);
    CHECK(out.text() == "a +Inf\nb -Inf\nc NaN\nd 1.7e+18\n");
}

TEST_CASE("histogram buckets are cumulative, with +Inf, sum and count") {
    Histogram h({0.1, 1, 10});
    for (double v : {0.05, 0.1, 0.5, 5.0, 50.0}) h.observe(v);
    auto s = h.snapshot();
    CHECK(s.cumulative == std::vector<std::uint64_t>{2, 3, 4});
    CHECK(s.count == 5);
    CHECK(s.sum == Approx(55.65));
    Exposition out;
    h.write(out, "lat_seconds", std::vector<Label>{{"method", "GET"}});
    CHECK(out.text() ==
          "lat_seconds_bucket{method=\"GET\",le=\"0.10000000000000001\"} 2\n"
          "lat_seconds_bucket{method=\"GET\",le=\"1\"} 3\n"
          "lat_seconds_bucket{method=\"GET\",le=\"10\"} 4\n"
          "lat_seconds_bucket{method=\"GET\",le=\"+Inf\"} 5\n"
          "lat_seconds_sum{method=\"GET\"} 55.649999999999999\n"
          "lat_seconds_count{method=\"GET\"} 5\n");
}

TEST_CASE("histogram refuses bounds that are not increasing") {
    CHECK_THROWS(Histogram({1, 1}));
    CHECK_THROWS(Histogram({2, 1}));
    CHECK_THROWS(Histogram({std::numeric_limits<double>::infinity()}));
}

TEST_CASE("a family keeps one series per label values, also under concurrent use") {
    Registry registry;
    auto& requests = registry.counters("tanda_requests_total", "Requests.", {"ca", "outcome"});
    auto work = [&] {
        for (int i = 0; i < 10000; ++i) {
            requests.with({"b", "good"}).inc();
            requests.with({"a", i % 2 ? "good" : "revoked"}).inc();
        }
    };
    std::thread t1(work), t2(work);
    t1.join();
    t2.join();
    CHECK(&requests.with({"b", "good"}) == &requests.with({"b", "good"}));
    CHECK(registry.render() ==
          "# HELP tanda_requests_total Requests.\n"
          "# TYPE tanda_requests_total counter\n"
          "tanda_requests_total{ca=\"a\",outcome=\"good\"} 10000\n"
          "tanda_requests_total{ca=\"a\",outcome=\"revoked\"} 10000\n"
          "tanda_requests_total{ca=\"b\",outcome=\"good\"} 20000\n");
}

TEST_CASE("a registry renders in registration order, collectors at scrape time") {
    Registry registry;
    auto& c = registry.counter("tanda_a_total", "A.");
    int scrapes = 0;
    registry.add([&](Exposition& out) { out.gauge("tanda_scrapes", "Scrapes.", ++scrapes); });
    auto& g = registry.gauge("tanda_g", "G.");
    c.inc(2);
    g.set(-1.5);
    CHECK(registry.render() ==
          "# HELP tanda_a_total A.\n# TYPE tanda_a_total counter\ntanda_a_total 2\n"
          "# HELP tanda_scrapes Scrapes.\n# TYPE tanda_scrapes gauge\ntanda_scrapes 1\n"
          "# HELP tanda_g G.\n# TYPE tanda_g gauge\ntanda_g -1.5\n");
    CHECK(registry.render().find("tanda_scrapes 2\n") != std::string::npos);
}

TEST_CASE("process metrics read real figures of this process") {
    Exposition out;
    write_process_metrics(out);
    const std::string& t = out.text();
    auto value = [&](const std::string& name) {
        auto at = t.find("\n" + name + " ");
        REQUIRE(at != std::string::npos);
        return std::stod(t.substr(at + name.size() + 2));
    };
    CHECK(value("process_resident_memory_bytes") > 1e6);
    CHECK(value("process_open_fds") >= 3);
    CHECK(value("process_max_fds") >= value("process_open_fds"));
    const double started = value("process_start_time_seconds");
    CHECK(started > 1.7e9);
    CHECK(started <= static_cast<double>(std::time(nullptr)) + 1);
}

TEST_CASE("promtool accepts a whole rendered registry") {
    Registry registry;
    registry.counters("tanda_ocsp_requests_total", "OCSP requests.", {"ca", "method", "outcome"})
        .with({"demo \"ca\"", "GET", "good"})
        .inc(7);
    auto& lat = registry.histograms("tanda_ocsp_request_duration_seconds", "Latency.",
                                    {"method"}, latency_buckets());
    lat.with({"GET"}).observe(0.0003);
    lat.with({"POST"}).observe(2);
    registry.counter("tanda_config_reloads_total", "Reloads.").inc();
    registry.add([](Exposition& out) { write_process_metrics(out); });
    auto [status, output] = promtool_check(registry.render());
    INFO(output);
    CHECK(status == 0);

    // And it does fail on a broken exposition, so the check above means something.
    auto [bad_status, bad_output] = promtool_check("# TYPE x counter\nx{a=\"1\"} 1\nx{a=\"1\"} 2\n");
    CHECK(bad_status != 0);
}
