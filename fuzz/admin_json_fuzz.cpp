// The admin API's write requests (POST .../revoke, .../release, /register, /v1/blocks/unblock,
// /v1/crls/{ca}/import):
// JSON bodies from an authenticated but not trusted client, parsed strictly before storage sees
// them. The routes call parse_revocation(), parse_release(), parse_registration(),
// parse_unblock() and parse_crl_import() on the body. Properties checked on every input (as each of the bodies):
//  - no crash, leak, uncaught exception or sanitizer report;
//  - a refusal is a 400 that names the field at fault (a key "", unknown or repeated, is named
//    as "") and says why;
//  - an accepted request keeps the documented limits (request id alphabet and length, field
//    lengths, evidence as 64 lower-case hex digits, never removeFromCRL as a revocation reason);
//  - an accepted revocation means the same after a round trip: written back as JSON with Tanda's
//    own spellings (hex serial, RFC 3339 times, RFC 5280 reason names) it parses to the same
//    canonical() text, the key of idempotent replays.
#include <string>

#include <boost/json.hpp>

#include "admin/admin_requests.hpp"
#include "core/time_format.hpp"
#include "fuzz/fuzz_check.hpp"

using tanda::fuzz::check;
namespace json = boost::json;

namespace {

constexpr std::size_t kMaxJsonBytes = 64 * 1024;  // AdminOptions::max_json_bytes' default

template <typename T>
void check_refusal(const tanda::admin::ApiResult<T>& r) {
    if (r) return;
    check(r.error().kind == tanda::admin::ApiErrorKind::bad_request, "refusal is not a 400");
    // The field may be empty only when the refusal is about the key "" itself: unknown, or
    // given twice (CI's crash-b0a276bf: {"ca":[{"":"1","":"2"}]} is "" given more than once).
    check(!r.error().field.empty() || r.error().message == "unknown field" ||
              r.error().message == "field given more than once",
          "refusal names no field");
    check(!r.error().message.empty(), "refusal says nothing");
}

bool lower_hex_or_empty(const std::string& s, std::size_t len) {
    if (s.empty()) return true;
    if (s.size() != len) return false;
    return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

json::object as_json(const tanda::admin::RevocationRequest& r) {
    json::object o;
    o["request_id"] = r.request_id;
    o["ca"] = r.ca;
    o["serial"] = r.serial.to_hex();
    o["reason"] = std::string(tanda::reason_name(r.reason));
    if (r.revoked_at) o["revoked_at"] = tanda::format_rfc3339(*r.revoked_at);
    if (r.invalidity_date) o["invalidity_date"] = tanda::format_rfc3339(*r.invalidity_date);
    o["subject_dn"] = r.subject_dn;
    o["requested_by"] = r.requested_by;
    o["approved_by"] = r.approved_by;
    o["approved_at"] = tanda::format_rfc3339(r.approved_at);
    o["evidence_sha256"] = r.evidence_sha256;
    return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);

    auto revocation = tanda::admin::parse_revocation(body, kMaxJsonBytes);
    check_refusal(revocation);
    if (revocation) {
        const auto& r = *revocation;
        check(tanda::admin::valid_request_id(r.request_id), "bad request_id accepted");
        check(!r.ca.empty() && r.ca.size() <= 64, "bad ca accepted");
        check(r.reason != tanda::Reason::remove_from_crl, "removeFromCRL accepted as a reason");
        check(!r.subject_dn.empty() && !r.requested_by.empty() && !r.approved_by.empty(),
              "empty required field accepted");
        check(r.evidence_sha256.size() == 64 && lower_hex_or_empty(r.evidence_sha256, 64),
              "evidence is not 64 lower-case hex digits");
        auto again = tanda::admin::parse_revocation(json::serialize(as_json(r)), kMaxJsonBytes);
        check(again.has_value(), "Tanda's own spelling of an accepted revocation is refused");
        check(again->canonical() == r.canonical(), "round trip changes the revocation");
    }

    auto release = tanda::admin::parse_release(body, "ca", "01", kMaxJsonBytes);
    check_refusal(release);
    if (release) {
        check(tanda::admin::valid_request_id(release->request_id), "bad request_id accepted");
        check(lower_hex_or_empty(release->evidence_sha256, 64), "bad evidence accepted");
        check(!release->requested_by.empty() && !release->approved_by.empty(),
              "empty required field accepted");
    }

    auto registration = tanda::admin::parse_registration(body, 1000);
    check_refusal(registration);
    if (registration) {
        check(!registration->ca.empty(), "empty ca accepted");
        check(!registration->certificates.empty() && registration->certificates.size() <= 1000,
              "certificate count out of bounds");
        for (const auto& c : registration->certificates) check(!c.empty(), "empty certificate");
    }

    auto unblock = tanda::admin::parse_unblock(body, kMaxJsonBytes);
    check_refusal(unblock);
    if (unblock) {
        const std::string& key = unblock->key;
        check(unblock->all == key.empty(), "unblock names a key and all, or neither");
        check(key.empty() || (key.starts_with("spki:") && lower_hex_or_empty(key.substr(5), 64) &&
                              key.size() == 69) ||
                  (key.starts_with("ip:") && key.size() > 3),
              "unblock key is neither spki:<64 hex> nor ip:<address>");
    }
    // The CRL is decoded by OpenSSL (PEM or base64 DER), checked against the CA only later.
    auto crl = tanda::admin::parse_crl_import(body, kMaxJsonBytes);
    check_refusal(crl);
    if (crl) check(!crl->empty(), "an empty CRL accepted");
    return 0;
}
