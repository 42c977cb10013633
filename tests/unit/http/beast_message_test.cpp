#include "http/beast_message.hpp"

#include <catch2/catch.hpp>

using namespace tanda::http;

namespace {

std::vector<std::pair<std::string, std::string>> fields_of(const Fields& fields) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& f : fields) out.emplace_back(f.name, f.value);
    return out;
}

}  // namespace

TEST_CASE("a parsed request reaches handlers whole: every field in order, the body moved",
          "[beast_message]") {
    BeastRequest in{beast_http::verb::post, "/ocsp?x=1", 11};
    in.set(beast_http::field::host, "127.0.0.1:8080");
    in.set(beast_http::field::content_type, "application/ocsp-request");
    in.insert("X-Forwarded-For", "10.0.0.1");
    in.insert("x-forwarded-for", "10.0.0.2");  // a repeated field keeps both values
    in.set(beast_http::field::if_none_match, "\"ab\"");
    in.body() = std::string(300, 'b');  // past any small-string buffer
    const char* body_data = in.body().data();

    Request out{Verb::get, "/left/over/from/an/earlier/request", 10};
    out.set(Field::user_agent, "earlier");
    take_request(in, out);
    CHECK(out.method() == Verb::post);
    CHECK(out.target() == "/ocsp?x=1");
    CHECK(out.version() == 11);
    CHECK(fields_of(out.fields()) == std::vector<std::pair<std::string, std::string>>{
                                         {"Host", "127.0.0.1:8080"},
                                         {"Content-Type", "application/ocsp-request"},
                                         {"X-Forwarded-For", "10.0.0.1"},
                                         {"x-forwarded-for", "10.0.0.2"},
                                         {"If-None-Match", "\"ab\""}});
    CHECK(out[Field::content_type] == "application/ocsp-request");
    CHECK(out["content-TYPE"] == "application/ocsp-request");
    CHECK(out["X-FORWARDED-FOR"] == "10.0.0.1");
    CHECK(out[Field::user_agent].empty());
    CHECK(out.body() == std::string(300, 'b'));
    CHECK(out.body().data() == body_data);  // moved, not copied
}

TEST_CASE("methods map both ways; others are unknown", "[beast_message]") {
    const auto [beast, ours] =
        GENERATE(table<beast_http::verb, Verb>({{beast_http::verb::get, Verb::get},
                                                {beast_http::verb::head, Verb::head},
                                                {beast_http::verb::post, Verb::post},
                                                {beast_http::verb::put, Verb::put},
                                                {beast_http::verb::delete_, Verb::delete_},
                                                {beast_http::verb::patch, Verb::patch}}));
    CHECK(from_beast(beast) == ours);
    CHECK(to_beast(ours) == beast);
    const auto name = beast_http::to_string(beast);
    CHECK(to_string(ours) == std::string_view(name.data(), name.size()));
    CHECK(from_beast(beast_http::verb::options) == Verb::unknown);
    CHECK(from_beast(beast_http::verb::unknown) == Verb::unknown);
}

TEST_CASE("keep-alive is Beast's reading of the version and Connection", "[beast_message]") {
    const unsigned version = GENERATE(10u, 11u);
    const std::string connection = GENERATE(std::string(), "close", "Keep-Alive", "upgrade, close",
                                            "keep-alive , TE", "closed");
    BeastRequest in{beast_http::verb::get, "/", version};
    if (!connection.empty()) in.set(beast_http::field::connection, connection);
    Request out;
    take_request(in, out);
    CHECK(out.keep_alive() == in.keep_alive());
}

TEST_CASE("the client's request and the answer it reads", "[beast_message]") {
    Request req{Verb::post, "/v1/revocations", 11};
    req.set(Field::accept, "application/json");
    req.set(Field::content_type, "application/json");
    req.body() = "{\"a\":1}";
    BeastRequest wire = to_beast(req);
    CHECK(wire.method() == beast_http::verb::post);
    CHECK(wire.target() == "/v1/revocations");
    CHECK(wire.version() == 11);
    CHECK(wire[beast_http::field::accept] == "application/json");
    CHECK(wire[beast_http::field::content_type] == "application/json");
    CHECK(std::distance(wire.begin(), wire.end()) == 2);
    CHECK(wire.body() == "{\"a\":1}");

    BeastResponse in{beast_http::status::too_many_requests, 11};
    in.set(beast_http::field::retry_after, "30");
    in.set(beast_http::field::content_type, "application/json");
    in.body() = std::string(200, 'j');
    const char* body_data = in.body().data();
    Response res = take_response(std::move(in));
    CHECK(res.result() == Status::too_many_requests);
    CHECK(res.result_int() == 429);
    CHECK(fields_of(res.fields()) ==
          std::vector<std::pair<std::string, std::string>>{{"Retry-After", "30"},
                                                           {"Content-Type", "application/json"}});
    CHECK(res.body() == std::string(200, 'j'));
    CHECK(res.body().data() == body_data);
    CHECK(take_response(BeastResponse{beast_http::status::bad_gateway, 11}).result_int() == 502);
}
