// What an import records over a stored record: shared by the index.txt and certificate imports
// (admin/importer) and the import of an offline CA's CRLs (crl/crl_import).
#pragma once

#include <optional>

#include "core/cert_record.hpp"

namespace tanda::storage {

// What to record when `incoming` is imported over `stored`; nullopt keeps the stored record.
// A revocation is never undone by an import (only an admin release lifts a hold); a hold may
// become a final revocation; missing notAfter/subject are filled in.
std::optional<CertRecord> merge_import(const std::optional<CertRecord>& stored,
                                       const CertRecord& incoming);

}  // namespace tanda::storage
