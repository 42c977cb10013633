#include "admin/request_stages.hpp"

#include <charconv>

namespace tanda::admin {
namespace {

template <typename T>
bool parse_decimal(std::string_view text, T& out) {
    if (text.empty()) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string notified_key(std::string_view request_id) {
    return "notified:" + std::string(request_id);
}

std::string crl_cover_prefix(std::uint64_t issuer) {
    return "crl_cover/" + std::to_string(issuer) + "/";
}

std::string crl_cover_key(std::uint64_t issuer, std::uint64_t covered_seq) {
    std::string seq = std::to_string(covered_seq);
    return crl_cover_prefix(issuer) + std::string(20 - seq.size(), '0') + seq;
}

std::string encode_crl_stage(const CrlPublication& crl) {
    return std::to_string(crl.crl_number) + " " + std::to_string(crl.published_at);
}

std::optional<CrlPublication> decode_crl_stage(std::string_view value) {
    const auto space = value.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    CrlPublication crl;
    if (!parse_decimal(value.substr(0, space), crl.crl_number) ||
        !parse_decimal(value.substr(space + 1), crl.published_at)) {
        return std::nullopt;
    }
    return crl;
}

}  // namespace tanda::admin
