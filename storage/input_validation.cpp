// Input validation for RevocationIndex: limits keep records small and keys within LMDB's 511
// bytes; kind/state consistency keeps the journal meaningful to replicas.
#include "storage/input_validation.hpp"

#include <string>

namespace tanda::storage {
namespace {

Result<void> check_length(std::string_view field, std::size_t size, std::size_t max) {
    if (size > max) {
        return fail(ErrorCode::invalid_argument, std::string(field) + " is " +
                                                     std::to_string(size) + " bytes, limit " +
                                                     std::to_string(max));
    }
    return {};
}

bool is_hex(std::string_view s) {
    for (char c : s) {
        bool digit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!digit) return false;
    }
    return true;
}

}  // namespace

Result<void> validate_options(const Options& options) {
    if (options.path.empty()) return fail(ErrorCode::invalid_argument, "storage path is empty");
    if (options.map_size == 0) return fail(ErrorCode::invalid_argument, "storage map_size is 0");
    if (options.max_readers == 0) {
        return fail(ErrorCode::invalid_argument, "storage max_readers is 0");
    }
    return {};
}

Result<void> validate_issuer(ByteView identity, std::string_view name) {
    if (identity.empty()) return fail(ErrorCode::invalid_argument, "issuer identity is empty");
    if (auto r = check_length("issuer identity", identity.size(), kMaxIdentityBytes); !r) return r;
    return check_length("issuer name", name.size(), kMaxIssuerNameBytes);
}

Result<void> validate_change(const Change& change) {
    const auto kind = static_cast<unsigned>(change.kind);
    if (kind < 1 || kind > static_cast<unsigned>(kLastChangeKind)) {
        return fail(ErrorCode::invalid_argument, "unknown change kind " + std::to_string(kind));
    }
    if (change.serial.bytes().empty()) return fail(ErrorCode::invalid_argument, "serial is empty");
    if (auto r = check_length("serial", change.serial.bytes().size(), Serial::kMaxBytes); !r) {
        return r;
    }
    const CertRecord& rec = change.record;
    if (rec.state != CertState::issued && rec.state != CertState::revoked) {
        return fail(ErrorCode::invalid_argument, "unknown certificate state");
    }
    if (!reason_from_code(static_cast<unsigned>(rec.reason))) {
        return fail(ErrorCode::invalid_argument, "unknown revocation reason");
    }
    if (change.kind == ChangeKind::revoke && rec.state != CertState::revoked) {
        return fail(ErrorCode::invalid_argument, "a revoke change must carry a revoked record");
    }
    if (change.kind == ChangeKind::release && rec.state != CertState::issued) {
        return fail(ErrorCode::invalid_argument, "a release change must carry an issued record");
    }
    return check_length("subject", rec.subject.size(), kMaxSubjectBytes);
}

Result<void> validate_provenance(const Provenance& p) {
    if (auto r = check_length("request id", p.request_id.size(), kMaxRequestIdBytes); !r) return r;
    if (auto r = check_length("requested_by", p.requested_by.size(), kMaxProvenanceFieldBytes);
        !r) {
        return r;
    }
    if (auto r = check_length("approved_by", p.approved_by.size(), kMaxProvenanceFieldBytes); !r) {
        return r;
    }
    if (auto r = check_length("source", p.source.size(), kMaxProvenanceFieldBytes); !r) return r;
    for (auto [field, text] :
         {std::pair{"submitted_by_identity", &p.submitted_by_identity},
          std::pair{"approved_by_identity", &p.approved_by_identity}, std::pair{"note", &p.note}}) {
        if (auto r = check_length(field, text->size(), kMaxProvenanceFieldBytes); !r) return r;
    }
    if (static_cast<unsigned>(p.mode) > 2) {
        return fail(ErrorCode::invalid_argument, "unknown approval mode");
    }
    if (!p.evidence_sha256.empty() &&
        (p.evidence_sha256.size() != 64 || !is_hex(p.evidence_sha256))) {
        return fail(ErrorCode::invalid_argument, "evidence_sha256 must be 64 hex digits or empty");
    }
    return {};
}

Result<void> validate_meta_key(std::string_view key) {
    if (key.empty()) return fail(ErrorCode::invalid_argument, "meta key is empty");
    if (key.starts_with("tanda.")) {
        return fail(ErrorCode::invalid_argument, "meta keys starting with \"tanda.\" are reserved");
    }
    return check_length("meta key", key.size(), kMaxMetaKeyBytes);
}

Result<void> validate_meta_value(std::string_view value) {
    return check_length("meta value", value.size(), kMaxMetaValueBytes);
}

}  // namespace tanda::storage
