#include "crl/crl_continuity.hpp"

#include <charconv>

namespace tanda::crl {

std::string crl_number_key(storage::IssuerId issuer) {
    return "crl/" + std::to_string(issuer) + "/number";
}

Result<std::uint64_t> last_number_from_crlnumber(std::string_view text) {
    // OpenSSL writes the number with i2a_ASN1_INTEGER and a newline; tolerate CRLF and blanks.
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
        text.remove_suffix(1);
    }
    std::uint64_t next = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), next, 16);
    if (text.empty() || ec == std::errc::result_out_of_range) {
        return fail(ErrorCode::invalid_argument,
                    text.empty() ? "crlnumber file is empty" : "crlnumber is above 2^64-1");
    }
    if (ec != std::errc() || end != text.data() + text.size()) {
        return fail(ErrorCode::invalid_argument,
                    "crlnumber must be one hex number (OpenSSL's format), not '" +
                        std::string(text.substr(0, 40)) + "'");
    }
    return next == 0 ? 0 : next - 1;
}

Result<std::uint64_t> continue_crl_numbers_above(storage::RevocationIndex& index,
                                                 storage::IssuerId issuer,
                                                 std::uint64_t last_used) {
    return index.raise_meta_counter(crl_number_key(issuer), last_used);
}

}  // namespace tanda::crl
