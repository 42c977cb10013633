// `tanda crl import --ca NAME --file X.crl`: an offline CA's CRL checked, its revocations
// journaled and the CRL installed for serving (crl/crl_import.hpp). Wired by crl_command.
#pragma once

#include <string>

#include "ca/ca_registry.hpp"
#include "config/config.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::cli {

// Imports the CRL at `path` (PEM or DER) for CA `name`; prints what it did. Returns an exit code.
int import_crl_file(const ca::CaRegistry& cas, storage::RevocationIndex& index,
                    const config::Config& cfg, const std::string& name, const std::string& path);

}  // namespace tanda::cli
