#include "storage/import_merge.hpp"

namespace tanda::storage {

std::optional<CertRecord> merge_import(const std::optional<CertRecord>& stored,
                                       const CertRecord& incoming) {
    if (!stored) return incoming;
    CertRecord result = *stored;
    if (stored->state == CertState::issued ||
        (stored->on_hold() && incoming.state == CertState::revoked)) {
        result.state = incoming.state;
        result.revoked_at = incoming.revoked_at;
        result.reason = incoming.reason;
        result.invalidity_date = incoming.invalidity_date;
    }
    if (result.not_after == 0) result.not_after = incoming.not_after;
    if (result.subject.empty()) result.subject = incoming.subject;
    if (result.same_content(*stored)) return std::nullopt;
    return result;
}

}  // namespace tanda::storage
