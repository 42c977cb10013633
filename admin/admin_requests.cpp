#include "admin/admin_requests.hpp"

#include <boost/json.hpp>

#include "admin/json_keys.hpp"
#include "admin/person_name.hpp"
#include "core/base64.hpp"
#include "core/time_format.hpp"
#include "pki/crl_number.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::admin {
namespace {

namespace json = boost::json;

ApiResult<json::object> parse_object(std::string_view body, std::size_t max_bytes,
                                     std::initializer_list<std::string_view> allowed) {
    if (body.size() > max_bytes) {
        return refuse(ApiErrorKind::bad_request, "body",
                      "request body over " + std::to_string(max_bytes) + " bytes");
    }
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec) return refuse(ApiErrorKind::bad_request, "body", "malformed JSON: " + ec.message());
    if (!v.is_object()) return refuse(ApiErrorKind::bad_request, "body", "expected a JSON object");
    for (const auto& kv : v.as_object()) {
        if (std::find(allowed.begin(), allowed.end(), kv.key()) == allowed.end()) {
            return refuse(ApiErrorKind::bad_request, std::string(kv.key()), "unknown field");
        }
    }
    if (auto twice = duplicate_key(body)) {
        return refuse(ApiErrorKind::bad_request, *twice, "field given more than once");
    }
    return std::move(v.as_object());
}

// A string field; nullopt when absent (or null), 400 when required and absent, not a string,
// empty, or longer than `max`.
ApiResult<std::optional<std::string>> string_field(const json::object& o, std::string_view key,
                                                   std::size_t max, bool required) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) {
        if (required) return refuse(ApiErrorKind::bad_request, std::string(key), "required");
        return std::optional<std::string>{};
    }
    if (!v->is_string()) {
        return refuse(ApiErrorKind::bad_request, std::string(key), "must be a string");
    }
    const auto& s = v->as_string();
    if (s.empty()) return refuse(ApiErrorKind::bad_request, std::string(key), "must not be empty");
    if (s.size() > max) {
        return refuse(ApiErrorKind::bad_request, std::string(key),
                      "longer than " + std::to_string(max) + " bytes");
    }
    return std::optional<std::string>(std::string(s));
}

ApiResult<std::optional<UnixSeconds>> time_field(const json::object& o, std::string_view key,
                                                 bool required) {
    auto text = string_field(o, key, 64, required);
    if (!text) return tl::unexpected(text.error());
    if (!*text) return std::optional<UnixSeconds>{};
    auto t = parse_rfc3339(**text);
    if (!t) {
        return refuse(ApiErrorKind::bad_request, std::string(key),
                      "expected RFC 3339 UTC time like 2024-03-01T12:00:00Z");
    }
    return std::optional<UnixSeconds>(*t);
}

ApiResult<std::string> evidence_field(const json::object& o, bool required) {
    auto text = string_field(o, "evidence_sha256", 64, required);
    if (!text) return tl::unexpected(text.error());
    if (!*text) return std::string();
    auto bytes = from_hex(**text);
    if (!bytes || bytes->size() != 32 || (*text)->find(':') != std::string::npos) {
        return refuse(ApiErrorKind::bad_request, "evidence_sha256",
                      "expected 64 hex digits (SHA-256 of the signed letter)");
    }
    return to_hex(*bytes);
}

ApiResult<std::string> request_id_field(const json::object& o) {
    auto id = string_field(o, "request_id", 128, true);
    if (!id) return tl::unexpected(id.error());
    if (!valid_request_id(**id)) {
        return refuse(ApiErrorKind::bad_request, "request_id",
                      "use 1-128 of A-Z a-z 0-9 . _ : @ -");
    }
    return **id;
}

// requested_by / approved_by: required, normalised (admin/person_name.hpp), never blank.
ApiResult<std::string> person_field(const json::object& o, std::string_view key) {
    auto text = string_field(o, key, storage::kMaxProvenanceFieldBytes, true);
    if (!text) return tl::unexpected(text.error());
    auto name = normalise_name(**text);
    if (!name) return refuse(ApiErrorKind::bad_request, std::string(key), "must not be blank");
    return *name;
}

// Appends "<length>:<text>;" so no two field lists share a canonical text.
void put(std::string& out, std::string_view text) {
    out += std::to_string(text.size());
    out += ':';
    out += text;
    out += ';';
}
void put(std::string& out, const std::optional<UnixSeconds>& t) {
    put(out, t ? std::to_string(*t) : std::string("-"));
}

}  // namespace

bool valid_request_id(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id) {
        if (!std::isalnum(static_cast<unsigned char>(c)) &&
            std::string_view("._:@-").find(c) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

namespace {

// Hex digits, or pairs of them joined by ':' as openssl x509 -text and browsers print serials.
// Any other use of ':' ("3:007", "30::07", a trailing one) is refused rather than guessed at.
bool serial_shape(std::string_view hex) {
    if (hex.find(':') == std::string_view::npos) return !hex.empty();
    if ((hex.size() + 1) % 3 != 0) return false;
    for (std::size_t i = 2; i < hex.size(); i += 3) {
        if (hex[i] != ':') return false;
    }
    return true;
}

}  // namespace

ApiResult<Serial> parse_serial(std::string_view text, const std::string& field) {
    std::string_view hex = text;
    if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
    auto serial = serial_shape(hex) ? Serial::from_hex(hex) : std::nullopt;
    if (!serial) {
        return refuse(ApiErrorKind::bad_request, field,
                      "expected the serial number in hex (3007, 30:07 or 0x3007, either case), "
                      "at most 64 digits");
    }
    return *serial;
}

std::string RevocationRequest::canonical() const {
    std::string out = "revoke;";
    for (std::string_view s : {std::string_view(request_id), std::string_view(ca)}) put(out, s);
    put(out, serial.to_hex());
    put(out, std::to_string(static_cast<unsigned>(reason)));
    put(out, revoked_at);
    put(out, invalidity_date);
    for (const std::string* s : {&subject_dn, &requested_by, &approved_by}) put(out, *s);
    put(out, std::optional<UnixSeconds>(approved_at));
    put(out, evidence_sha256);
    // Only when given, so that the digests of requests stored before it existed still match.
    if (effective_at) put(out, effective_at);
    return out;
}

std::string ReleaseRequest::canonical() const {
    std::string out = "release;";
    for (const std::string* s : {&request_id, &ca}) put(out, *s);
    put(out, serial.to_hex());
    for (const std::string* s : {&requested_by, &approved_by}) put(out, *s);
    put(out, approved_at);
    put(out, evidence_sha256);
    return out;
}

ApiResult<RevocationRequest> parse_revocation(std::string_view body, std::size_t max_bytes) {
    auto o = parse_object(body, max_bytes,
                          {"request_id", "ca", "serial", "reason", "revoked_at",
                           "invalidity_date", "subject_dn", "requested_by", "approved_by",
                           "approved_at", "evidence_sha256", "effective_at"});
    if (!o) return tl::unexpected(o.error());
    RevocationRequest r;
    auto id = request_id_field(*o);
    if (!id) return tl::unexpected(id.error());
    r.request_id = *id;
    auto ca = string_field(*o, "ca", 64, true);
    if (!ca) return tl::unexpected(ca.error());
    r.ca = **ca;
    // Room for "0x" or a ':' between each pair of the longest serial.
    auto serial_text = string_field(*o, "serial", 3 * Serial::kMaxBytes + 1, true);
    if (!serial_text) return tl::unexpected(serial_text.error());
    auto serial = parse_serial(**serial_text, "serial");
    if (!serial) return tl::unexpected(serial.error());
    r.serial = *serial;
    auto reason_text = string_field(*o, "reason", 64, false);
    if (!reason_text) return tl::unexpected(reason_text.error());
    if (*reason_text) {
        auto reason = reason_from_name(**reason_text);
        if (!reason) {
            return refuse(ApiErrorKind::bad_request, "reason",
                          "unknown reason '" + **reason_text +
                              "'; use an RFC 5280 name such as keyCompromise");
        }
        if (*reason == Reason::remove_from_crl) {
            return refuse(ApiErrorKind::bad_request, "reason",
                          "removeFromCRL is not a revocation: POST .../release lifts a hold");
        }
        r.reason = *reason;
    }
    for (auto [key, out] : {std::pair{"revoked_at", &r.revoked_at},
                            std::pair{"invalidity_date", &r.invalidity_date}}) {
        auto t = time_field(*o, key, false);
        if (!t) return tl::unexpected(t.error());
        *out = *t;
    }
    auto subject = string_field(*o, "subject_dn", storage::kMaxSubjectBytes, true);
    if (!subject) return tl::unexpected(subject.error());
    r.subject_dn = **subject;
    for (auto [key, out] :
         {std::pair{"requested_by", &r.requested_by}, std::pair{"approved_by", &r.approved_by}}) {
        auto name = person_field(*o, key);
        if (!name) return tl::unexpected(name.error());
        *out = *name;
    }
    auto approved_at = time_field(*o, "approved_at", true);
    if (!approved_at) return tl::unexpected(approved_at.error());
    r.approved_at = **approved_at;
    auto evidence = evidence_field(*o, true);
    if (!evidence) return tl::unexpected(evidence.error());
    r.evidence_sha256 = *evidence;
    auto effective = time_field(*o, "effective_at", false);
    if (!effective) return tl::unexpected(effective.error());
    r.effective_at = *effective;
    if (r.effective_at && r.reason != Reason::cessation_of_operation &&
        r.reason != Reason::affiliation_changed) {
        return refuse(ApiErrorKind::bad_request, "reason",
                      "a scheduled revocation (effective_at) takes reason cessationOfOperation "
                      "or affiliationChanged");
    }
    if (r.effective_at && r.revoked_at) {
        return refuse(ApiErrorKind::bad_request, "revoked_at",
                      "a scheduled revocation is revoked at its effective_at: leave revoked_at out");
    }
    return r;
}

ApiResult<ReleaseRequest> parse_release(std::string_view body, std::string_view ca,
                                        std::string_view serial_hex, std::size_t max_bytes) {
    auto o = parse_object(body, max_bytes, {"request_id", "requested_by", "approved_by",
                                            "approved_at", "evidence_sha256"});
    if (!o) return tl::unexpected(o.error());
    ReleaseRequest r;
    r.ca = std::string(ca);
    auto serial = parse_serial(serial_hex, "serial");
    if (!serial) return tl::unexpected(serial.error());
    r.serial = *serial;
    auto id = request_id_field(*o);
    if (!id) return tl::unexpected(id.error());
    r.request_id = *id;
    for (auto [key, out] : {std::pair{"requested_by", &r.requested_by},
                            std::pair{"approved_by", &r.approved_by}}) {
        auto name = person_field(*o, key);
        if (!name) return tl::unexpected(name.error());
        *out = *name;
    }
    auto approved_at = time_field(*o, "approved_at", false);
    if (!approved_at) return tl::unexpected(approved_at.error());
    r.approved_at = *approved_at;
    auto evidence = evidence_field(*o, false);
    if (!evidence) return tl::unexpected(evidence.error());
    r.evidence_sha256 = *evidence;
    return r;
}

ApiResult<ApproveRequest> parse_approve(std::string_view body, std::size_t max_bytes) {
    auto o = parse_object(body, max_bytes, {"subject_dn"});
    if (!o) return tl::unexpected(o.error());
    auto subject = string_field(*o, "subject_dn", storage::kMaxSubjectBytes, true);
    if (!subject) return tl::unexpected(subject.error());
    return ApproveRequest{**subject};
}

ApiResult<RejectRequest> parse_reject(std::string_view body, std::size_t max_bytes) {
    auto o = parse_object(body, max_bytes, {"reason"});
    if (!o) return tl::unexpected(o.error());
    auto reason = string_field(*o, "reason", storage::kMaxProvenanceFieldBytes, true);
    if (!reason) return tl::unexpected(reason.error());
    auto text = normalise_name(**reason);  // one line, as the journal and the holder see it
    if (!text) return refuse(ApiErrorKind::bad_request, "reason", "must not be blank");
    return RejectRequest{*text};
}

ApiResult<RegistrationRequest> parse_registration(std::string_view body,
                                                  std::size_t max_certificates) {
    auto o = parse_object(body, body.size(), {"ca", "certificates"});
    if (!o) return tl::unexpected(o.error());
    RegistrationRequest r;
    auto ca = string_field(*o, "ca", 64, true);
    if (!ca) return tl::unexpected(ca.error());
    r.ca = **ca;
    const json::value* list = o->if_contains("certificates");
    if (list == nullptr || !list->is_array() || list->as_array().empty()) {
        return refuse(ApiErrorKind::bad_request, "certificates",
                      "expected a non-empty array of PEM or base64 DER strings");
    }
    if (list->as_array().size() > max_certificates) {
        return refuse(ApiErrorKind::bad_request, "certificates",
                      "more than " + std::to_string(max_certificates) + " entries");
    }
    for (std::size_t i = 0; i < list->as_array().size(); ++i) {
        const auto& v = list->as_array()[i];
        if (!v.is_string() || v.as_string().empty()) {
            return refuse(ApiErrorKind::bad_request, "certificates[" + std::to_string(i) + "]",
                          "must be a non-empty string");
        }
        r.certificates.emplace_back(v.as_string());
    }
    return r;
}

namespace {

// "spki:" and 64 hex digits, or "ip:" and an address as the listener prints it.
std::optional<std::string> block_key(std::string key) {
    if (key.starts_with("spki:")) {
        auto hex = from_hex(std::string_view(key).substr(5));
        if (!hex || hex->size() != 32 || key.find(':', 5) != std::string::npos) return {};
        return "spki:" + to_hex(*hex);
    }
    if (!key.starts_with("ip:") || key.size() == 3) return {};
    for (char c : std::string_view(key).substr(3)) {
        if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '.' && c != ':') return {};
    }
    return key;
}

}  // namespace

ApiResult<UnblockRequest> parse_unblock(std::string_view body, std::size_t max_bytes) {
    auto o = parse_object(body, max_bytes, {"key", "all"});
    if (!o) return tl::unexpected(o.error());
    const json::value* all = o->if_contains("all");
    if (all != nullptr && !(all->is_bool() && all->as_bool())) {
        return refuse(ApiErrorKind::bad_request, "all", "must be true when given");
    }
    auto key = string_field(*o, "key", 128, false);
    if (!key) return tl::unexpected(key.error());
    if ((all != nullptr) == key->has_value()) {
        return refuse(ApiErrorKind::bad_request, "key",
                      "give either \"key\" (as GET /v1/blocks lists it) or \"all\": true");
    }
    if (all != nullptr) return UnblockRequest{"", true};
    auto valid = block_key(**key);
    if (!valid) {
        return refuse(ApiErrorKind::bad_request, "key",
                      "expected spki:<64 hex digits> or ip:<address>");
    }
    return UnblockRequest{*valid, false};
}

ApiResult<Bytes> parse_crl_import(std::string_view body, std::size_t max_bytes) {
    auto o = parse_object(body, max_bytes, {"crl"});
    if (!o) return tl::unexpected(o.error());
    auto text = string_field(*o, "crl", max_bytes, true);
    if (!text) return tl::unexpected(text.error());
    std::optional<Bytes> given;
    if ((*text)->find("-----BEGIN") != std::string::npos) {
        given = to_bytes(**text);
    } else {
        given = base64_decode(**text);
    }
    auto der = given ? pki::crl_der(*given) : Result<Bytes>(fail(ErrorCode::invalid_argument, ""));
    if (!der) return refuse(ApiErrorKind::bad_request, "crl", "expected a CRL, PEM or base64 DER");
    return std::move(*der);
}

}  // namespace tanda::admin
