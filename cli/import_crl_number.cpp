#include "cli/import_crl_number.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>

#include "crl/crl_continuity.hpp"
#include "pki/crl_number.hpp"

namespace tanda::cli {
namespace {

using Found = tl::expected<std::optional<std::uint64_t>, std::string>;

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

tl::expected<std::uint64_t, std::string> from_option(const std::string& name,
                                                     const std::string& value,
                                                     const pki::Certificate& issuer) {
    if (name == "crl-number") {
        std::uint64_t n = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (value.empty() || ec != std::errc() || end != value.data() + value.size()) {
            return tl::unexpected(
                std::string("--crl-number must be a decimal number up to 2^64-1"));
        }
        return n;
    }
    auto text = read_file(value);
    if (!text) return tl::unexpected(value + ": cannot be read");
    auto n = name == "crlnumber-file" ? crl::last_number_from_crlnumber(*text)
                                      : pki::read_crl_number(to_bytes(*text), issuer);
    if (!n) return tl::unexpected(value + ": " + n.error().message);
    return *n;
}

}  // namespace

Found last_crl_number(const Args& args, const pki::Certificate& issuer) {
    std::optional<std::uint64_t> last;
    for (const char* name : {"crl-number", "crlnumber-file", "last-crl"}) {
        auto value = args.get(name);
        if (!value) continue;
        auto n = from_option(name, *value, issuer);
        if (!n) return tl::unexpected(n.error());
        last = std::max(last.value_or(0), *n);
    }
    return last;
}

}  // namespace tanda::cli
