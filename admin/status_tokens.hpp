// Holder status tokens: a bearer secret per revocation request, handed to the holder at
// creation, that reads that one request's status on the public listener (GET /status/<token>)
// and nothing else. Only the token's SHA-256 is stored (storage meta `status/<hex>` -> request
// id, FORMAT.md), so a copy of the database cannot be used to read anyone's status.
//
// Thread safety: all methods may be called concurrently.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::admin {

class StatusTokens {
public:
    // Tokens are 256 random bits from libcrypto, as 64 lower-case hex digits.
    static constexpr std::size_t kTokenBytes = 32;

    // `index` must outlive this.
    explicit StatusTokens(storage::RevocationIndex& index) : index_(index) {}

    // A fresh token for `request_id`, stored (its hash) durably before it is returned. Every
    // call gives another token and earlier ones stay valid: a client that lost an answer and
    // replays the request gets a usable token too.
    [[nodiscard]] Result<std::string> issue(std::string_view request_id);
    // The request id `token` was issued for; nullopt for anything else, malformed included.
    [[nodiscard]] Result<std::optional<std::string>> find(std::string_view token) const;

private:
    storage::RevocationIndex& index_;
};

}  // namespace tanda::admin
