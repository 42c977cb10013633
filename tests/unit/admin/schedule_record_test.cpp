#include "admin/schedule_record.hpp"

#include <catch2/catch.hpp>

#include "admin/admin_service.hpp"

using namespace tanda;
using namespace tanda::admin;

TEST_CASE("a schedule record round-trips, with or without a cancellation", "[scheduled]") {
    ScheduleRecord s{1'800'000'000, storage::ApprovalMode::dual, "CN=A;B,O=X;spki=aa",
                     std::nullopt, {}, {}, false};
    auto back = decode_schedule(encode_schedule(s));
    REQUIRE(back);
    CHECK(back->approved_at == 1'800'000'000);
    CHECK(back->mode == storage::ApprovalMode::dual);
    CHECK(back->approved_by_identity == "CN=A;B,O=X;spki=aa");
    CHECK_FALSE(back->cancel_requested_at);
    CHECK_FALSE(back->cancelled);
    s.mode = storage::ApprovalMode::single;
    s.cancel_requested_at = 1'800'000'100;
    s.cancel_requested_by_identity = "CN=B;spki=bb";
    s.cancel_reason = "two\nlines";
    s.cancelled = true;
    back = decode_schedule(encode_schedule(s));
    REQUIRE(back);
    CHECK(back->mode == storage::ApprovalMode::single);
    CHECK(back->cancel_requested_at == 1'800'000'100);
    CHECK(back->cancel_requested_by_identity == "CN=B;spki=bb");
    CHECK(back->cancel_reason == "two lines");
    CHECK(back->cancelled);
}

TEST_CASE("a schedule record without its approval time does not decode", "[scheduled]") {
    CHECK_FALSE(decode_schedule(""));
    CHECK_FALSE(decode_schedule("mode=2\n"));
    CHECK_FALSE(decode_schedule("approved_at=soon\n"));
    CHECK(decode_schedule("approved_at=5\nfuture_field=1\n"));
}

TEST_CASE("effective_at goes into an admin source before the client DN and reads back",
          "[scheduled]") {
    const std::string source =
        "admin;revoke;received=2026-01-01T00:00:00Z;approved_at=-;body_sha256=ab;client=CN=x;y";
    auto parsed = parse_admin_source(with_effective_at(source, 1'800'000'000));
    REQUIRE(parsed);
    CHECK(parsed->effective_at == 1'800'000'000);
    CHECK(parsed->body_sha256 == "ab");
    CHECK(parsed->kind == "revoke");
    CHECK_FALSE(parse_admin_source(source)->effective_at);
    CHECK(schedule_key("r-1") == "schedule:r-1");
}
