#include "storage/record_codec.hpp"

#include <catch2/catch.hpp>

#include "storage_test_support.hpp"

using namespace tanda;
using namespace tanda::storage;
using tanda::storage::test::serial;

namespace {

CertRecord sample_record(bool with_invalidity) {
    CertRecord r;
    r.state = CertState::revoked;
    r.revoked_at = -5;
    r.reason = Reason::certificate_hold;
    if (with_invalidity) r.invalidity_date = 1600000000;
    r.not_after = 1900000000;
    r.subject = "CN=Budi,O=Contoh,C=ID";
    return r;
}

}  // namespace

TEST_CASE("Records round trip with and without an invalidity date", "[codec]") {
    bool with_invalidity = GENERATE(true, false);
    CertRecord in = sample_record(with_invalidity);
    Bytes value;
    encode_record(in, 42, value);
    CHECK(value.size() == 38 + in.subject.size());  // fixed part documented in FORMAT.md
    CHECK(value[0] == std::byte{kRecordFormat});
    CertRecord out;
    REQUIRE(decode_record(value, out));
    CHECK(out.same_content(in));
    CHECK(out.last_seq == 42);
    CHECK(out.invalidity_date == in.invalidity_date);
}

TEST_CASE("decode_record rejects malformed values", "[codec]") {
    Bytes value;
    encode_record(sample_record(true), 1, value);
    CertRecord out;
    SECTION("unknown format version") {
        value[0] = std::byte{2};
        CHECK_FALSE(decode_record(value, out));
    }
    SECTION("truncated") {
        value.pop_back();
        CHECK_FALSE(decode_record(value, out));
    }
    SECTION("trailing bytes") {
        value.push_back(std::byte{0});
        CHECK_FALSE(decode_record(value, out));
    }
    SECTION("unknown state") {
        value[9] = std::byte{3};
        CHECK_FALSE(decode_record(value, out));
    }
    SECTION("reason 7") {
        value[10] = std::byte{7};
        CHECK_FALSE(decode_record(value, out));
    }
    SECTION("empty") { CHECK_FALSE(decode_record({}, out)); }
}

TEST_CASE("Record keys are the big-endian issuer id then the serial magnitude", "[codec]") {
    Bytes key;
    encode_record_key(0x01020304, serial("00ABCD"), key);
    CHECK(to_hex(key) == "01020304abcd");
}

TEST_CASE("Journal keys sort numerically as bytes", "[codec]") {
    auto a = encode_seq_key(255);
    auto b = encode_seq_key(256);
    CHECK(std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end()));
    CHECK(decode_seq_key(b) == 256u);
    CHECK_FALSE(decode_seq_key(ByteView(b).first(7)));
}

TEST_CASE("Journal entries round trip and hash their prefix", "[codec]") {
    Change change{ChangeKind::revoke, 7, serial("0102"), sample_record(true)};
    Provenance prov{"req-1", "alice", "bob", std::string(64, 'f'), "admin"};
    Sha256Digest prev{};
    prev[0] = std::byte{0x99};
    Bytes value;
    Sha256Digest hash = encode_entry(5, 1700000000, change, prov, prev, value);
    CHECK(hash == recompute_entry_hash(value));
    CHECK(ByteView(value).first(32).size() == 32);
    CHECK(std::equal(prev.begin(), prev.end(), value.begin()));
    CHECK(std::equal(hash.begin(), hash.end(), value.end() - 32));

    JournalEntry e;
    REQUIRE(decode_entry(value, e));
    CHECK(e.seq == 5);
    CHECK(e.time == 1700000000);
    CHECK(e.change.kind == ChangeKind::revoke);
    CHECK(e.change.issuer == 7);
    CHECK(e.change.serial == change.serial);
    CHECK(e.change.record.same_content(change.record));
    CHECK(e.change.record.last_seq == 5);
    CHECK(e.provenance.request_id == "req-1");
    CHECK(e.provenance.requested_by == "alice");
    CHECK(e.provenance.approved_by == "bob");
    CHECK(e.provenance.evidence_sha256 == prov.evidence_sha256);
    CHECK(e.provenance.source == "admin");
    CHECK(e.prev_hash == prev);
    CHECK(e.hash == hash);
}

TEST_CASE("decode_entry rejects malformed values", "[codec]") {
    Change change{ChangeKind::update, 1, serial("01"), sample_record(false)};
    Bytes value;
    encode_entry(1, 0, change, Provenance{}, Sha256Digest{}, value);
    JournalEntry e;
    SECTION("unknown kind") {
        value[32 + 1 + 8 + 8] = std::byte{13};  // one past notified
        CHECK_FALSE(decode_entry(value, e));
    }
    SECTION("every known kind decodes") {
        auto kind = GENERATE(range(1, 13));
        value[32 + 1 + 8 + 8] = std::byte(kind);
        REQUIRE(decode_entry(value, e));
        CHECK(static_cast<int>(e.change.kind) == kind);
    }
    SECTION("unknown format") {
        value[32] = std::byte{0};
        CHECK_FALSE(decode_entry(value, e));
    }
    SECTION("truncated") {
        value.resize(value.size() - 33);
        CHECK_FALSE(decode_entry(value, e));
    }
    SECTION("shorter than two hashes") {
        value.resize(40);
        CHECK_FALSE(decode_entry(value, e));
    }
}

TEST_CASE("Issuer entries round trip", "[codec]") {
    Bytes identity = to_bytes("spki-hash");
    Bytes value;
    encode_issuer(identity, "Example CA", value);
    IssuerInfo info;
    REQUIRE(decode_issuer(value, info));
    CHECK(info.identity == identity);
    CHECK(info.name == "Example CA");
    value.push_back(std::byte{1});
    CHECK_FALSE(decode_issuer(value, info));
}
