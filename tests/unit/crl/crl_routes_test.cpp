#include "crl/crl_routes.hpp"

#include <catch2/catch.hpp>
#include <map>

#include "core/time_format.hpp"
#include "tests/support/fake_clock.hpp"

using namespace tanda;
using crl::PublishedCrl;

namespace {

class MapSource final : public crl::CrlSource {
public:
    std::map<std::pair<std::string, bool>, std::shared_ptr<const crl::PublishedCrl>> crls;
    std::shared_ptr<const crl::PublishedCrl> find(std::string_view ca, bool delta) const override {
        auto it = crls.find({std::string(ca), delta});
        return it == crls.end() ? nullptr : it->second;
    }
};

std::shared_ptr<const crl::PublishedCrl> crl(std::uint64_t number, bool delta, UnixSeconds now) {
    auto p = std::make_shared<crl::PublishedCrl>();
    p->der = SharedBytes(Bytes(100 + number, std::byte{0x30}));
    p->etag = "\"" + std::to_string(number) + (delta ? "d" : "f") + "\"";
    p->number = number;
    if (delta) p->delta_base = 1;
    p->this_update = now - 100;
    p->next_update = now + 3600;
    return p;
}

struct Fixture {
    test::FakeClock clock;
    MapSource source;
    http::Router router;
    Fixture() {
        source.crls[{"ca", false}] = crl(1, false, clock.now());
        source.crls[{"ca", true}] = crl(2, true, clock.now());
        source.crls[{"x-delta", false}] = crl(3, false, clock.now());
        crl::add_crl_routes(router, source, clock);
    }
    http::Response get(std::string target, http::Verb verb = http::Verb::get,
                       std::vector<std::pair<http::Field, std::string>> headers = {}) {
        http::Request req{verb, target, 11};
        for (auto& [k, v] : headers) req.set(k, v);
        return router.route(req);
    }
};

}  // namespace

TEST_CASE("GET /crl/<ca>.crl serves the DER with caching headers up to nextUpdate", "[crl]") {
    Fixture f;
    auto res = f.get("/crl/ca.crl");
    CHECK(res.result() == http::Status::ok);
    CHECK(res[http::Field::content_type] == "application/pkix-crl");
    CHECK(res.body().payload_size() == 101);
    CHECK(res[http::Field::etag] == "\"1f\"");
    CHECK(res[http::Field::last_modified] == format_http_date(f.clock.now() - 100));
    CHECK(res[http::Field::expires] == format_http_date(f.clock.now() + 3600));
    CHECK(res[http::Field::cache_control] == "public, no-transform, must-revalidate, max-age=3600");
}

TEST_CASE("deltas, CA names ending in -delta, unknown CAs and other methods", "[crl]") {
    Fixture f;
    CHECK(f.get("/crl/ca-delta.crl")[http::Field::etag] == "\"2d\"");
    CHECK(f.get("/crl/x-delta.crl")[http::Field::etag] == "\"3f\"");
    auto [target, status] = GENERATE(table<std::string, http::Status>(
        {{"/crl/nope.crl", http::Status::not_found},
         {"/crl/ca", http::Status::not_found},
         {"/crl/.crl", http::Status::not_found},
         {"/crl/x-delta-delta.crl", http::Status::not_found},
         {"/crl/ca.crl?x=1", http::Status::ok}}));
    CHECK(f.get(target).result() == status);
    CHECK(f.get("/crl/ca.crl", http::Verb::post).result() == http::Status::method_not_allowed);
}

TEST_CASE("HEAD answers the headers and the length without the body", "[crl]") {
    Fixture f;
    auto res = f.get("/crl/ca.crl", http::Verb::head);
    CHECK(res.result() == http::Status::ok);
    CHECK(res.body().payload_size() == 0);
    CHECK(res[http::Field::content_length] == "101");
    CHECK(res[http::Field::etag] == "\"1f\"");
}

TEST_CASE("conditional GETs answer 304", "[crl]") {
    Fixture f;
    using H = std::vector<std::pair<http::Field, std::string>>;
    const UnixSeconds tu = f.clock.now() - 100;
    auto [headers, status] = GENERATE_COPY(table<H, http::Status>({
        {H{{http::Field::if_none_match, "\"1f\""}}, http::Status::not_modified},
        {H{{http::Field::if_none_match, "\"0f\", \"1f\""}}, http::Status::not_modified},
        {H{{http::Field::if_none_match, "\"9f\""}}, http::Status::ok},
        {H{{http::Field::if_modified_since, format_http_date(tu)}}, http::Status::not_modified},
        {H{{http::Field::if_modified_since, format_http_date(tu - 1)}}, http::Status::ok},
        {H{{http::Field::if_modified_since, "yesterday"}}, http::Status::ok},
        // If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2)
        {H{{http::Field::if_none_match, "\"9f\""}, {http::Field::if_modified_since, format_http_date(tu)}},
         http::Status::ok},
    }));
    auto res = f.get("/crl/ca.crl", http::Verb::get, headers);
    CHECK(res.result() == status);
    if (status == http::Status::not_modified) {
        CHECK(res.body().payload_size() == 0);
        CHECK(res[http::Field::etag] == "\"1f\"");
    }
}
