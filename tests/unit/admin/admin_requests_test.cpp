#include "admin/admin_requests.hpp"

#include <catch2/catch.hpp>

using namespace tanda;
using namespace tanda::admin;

namespace {

const std::string kEvidence(64, 'a');

std::string body(const std::string& extra = "", const std::string& drop = "") {
    std::vector<std::pair<std::string, std::string>> fields = {
        {"request_id", "\"req-1\""},          {"ca", "\"demo\""},
        {"serial", "\"1001\""},               {"reason", "\"keyCompromise\""},
        {"subject_dn", "\"CN=A,O=B,C=ID\""}, {"requested_by", "\"holder\""},
        {"approved_by", "\"operator\""},      {"approved_at", "\"2024-03-01T12:00:00Z\""},
        {"evidence_sha256", "\"" + kEvidence + "\""}};
    std::string out = "{";
    for (const auto& [k, v] : fields) {
        if (k == drop) continue;
        out += (out.size() > 1 ? "," : "") + ("\"" + k + "\":" + v);
    }
    if (!extra.empty()) out += "," + extra;
    return out + "}";
}

}  // namespace

TEST_CASE("a complete revocation request parses", "[requests]") {
    auto r = parse_revocation(body("\"revoked_at\":\"2024-03-02T00:00:00Z\""), 65536);
    REQUIRE(r);
    CHECK(r->serial.to_hex() == "1001");
    CHECK(r->reason == Reason::key_compromise);
    CHECK(r->revoked_at == 1709337600);
    CHECK(r->evidence_sha256 == kEvidence);
    CHECK_FALSE(r->invalidity_date);
}

TEST_CASE("reason defaults to unspecified", "[requests]") {
    auto r = parse_revocation(body("", "reason"), 65536);
    REQUIRE(r);
    CHECK(r->reason == Reason::unspecified);
}

TEST_CASE("bad revocation requests name the field", "[requests]") {
    struct Case {
        std::string text;
        std::string field;
    };
    auto c = GENERATE(Case{"{not json", "body"}, Case{"[1]", "body"},
                      Case{body("\"colour\":\"red\""), "colour"},
                      Case{body("", "approved_by"), "approved_by"},
                      Case{body("\"revoked_at\":12"), "revoked_at"},
                      Case{body("\"invalidity_date\":\"yesterday\""), "invalidity_date"},
                      Case{body("", "serial") + "x", "body"});
    INFO(c.text);
    auto r = parse_revocation(c.text, 65536);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ApiErrorKind::bad_request);
    CHECK(r.error().field == c.field);
}

TEST_CASE("bad hex, unknown reasons and oversized bodies are refused", "[requests]") {
    std::string b = body();
    auto swap = [&](const std::string& from, const std::string& to) {
        std::string s = b;
        s.replace(s.find(from), from.size(), to);
        return s;
    };
    CHECK(parse_revocation(swap("\"1001\"", "\"10G1\""), 65536).error().field == "serial");
    CHECK(parse_revocation(swap("\"1001\"", "1001"), 65536).error().field == "serial");
    CHECK(parse_revocation(swap("keyCompromise", "lostMyKey"), 65536).error().field == "reason");
    CHECK(parse_revocation(swap("keyCompromise", "removeFromCRL"), 65536).error().field ==
          "reason");
    CHECK(parse_revocation(swap(kEvidence, "abc"), 65536).error().field == "evidence_sha256");
    CHECK(parse_revocation(swap("req-1", "req 1/x"), 65536).error().field == "request_id");
    CHECK(parse_revocation(b, 10).error().field == "body");
}

TEST_CASE("canonical text changes with any field", "[requests]") {
    auto a = *parse_revocation(body(), 65536);
    auto b = a;
    CHECK(a.canonical() == b.canonical());
    b.reason = Reason::superseded;
    CHECK(a.canonical() != b.canonical());
    b = a;
    b.revoked_at = 5;
    CHECK(a.canonical() != b.canonical());
}

TEST_CASE("release and registration requests parse strictly", "[requests]") {
    auto rel = parse_release(R"({"request_id":"r2","requested_by":"a","approved_by":"b"})",
                             "demo", "0A", 65536);
    REQUIRE(rel);
    CHECK(rel->serial.to_hex() == "0A");
    CHECK(parse_release("{}", "demo", "0A", 65536).error().field == "request_id");
    CHECK(parse_release(R"({"request_id":"r2","requested_by":"a","approved_by":"b"})", "demo",
                        "zz", 65536)
              .error()
              .field == "serial");
    auto reg = parse_registration(R"({"ca":"demo","certificates":["x","y"]})", 10);
    REQUIRE(reg);
    CHECK(reg->certificates.size() == 2);
    CHECK(parse_registration(R"({"ca":"demo","certificates":[]})", 10).error().field ==
          "certificates");
    CHECK(parse_registration(R"({"ca":"demo","certificates":[1]})", 10).error().field ==
          "certificates[0]");
    CHECK(parse_registration(R"({"ca":"demo","certificates":["a","b"]})", 1).error().field ==
          "certificates");
}

TEST_CASE("a body with a key given twice is refused, naming it", "[requests]") {
    auto r = parse_revocation(body("\"ca\":\"other\""), 65536);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ApiErrorKind::bad_request);
    CHECK(r.error().field == "ca");
    CHECK(parse_registration(R"({"ca":"a","certificates":["x"],"ca":"b"})", 10).error().field ==
          "ca");
}

TEST_CASE("the key \"\" given twice, even nested, is refused as given twice", "[requests]") {
    // The fuzzer's CI crash-b0a276bf: the refusal names "" because that is the key at fault.
    auto r = parse_revocation(R"({"ca":[{"":"1","":"2"}]})", 65536);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ApiErrorKind::bad_request);
    CHECK(r.error().field.empty());
    CHECK(r.error().message == "field given more than once");
}

TEST_CASE("unblock requests: one key as listed, or all", "[requests]") {
    const std::string spki(64, 'B');
    auto one = parse_unblock(R"({"key":"spki:)" + spki + "\"}", 1024);
    REQUIRE(one);
    CHECK(one->key == "spki:" + std::string(64, 'b'));
    CHECK_FALSE(one->all);
    CHECK(parse_unblock(R"({"key":"ip:192.0.2.1"})", 1024)->key == "ip:192.0.2.1");
    CHECK(parse_unblock(R"({"key":"ip:::ffff:192.0.2.1"})", 1024));
    CHECK(parse_unblock(R"({"all":true})", 1024)->all);

    struct Case {
        std::string text;
        std::string field;
    };
    auto c = GENERATE(Case{"{}", "key"}, Case{R"({"key":"192.0.2.1"})", "key"},
                      Case{R"({"key":"spki:abc"})", "key"}, Case{R"({"key":"ip:"})", "key"},
                      Case{R"({"key":"ip:1.2.3.4/x"})", "key"}, Case{R"({"key":7})", "key"},
                      Case{R"({"all":false})", "all"}, Case{R"({"all":"yes"})", "all"},
                      Case{R"({"key":"ip:1.2.3.4","all":true})", "key"},
                      Case{R"({"key":"ip:1.2.3.4","key":"ip:5.6.7.8"})", "key"},
                      Case{R"({"key":"ip:1.2.3.4","colour":"red"})", "colour"},
                      Case{"[1]", "body"});
    INFO(c.text);
    auto r = parse_unblock(c.text, 1024);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ApiErrorKind::bad_request);
    CHECK(r.error().field == c.field);
}

TEST_CASE("serials in the forms people paste", "[requests]") {
    auto text = GENERATE("3007", "30:07", "0x3007", "0X3007", "003007", "00:30:07", "0x30:07");
    INFO(text);
    auto s = parse_serial(text, "serial");
    REQUIRE(s);
    CHECK(s->to_hex() == "3007");
    auto rel = parse_release(R"({"request_id":"r2","requested_by":"a","approved_by":"b"})",
                             "demo", text, 65536);
    REQUIRE(rel);
    CHECK(rel->serial.to_hex() == "3007");
    auto rev = parse_revocation(body("\"serial\":\"" + std::string(text) + "\"", "serial"), 65536);
    REQUIRE(rev);
    CHECK(rev->serial.to_hex() == "3007");
}

TEST_CASE("serials: either case, and the longest serial with colons fits the body", "[requests]") {
    CHECK(parse_serial("7a:bc:0d", "serial")->to_hex() == "7ABC0D");
    CHECK(parse_serial("7A:BC:0D", "serial")->to_hex() == "7ABC0D");
    CHECK(parse_serial("0x7abc0d", "serial")->to_hex() == "7ABC0D");
    std::string longest = "7f";
    for (int i = 1; i < 32; ++i) longest += ":ab";
    auto r = parse_revocation(body("\"serial\":\"0x" + longest + "\"", "serial"), 65536);
    REQUIRE(r);
    CHECK(r->serial.to_hex().size() == 64);
}

TEST_CASE("serials: shapes that are not a serial are refused", "[requests]") {
    auto text = GENERATE("", "0x", "3:007", "30::07", "30:07:", ":30:07", "30-07", "30 07",
                         "0x0x3007", "x3007", "3007h", "300G");
    INFO(text);
    auto s = parse_serial(text, "path serial");
    REQUIRE_FALSE(s);
    CHECK(s.error().field == "path serial");
    CHECK_THAT(s.error().message, Catch::Contains("30:07"));
}
