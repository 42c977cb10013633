// The names a revocation request carries for people (requested_by: the holder; approved_by: the
// superior who signed the letter), normalised so that "Operator A", "operator  a " and
// "OPERATOR A" are one person and a blank name is no name (issue 17).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tanda::admin {

// `text` with leading and trailing whitespace removed and every inner run of whitespace
// (space, tab, CR, LF, VT, FF) made one space; nullopt when nothing is left. Case is kept:
// the journal records the name as written.
std::optional<std::string> normalise_name(std::string_view text);

// Whether two names are the same person's: equal after normalise_name and ASCII case folding.
// Non-ASCII letters compare byte for byte (no Unicode folding library is in the build).
bool same_name(std::string_view a, std::string_view b);

}  // namespace tanda::admin
