#include "admin/status_tokens.hpp"

#include "core/sha256.hpp"
#include "pki/random_bytes.hpp"

namespace tanda::admin {
namespace {

// The meta key of a token: its SHA-256. Looking it up costs the same whatever the token, and
// the key says nothing about the token (a preimage of a 256-bit random value).
std::string key_of(std::string_view token) {
    return "status/" + to_hex(Sha256::digest(as_bytes(token)));
}

bool well_formed(std::string_view token) {
    if (token.size() != 2 * StatusTokens::kTokenBytes) return false;
    for (char c : token) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

}  // namespace

Result<std::string> StatusTokens::issue(std::string_view request_id) {
    auto random = pki::random_bytes(kTokenBytes);
    if (!random) return tl::unexpected(random.error());
    std::string token = to_hex(*random);
    if (auto r = index_.put_meta(key_of(token), request_id); !r) {
        return tl::unexpected(r.error());
    }
    return token;
}

Result<std::optional<std::string>> StatusTokens::find(std::string_view token) const {
    if (!well_formed(token)) return std::optional<std::string>();
    return index_.get_meta(key_of(token));
}

}  // namespace tanda::admin
