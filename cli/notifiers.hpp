// The webhook notifiers of `tanda serve`: one admin::Notifier per `notify:` target, sending
// through http::TlsClient with the target's CA bundle, woken by every storage commit.
#pragma once

#include <memory>
#include <vector>

#include "admin/crl_publication.hpp"
#include "admin/notifier.hpp"
#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/logger.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::cli {

// Reads each target's secret (its bytes, one trailing newline dropped; an empty or unreadable
// file is ErrorCode::config at the config line naming the target) and CA bundle, loads its
// cursors and registers its waker with `index`. Threads are not started: start() each once the
// server runs. Everything passed must outlive the notifiers.
[[nodiscard]] Result<std::vector<std::unique_ptr<admin::Notifier>>> make_notifiers(
    const config::Config& cfg, storage::RevocationIndex& index,
    const admin::CrlPublicationSource* crl, admin::CaNamer ca_name, const Clock& clock,
    Logger& logger);

}  // namespace tanda::cli
