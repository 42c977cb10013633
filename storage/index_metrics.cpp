#include "storage/index_metrics.hpp"

#include <utility>

#include "core/revocation_reason.hpp"

namespace tanda::storage {

void add_index_metrics(metrics::Registry& registry, const RevocationIndex& index) {
    registry.add([&index](metrics::Exposition& out) {
        auto stats = index.stats();
        out.gauge("tanda_storage_up", "1 when the revocation index could be read at this scrape.",
                  stats ? 1 : 0);
        if (!stats) return;
        out.gauge("tanda_journal_sequence", "Sequence number of the newest journal entry.",
                  static_cast<double>(stats->journal_entries));
        out.gauge("tanda_storage_records", "Certificate records in the revocation index.",
                  static_cast<double>(stats->records));
        out.gauge("tanda_storage_used_bytes", "Bytes of the LMDB map in use.",
                  static_cast<double>(stats->used_bytes));
        out.gauge("tanda_storage_map_size_bytes",
                  "Size of the LMDB map (storage.map_size): writes fail beyond it.",
                  static_cast<double>(stats->map_size));
    });
}

void count_applied_changes(metrics::Registry& registry, RevocationIndex& index,
                           IssuerName issuer_name) {
    auto& revocations = registry.counters(
        "tanda_revocations_applied_total",
        "Revocations (holds included) this process applied, by CA and reason.", {"ca", "reason"});
    auto& releases = registry.counters("tanda_releases_applied_total",
                                       "Holds this process lifted, by CA.", {"ca"});
    index.add_commit_observer([&revocations, &releases, name = std::move(issuer_name)](
                                  std::span<const CommittedChange> changes) {
        for (const auto& c : changes) {
            if (c.kind == ChangeKind::release) {
                releases.with({name(c.issuer)}).inc();
            } else if (c.state == CertState::revoked) {
                revocations.with({name(c.issuer), reason_name(c.reason)}).inc();
            }
        }
    });
}

}  // namespace tanda::storage
