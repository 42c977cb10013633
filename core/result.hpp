// The one result type of Tanda: a value or an Error (a code plus human context).
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace tanda {

enum class ErrorCode {
    invalid_argument,  // caller passed something malformed
    not_found,         // a file or named thing does not exist
    io,                // filesystem or socket failure (errno)
    storage,           // LMDB reported an error
    storage_full,      // the LMDB map is full: raise storage.map_size
    incompatible,      // on-disk format from another schema version, or corrupt
    crypto,            // OpenSSL reported an error
    config,            // configuration rejected
    conflict,          // the request contradicts recorded state
    unavailable,       // a service Tanda depends on (the cluster's stream) cannot be reached now
    internal,          // a bug: should not happen
};

std::string_view to_string(ErrorCode code) noexcept;

struct Error {
    ErrorCode code = ErrorCode::internal;
    std::string message;

    // Prefixes context, e.g. err.with_context("import index.txt").
    Error with_context(std::string_view context) const {
        return Error{code, std::string(context) + ": " + message};
    }
};

template <typename T>
using Result = tl::expected<T, Error>;

// Shorthand for `return fail(ErrorCode::io, "...")` inside functions returning Result<T>.
inline tl::unexpected<Error> fail(ErrorCode code, std::string message) {
    return tl::unexpected<Error>(Error{code, std::move(message)});
}

}  // namespace tanda
