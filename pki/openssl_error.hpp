// pki-internal: the one translation of the OpenSSL error queue into a Tanda Error.
#pragma once

#include <string_view>

#include "core/result.hpp"

namespace tanda::pki {

// Drains this thread's OpenSSL error queue into an ErrorCode::crypto Error whose message is
// `context` followed by every queued reason.
Error openssl_error(std::string_view context);

// Shorthand for `return crypto_fail("...")` in functions returning Result<T>.
inline tl::unexpected<Error> crypto_fail(std::string_view context) {
    return tl::unexpected<Error>(openssl_error(context));
}

// Empties the queue where a failure is an expected answer (e.g. a malformed request).
void discard_openssl_errors() noexcept;

}  // namespace tanda::pki
