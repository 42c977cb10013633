#include "core/result.hpp"

namespace tanda {

std::string_view to_string(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::invalid_argument: return "invalid_argument";
        case ErrorCode::not_found: return "not_found";
        case ErrorCode::io: return "io";
        case ErrorCode::storage: return "storage";
        case ErrorCode::storage_full: return "storage_full";
        case ErrorCode::incompatible: return "incompatible";
        case ErrorCode::crypto: return "crypto";
        case ErrorCode::config: return "config";
        case ErrorCode::conflict: return "conflict";
        case ErrorCode::unavailable: return "unavailable";
        case ErrorCode::internal: return "internal";
    }
    return "internal";
}

}  // namespace tanda
