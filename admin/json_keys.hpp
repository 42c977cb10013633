// Finds a key repeated within one JSON object. Boost.JSON 1.81 keeps the last of such keys
// silently, so {"key": "a", "key": "b"} would mean whichever one a reader took; the admin API
// refuses such bodies instead (400), like unknown keys.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tanda::admin {

// The first key that appears twice in the same object, at any depth; nullopt when there is
// none or when `json` does not parse (the caller's parser reports that).
std::optional<std::string> duplicate_key(std::string_view json);

}  // namespace tanda::admin
