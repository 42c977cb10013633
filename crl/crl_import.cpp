#include "crl/crl_import.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include "core/mapped_file.hpp"
#include "core/sha256.hpp"
#include "core/time_format.hpp"
#include "crl/crl_continuity.hpp"
#include "pki/atomic_file.hpp"
#include "pki/crl_entries.hpp"
#include "pki/crl_reader.hpp"
#include "storage/import_merge.hpp"

namespace tanda::crl {
namespace {

// Changes per commit: one journal write each, as the index.txt import (admin/importer.hpp).
constexpr std::size_t kChunk = 10000;

// The CRL of `ca` at `path` when it is there and verifies; a file that does not is ignored, as
// the publisher ignores it.
Result<std::optional<pki::CrlInfo>> on_disk(const ca::ServedCa& ca, const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::nullopt;
    auto der = load_file(path, 0);
    if (!der) return tl::unexpected(der.error());
    auto info = pki::read_crl(der->view(), ca.issuer);
    if (!info) return std::nullopt;
    return *info;
}

// Serialises imports of one CA across processes (`tanda crl import` beside the admin API):
// from the number check to the install, no other import of it runs.
class ImportLock {
public:
    static Result<ImportLock> take(const std::string& directory, const std::string& ca) {
        const std::string path = directory + "/." + ca + ".import.lock";
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) return fail(ErrorCode::io, "open " + path + ": " + std::strerror(errno));
        if (::flock(fd, LOCK_EX) != 0) {
            const int err = errno;
            ::close(fd);
            return fail(ErrorCode::io, "lock " + path + ": " + std::strerror(err));
        }
        return ImportLock(fd);
    }
    ImportLock(ImportLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    ImportLock(const ImportLock&) = delete;
    ImportLock& operator=(const ImportLock&) = delete;
    ImportLock& operator=(ImportLock&&) = delete;
    ~ImportLock() {
        if (fd_ >= 0) ::close(fd_);  // releases the lock
    }

private:
    explicit ImportLock(int fd) : fd_(fd) {}
    int fd_;
};

// RFC 5280 5.2.3: numbers only increase, across complete and delta CRLs, except that a complete
// CRL and a delta issued together share one: the second of such a pair may repeat the first's.
Result<void> number_above_known(const pki::CrlInfo& info, std::uint64_t counter,
                                const std::optional<pki::CrlInfo>& full,
                                const std::optional<pki::CrlInfo>& delta, const std::string& name) {
    const bool is_delta = info.delta_base.has_value();
    const std::uint64_t same_kind =
        is_delta ? (delta ? delta->number : 0) : (full ? full->number : 0);
    const std::optional<pki::CrlInfo>& other = is_delta ? full : delta;
    const std::uint64_t known =
        std::max({counter, full ? full->number : 0, delta ? delta->number : 0});
    const bool pair =
        other && other->number == info.number && info.number == known && same_kind < info.number;
    if (info.number > known || pair) return {};
    return fail(ErrorCode::conflict, "its CRL number " + std::to_string(info.number) +
                                         " is not above " + std::to_string(known) +
                                         ", the highest number of CA " + name + " known");
}

// The CRL's fields, once it passed; `installed_delta` is set to the delta on disk, if any.
Result<pki::CrlInfo> check(const ca::ServedCa& ca, storage::RevocationIndex& index,
                           const std::string& directory, ByteView der, UnixSeconds now,
                           std::optional<pki::CrlInfo>& installed_delta) {
    const std::string& name = ca.options.name;
    if (ca.options.crl.source != ca::CrlSource::imported) {
        return fail(ErrorCode::conflict, "CA " + name +
                                             " signs its own CRLs here: only a CA "
                                             "with crl.source: import takes imported CRLs");
    }
    auto info = pki::read_crl(der, ca.issuer);
    if (!info) {
        return fail(ErrorCode::invalid_argument,
                    "not a CRL of CA " + name + ": " + info.error().message);
    }
    if (info->this_update > now + kImportClockSkew) {
        return fail(ErrorCode::invalid_argument,
                    "its thisUpdate " + format_rfc3339(info->this_update) + " is in the future");
    }
    if (info->next_update <= info->this_update) {
        return fail(
            ErrorCode::invalid_argument,
            "its nextUpdate " + format_rfc3339(info->next_update) + " is not after its thisUpdate");
    }
    if (info->next_update <= now) {
        return fail(ErrorCode::invalid_argument,
                    "it is past its nextUpdate " + format_rfc3339(info->next_update));
    }
    auto counter = index.meta_counter(crl_number_key(ca.issuer_id));
    if (!counter) return tl::unexpected(counter.error());
    auto full = on_disk(ca, crl_file_path(directory, name, false));
    if (!full) return tl::unexpected(full.error());
    auto delta = on_disk(ca, crl_file_path(directory, name, true));
    if (!delta) return tl::unexpected(delta.error());
    if (auto r = number_above_known(*info, *counter, *full, *delta, name); !r) {
        return tl::unexpected(r.error());
    }
    installed_delta = *delta;
    if (info->delta_base) {
        if (!*full) {
            return fail(ErrorCode::conflict, "a delta CRL needs its complete CRL: import CRL " +
                                                 std::to_string(*info->delta_base) + " first");
        }
        if (*info->delta_base > (*full)->number) {
            return fail(ErrorCode::conflict, "its base CRL " + std::to_string(*info->delta_base) +
                                                 " is newer than the complete CRL " +
                                                 std::to_string((*full)->number) +
                                                 " served: import that first");
        }
    }
    return *info;
}

CertRecord revoked_record(const pki::ReadCrlEntry& e) {
    CertRecord r;
    r.state = CertState::revoked;
    r.revoked_at = e.revoked_at;
    r.reason = e.reason.value_or(Reason::unspecified);
    r.invalidity_date = e.invalidity_date;
    return r;
}

storage::Change released(storage::IssuerId issuer, const Serial& serial, CertRecord record) {
    record.state = CertState::issued;
    record.revoked_at = 0;
    record.reason = Reason::unspecified;
    record.invalidity_date.reset();
    return {storage::ChangeKind::release, issuer, serial, std::move(record)};
}

// The changes that make the index agree with the CRL's entries.
Result<std::vector<storage::Change>> entry_changes(const ca::ServedCa& ca,
                                                   const storage::RevocationIndex& index,
                                                   const pki::CrlInfo& info,
                                                   const std::vector<pki::ReadCrlEntry>& entries,
                                                   CrlImport& out) {
    std::vector<storage::Change> changes;
    for (const auto& e : entries) {
        auto stored = index.find(ca.issuer_id, e.serial);
        if (!stored) return tl::unexpected(stored.error());
        if (e.reason == Reason::remove_from_crl) {
            if (!info.delta_base) {
                return fail(ErrorCode::invalid_argument,
                            "CRL entry " + e.serial.to_hex() +
                                " is removeFromCRL, which only a delta CRL may carry");
            }
            // Off the base CRL: a hold lifted, or a certificate that expired (never undone).
            if (*stored && (*stored)->on_hold()) {
                changes.push_back(released(ca.issuer_id, e.serial, **stored));
                ++out.released;
            } else {
                ++out.unchanged;
            }
            continue;
        }
        auto merged = storage::merge_import(*stored, revoked_record(e));
        if (!merged) {
            ++out.unchanged;
            continue;
        }
        changes.push_back({storage::ChangeKind::revoke, ca.issuer_id, e.serial, *merged});
        ++out.revoked;
    }
    return changes;
}

// A complete CRL lists every hold in force: a held certificate it leaves out was released,
// unless it had expired by then (RFC 5280 5.3: expired entries may be dropped).
Result<void> lifted_holds(const ca::ServedCa& ca, const storage::RevocationIndex& index,
                          const pki::CrlInfo& info, const std::vector<pki::ReadCrlEntry>& entries,
                          std::vector<storage::Change>& changes, CrlImport& out) {
    std::vector<Serial> listed;
    listed.reserve(entries.size());
    for (const auto& e : entries) listed.push_back(e.serial);
    std::sort(listed.begin(), listed.end());
    auto walked = index.for_each_record(ca.issuer_id, [&](const Serial& s, const CertRecord& r) {
        if (!r.on_hold() || std::binary_search(listed.begin(), listed.end(), s)) return true;
        if (r.not_after != 0 && r.not_after < info.this_update) {
            ++out.kept_expired;
        } else {
            changes.push_back(released(ca.issuer_id, s, r));
            ++out.released;
        }
        return true;
    });
    if (!walked) return tl::unexpected(walked.error());
    return {};
}

Result<void> commit_in_chunks(storage::RevocationIndex& index,
                              const std::vector<storage::Change>& changes,
                              const storage::Provenance& why, UnixSeconds now) {
    for (std::size_t at = 0; at < changes.size(); at += kChunk) {
        const std::size_t n = std::min(kChunk, changes.size() - at);
        auto done = index.commit({changes.data() + at, n}, why, now);
        if (!done) return tl::unexpected(done.error());
    }
    return {};
}

}  // namespace

std::string crl_file_path(const std::string& directory, const std::string& ca, bool delta) {
    return directory + "/" + ca + (delta ? "-delta.crl" : ".crl");
}

Result<CrlImport> import_crl(const ca::ServedCa& ca, storage::RevocationIndex& index,
                             const std::string& directory, ByteView der, storage::Provenance why,
                             UnixSeconds now) {
    std::error_code ec;
    std::filesystem::create_directories(directory, ec);
    if (ec) return fail(ErrorCode::io, "create CRL directory " + directory + ": " + ec.message());
    auto lock = ImportLock::take(directory, ca.options.name);
    if (!lock) return tl::unexpected(lock.error());
    std::optional<pki::CrlInfo> installed_delta;
    auto info = check(ca, index, directory, der, now, installed_delta);
    if (!info) return tl::unexpected(info.error());
    auto entries = pki::read_crl_entries(der);
    if (!entries) {
        return fail(ErrorCode::invalid_argument,
                    "CRL of CA " + ca.options.name + ": " + entries.error().message);
    }
    CrlImport out;
    out.number = info->number;
    out.delta_base = info->delta_base;
    out.this_update = info->this_update;
    out.next_update = info->next_update;
    out.entries = entries->size();
    auto changes = entry_changes(ca, index, *info, *entries, out);
    if (!changes) return tl::unexpected(changes.error());
    if (!info->delta_base) {
        if (auto r = lifted_holds(ca, index, *info, *entries, *changes, out); !r) {
            return tl::unexpected(r.error());
        }
    }
    why.evidence_sha256 = to_hex(Sha256::digest(der));
    why.note = std::string(info->delta_base ? "delta " : "") + "CRL number " +
               std::to_string(info->number) + " imported";
    if (auto r = commit_in_chunks(index, *changes, why, now); !r) return tl::unexpected(r.error());
    // Installed after the entries: a failure here leaves the number unused, so the same CRL
    // may be imported again (its entries are then unchanged).
    out.path = crl_file_path(directory, ca.options.name, info->delta_base.has_value());
    if (auto r = pki::write_file_atomic(out.path, as_chars(der), 0644); !r) {
        return tl::unexpected(r.error());
    }
    if (!info->delta_base) {
        // A delta older than this complete CRL would be combined with it by relying parties.
        const std::string delta_path = crl_file_path(directory, ca.options.name, true);
        if (installed_delta && installed_delta->number < info->number) {
            std::filesystem::remove(delta_path, ec);
        }
    }
    if (auto r = index.raise_meta_counter(crl_number_key(ca.issuer_id), info->number); !r) {
        return tl::unexpected(r.error());
    }
    return out;
}

}  // namespace tanda::crl
