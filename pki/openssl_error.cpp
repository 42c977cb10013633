// Translates the OpenSSL per-thread error queue into Tanda's Error, drained whole so no stale
// entry leaks into a later, unrelated failure on the same thread.
#include "pki/openssl_error.hpp"

#include <openssl/err.h>

#include <string>

namespace tanda::pki {

Error openssl_error(std::string_view context) {
    std::string message(context);
    bool first = true;
    const char* data = nullptr;
    int flags = 0;
    while (unsigned long code = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        message += first ? ": " : "; ";
        message += buf;
        if (data != nullptr && (flags & ERR_TXT_STRING) != 0 && *data != '\0') {
            message += " (";
            message += data;
            message += ")";
        }
        first = false;
    }
    if (first) {
        message += ": no OpenSSL error reported";
    }
    return Error{ErrorCode::crypto, std::move(message)};
}

void discard_openssl_errors() noexcept { ERR_clear_error(); }

}  // namespace tanda::pki
