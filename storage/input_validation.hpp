// Checks of caller input against the limits in revocation_index.hpp, done before any
// transaction starts; each failure is ErrorCode::invalid_argument naming the field.
#pragma once

#include <string_view>

#include "storage/revocation_index.hpp"

namespace tanda::storage {

Result<void> validate_options(const Options& options);
Result<void> validate_issuer(ByteView identity, std::string_view name);
Result<void> validate_change(const Change& change);
Result<void> validate_provenance(const Provenance& provenance);
Result<void> validate_meta_key(std::string_view key);
Result<void> validate_meta_value(std::string_view value);

}  // namespace tanda::storage
