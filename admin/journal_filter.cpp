// Query-string parsing for the journal filter: percent-decoding (RFC 3986 2.1) and one check
// per key, each refusal naming its key.
#include "admin/journal_filter.hpp"

#include <array>

#include "admin/admin_requests.hpp"
#include "core/time_format.hpp"

namespace tanda::admin {
namespace {

constexpr std::array<std::string_view, 5> kKeys = {"ca", "serial", "request_id", "from", "to"};

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// RFC 3986 percent-decoding, '+' as a space (HTML forms); nullopt on a broken escape.
std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out.push_back(' ');
        } else if (text[i] != '%') {
            out.push_back(text[i]);
        } else {
            if (i + 2 >= text.size()) return std::nullopt;
            int hi = hex_digit(text[i + 1]), lo = hex_digit(text[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        }
    }
    return out;
}

// Stores the decoded value of one of kKeys; 400 for a repeated, empty or badly escaped one.
ApiResult<void> take(std::array<std::optional<std::string>, kKeys.size()>& values,
                     std::string_view key, std::string_view raw) {
    for (std::size_t i = 0; i < kKeys.size(); ++i) {
        if (kKeys[i] != key) continue;
        auto value = percent_decode(raw);
        if (!value || value->empty()) {
            return refuse(ApiErrorKind::bad_request, std::string(key), "empty or badly escaped");
        }
        if (values[i]) return refuse(ApiErrorKind::bad_request, std::string(key), "given twice");
        values[i] = std::move(*value);
    }
    return {};
}

ApiResult<std::optional<UnixSeconds>> time_of(const std::optional<std::string>& text,
                                              std::string_view key) {
    if (!text) return std::nullopt;
    auto t = parse_rfc3339(*text);
    if (!t) {
        return refuse(ApiErrorKind::bad_request, std::string(key),
                      "expected an RFC 3339 time such as 2026-03-01T12:00:00Z");
    }
    return *t;
}

bool unreserved(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string journal_target(const std::vector<std::pair<std::string, std::string>>& query) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "/v1/journal";
    char sep = '?';
    for (const auto& [key, value] : query) {
        out += sep + key + '=';
        sep = '&';
        for (char c : value) {
            if (unreserved(c)) {
                out.push_back(c);
            } else {
                auto b = static_cast<unsigned char>(c);
                out += {'%', kHex[b >> 4], kHex[b & 0xf]};
            }
        }
    }
    return out;
}

ApiResult<JournalFilter> parse_journal_filter(std::string_view target) {
    auto q = target.find('?');
    std::string_view query = q == std::string_view::npos ? "" : target.substr(q + 1);
    std::array<std::optional<std::string>, kKeys.size()> values;
    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
        auto eq = pair.find('=');
        auto value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
        if (auto r = take(values, pair.substr(0, eq), value); !r) return tl::unexpected(r.error());
    }
    JournalFilter filter{values[0], std::nullopt, values[2], std::nullopt, std::nullopt};
    if (values[1]) {
        auto serial = parse_serial(*values[1], "serial");
        if (!serial) return tl::unexpected(serial.error());
        filter.serial = *serial;
    }
    auto from = time_of(values[3], "from");
    if (!from) return tl::unexpected(from.error());
    auto to = time_of(values[4], "to");
    if (!to) return tl::unexpected(to.error());
    filter.from = *from;
    filter.to = *to;
    if (filter.from && filter.to && *filter.from > *filter.to) {
        return refuse(ApiErrorKind::bad_request, "from", "from is after to");
    }
    return filter;
}

bool matches(const JournalFilter& filter, storage::IssuerId ca_issuer,
             const storage::JournalEntry& entry) {
    return (!filter.ca || entry.change.issuer == ca_issuer) &&
           // A crl_published entry's serial is its CRL number, not a certificate's.
           (!filter.serial || (entry.change.serial == *filter.serial &&
                               entry.change.kind != storage::ChangeKind::crl_published)) &&
           (!filter.request_id || entry.provenance.request_id == *filter.request_id) &&
           (!filter.from || entry.time >= *filter.from) && (!filter.to || entry.time <= *filter.to);
}

}  // namespace tanda::admin
