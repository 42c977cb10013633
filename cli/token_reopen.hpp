// How `tanda serve` brings back CAs whose signing keys are on a PKCS#11 token that stopped
// signing (an HSM out of reach, a dropped connection), without a restart.
#pragma once

#include "ca/ca_registry_holder.hpp"
#include "ca/registry_reloader.hpp"
#include "core/clock.hpp"

namespace tanda::cli {

// The loader of RegistryReloader::reopen: every token key of the CAs served now that fails a
// throwaway signature has its module reopened (pki::PrivateKey::reopen_token); then the same
// CAs, from the same options (the config file is not read again), are loaded and kept only
// when each of their token keys signs. Both references must outlive the loader.
ca::ReloadLoader token_reopen_loader(const ca::CaRegistryHolder& holder, const Clock& clock);

}  // namespace tanda::cli
