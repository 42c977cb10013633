// The LMDB revocation index: issuers, certificate records keyed by (issuer, serial), the
// hash-chained journal, request ids and metadata, in one environment (layout: storage/FORMAT.md).
//
// Every state change is a journal entry appended and applied in the same durable write
// transaction; the records are the fold of the journal (DESIGN.md, "Growing past one machine").
//
// Thread safety: all const methods may run concurrently from any thread and never block the
// writer (LMDB read transactions, MDB_NOTLS). commit() calls are serialised by LMDB.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bytes.hpp"
#include "core/cert_record.hpp"
#include "core/result.hpp"
#include "core/serial.hpp"
#include "core/sha256.hpp"
#include "storage/replicator.hpp"
#include "storage/storage_options.hpp"

namespace tanda::storage {

// Input limits (FORMAT.md, "Limits"); anything larger, and an empty identity or serial, is
// ErrorCode::invalid_argument. Serials are limited by Serial::kMaxBytes.
inline constexpr std::size_t kMaxIdentityBytes = 256;  // LMDB keys are at most 511 bytes
inline constexpr std::size_t kMaxIssuerNameBytes = 1024;
inline constexpr std::size_t kMaxSubjectBytes = 8 * 1024;  // real DNs stay well under 1 KiB
inline constexpr std::size_t kMaxRequestIdBytes = 256;
inline constexpr std::size_t kMaxProvenanceFieldBytes = 1024;  // requested_by, approved_by, source
inline constexpr std::size_t kMaxMetaKeyBytes = 256;
inline constexpr std::size_t kMaxMetaValueBytes = 64 * 1024;

// Small stable number per issuer, assigned on first sight; the record key prefix.
using IssuerId = std::uint32_t;

enum class ChangeKind : std::uint8_t {
    register_certificate = 1,  // a certificate known to be issued (import, admin register)
    revoke = 2,                // revoked or put on hold
    release = 3,               // hold lifted: back to issued (removeFromCRL in delta CRLs)
    update = 4,                // any other change of a record's content (import of a new state)
    // Audit entries of dual control (FORMAT.md, "Audit entries"): chained like every entry,
    // they change no record. `record` carries the content the request asked for.
    submitted = 5,  // a request waits for a second operator (pending)
    rejected = 6,   // a pending request was rejected
    expired = 7,    // a pending request outlived its pending_ttl
    refused = 8,    // a request or an approval was refused (provenance.note says why)
    // A revocation scheduled for a future time (record.revoked_at) was approved and waits in
    // `pending` until then; and an operator asked to cancel one (admin/scheduled_revocations).
    scheduled = 9,
    cancel_requested = 10,
    // The CA's CRL publisher served a CRL that is the first to cover journal entries with
    // admin requests (the request stage "published in the CRL"): `serial` is the CRL number,
    // provenance.source says what it covers (admin/crl_stages.hpp). One entry per such CRL.
    crl_published = 11,
    // A webhook target acknowledged a request's `applied` event, the first to (the request
    // stage "holder notified"): the request's CA, serial and record, provenance.source
    // "notify;target=NAME;event=ID" (admin/notifier.hpp). One entry per request: written with
    // its meta key, and refused (ErrorCode::conflict) once that key exists.
    notified = 12,
};
// The highest kind a decoder accepts (codecs and input validation).
inline constexpr ChangeKind kLastChangeKind = ChangeKind::notified;

// The one predicate of "this entry writes a record": the apply path and any refold of the
// journal must use it, so an audit entry can never change a record.
constexpr bool changes_record(ChangeKind kind) {
    return kind >= ChangeKind::register_certificate && kind <= ChangeKind::update;
}

// How an applied change was approved: by the caller alone (an RA that approved upstream), or
// by a second authenticated operator. `none` for imports and registrations.
enum class ApprovalMode : std::uint8_t { none = 0, single = 1, dual = 2 };

// Who asked for a change and on what grounds; stored in the journal entry as given.
struct Provenance {
    std::string request_id;  // empty for imports; unique per admin request
    std::string requested_by;
    std::string approved_by;
    std::string evidence_sha256;  // 64 hex digits (any case), or empty
    std::string source;           // e.g. "import:index.txt", "admin"
    // Entry format 2 (empty/none in format 1 entries): the client certificate identities
    // ("<subject DN>;spki=<hex>") of the submitting and the approving operator, and why an
    // audit entry was written (a refusal's or a rejection's reason).
    ApprovalMode mode = ApprovalMode::none;
    std::string submitted_by_identity{};  // {}: format 1 callers leave these three out
    std::string approved_by_identity{};
    std::string note{};
};

struct Change {
    ChangeKind kind = ChangeKind::register_certificate;
    IssuerId issuer = 0;
    Serial serial;
    CertRecord record;  // the complete new record; last_seq is set by commit()
};

struct JournalEntry {
    std::uint64_t seq = 0;
    UnixSeconds time = 0;
    Change change;
    Provenance provenance;
    Sha256Digest prev_hash{};  // hash of entry seq-1; zeros for seq 1
    Sha256Digest hash{};       // SHA-256(prev_hash || encoded entry), see FORMAT.md
};

// The journal head: seq and hash of the last entry (0 and zeros for an empty journal).
struct JournalHead {
    std::uint64_t seq = 0;
    Sha256Digest hash{};
};

inline bool changes_record(const Change& change) { return changes_record(change.kind); }
inline bool changes_record(const JournalEntry& entry) { return changes_record(entry.change); }

// A request that waits for a second operator, or one closed without being applied.
enum class PendingState : std::uint8_t { pending = 1, rejected = 2, expired = 3 };

struct PendingRequest {
    std::string request_id;
    Change change;          // what an approval applies (revoke or release, the new record)
    Provenance provenance;  // as submitted; submitted_by_identity is the submitter
    UnixSeconds submitted_at = 0;
    UnixSeconds expires_at = 0;
    PendingState state = PendingState::pending;
    std::uint64_t seq = 0;         // the `submitted` entry
    std::uint64_t closed_seq = 0;  // the `rejected`/`expired` entry; 0 while pending
    UnixSeconds closed_at = 0;
};

struct IssuerInfo {
    IssuerId id = 0;
    Bytes identity;
    std::string name;
};

struct CommitResult {
    std::size_t applied = 0;     // changes that differed from the stored record
    std::size_t unchanged = 0;   // changes identical to the stored record: no journal entry
    std::uint64_t last_seq = 0;  // journal head after the commit
};

// One record a commit changed, for observers (caches, CRL publishers).
struct CommittedChange {
    IssuerId issuer = 0;
    Serial serial;
    std::uint64_t seq = 0;  // the journal entry that changed it
    ChangeKind kind = ChangeKind::register_certificate;
    CertState state = CertState::issued;  // of the new record
    Reason reason = Reason::unspecified;  // of the new record, when revoked
};
using CommitObserver = std::function<void(std::span<const CommittedChange>)>;

// The first record that differs from the refold of the journal (RevocationIndex::verify_records).
struct RecordDifference {
    IssuerId issuer = 0;
    Serial serial;
    // "missing": the journal sets the record and the records table lacks it; "extra": stored
    // but never set by the journal; otherwise the first differing field, in record order:
    // "state", "reason", "invalidity_date", "revoked_at", "not_after", "subject", "last_seq", or
    // "encoding" when the stored bytes do not decode.
    std::string field;
    std::uint64_t journal_seq = 0;  // the entry that last set the record; 0 for "extra"
};

struct Stats {
    std::uint64_t records = 0;
    std::uint64_t journal_entries = 0;
    std::size_t map_size = 0;
    std::size_t used_bytes = 0;  // pages in use * page size
};

class RevocationIndex {
public:
    static constexpr std::uint32_t kSchemaVersion = 2;

    // Opens or creates the environment. A newer/older schema or a file that is not an LMDB
    // environment of ours is ErrorCode::incompatible; nothing is modified in that case. LMDB
    // allows one open per process: a second open of the same path is ErrorCode::conflict.
    [[nodiscard]] static Result<std::unique_ptr<RevocationIndex>> open(const Options& options);
    // Opens an existing index for reading only (MDB_RDONLY), for offline verification next to
    // a running server: no write transaction, so no writer lock, and nothing is created or
    // modified. A missing directory or data.mdb is ErrorCode::io, a foreign one incompatible.
    // Every write method then fails (LMDB refuses a write transaction with EACCES).
    [[nodiscard]] static Result<std::unique_ptr<RevocationIndex>> open_read_only(
        const Options& options);
    ~RevocationIndex();
    RevocationIndex(const RevocationIndex&) = delete;
    RevocationIndex& operator=(const RevocationIndex&) = delete;

    // `identity` is opaque to storage (the responder uses SHA-256 of the issuer's SPKI).
    // Returns the existing id or assigns the next one durably. `name` is informational.
    [[nodiscard]] Result<IssuerId> ensure_issuer(ByteView identity, std::string_view name);
    [[nodiscard]] Result<std::optional<IssuerId>> find_issuer(ByteView identity) const;
    [[nodiscard]] Result<std::vector<IssuerInfo>> issuers() const;

    // The record for (issuer, serial), copied out of the read transaction; nullopt if none.
    [[nodiscard]] Result<std::optional<CertRecord>> find(IssuerId issuer,
                                                         const Serial& serial) const;

    // Applies `changes` in order in ONE write transaction that returns only after a durable
    // commit: for each change whose record differs from the stored one (CertRecord::same_content)
    // a journal entry is appended and the record written with last_seq = its seq; identical
    // ones are skipped. A non-empty provenance.request_id is mapped to the last applied seq and
    // must not exist yet (ErrorCode::conflict); when no change applies it maps to the current
    // head. A change naming an unknown issuer, a revoke without a revoked record, a release
    // without an issued record, or input over the limits above is ErrorCode::invalid_argument.
    // On any error nothing is written. Bulk imports: up to ~100k changes per call.
    [[nodiscard]] Result<CommitResult> commit(std::span<const Change> changes,
                                              const Provenance& provenance, UnixSeconds now);

    // Dual control (FORMAT.md, "pending"). submit() appends a `submitted` audit entry and stores
    // `request` as pending in one durable write transaction; an id already applied or already
    // in `pending` (in any state) is ErrorCode::conflict. Returns the entry's seq.
    [[nodiscard]] Result<std::uint64_t> submit(const PendingRequest& request, UnixSeconds now);
    // Applies the pending request `id`'s change with `provenance` (whose request_id must be
    // `id`), maps the id like commit() and removes it from `pending`, in one transaction.
    // ErrorCode::not_found when `id` is not pending. A change identical to the stored record
    // is ErrorCode::conflict (nothing to apply) and nothing is written.
    [[nodiscard]] Result<CommitResult> approve(std::string_view id, const Change& change,
                                               const Provenance& provenance, UnixSeconds now);
    // Closes the pending request `id` as rejected or expired: appends that audit entry (with
    // `provenance`, whose note says why) and keeps the request with its new state and that
    // note, so its id stays used. ErrorCode::not_found when `id` is not pending.
    [[nodiscard]] Result<std::uint64_t> close_pending(std::string_view id, PendingState outcome,
                                                      const Provenance& provenance,
                                                      UnixSeconds now);
    // Appends one audit entry (`change.kind` must not change a record) on its own; the
    // request id map is not touched. Returns its seq.
    [[nodiscard]] Result<std::uint64_t> append_audit(const Change& change,
                                                     const Provenance& provenance, UnixSeconds now);
    // append_audit() and put_meta(meta_key, meta_value) in ONE transaction, so an audit entry
    // and the state it records cannot part in a crash (a scheduled revocation's record and its
    // `scheduled` entry). An empty meta_key writes no metadata. A `notified` entry whose
    // meta_key exists already is refused (ErrorCode::conflict), so there is one per request.
    [[nodiscard]] Result<std::uint64_t> append_audit_with_meta(const Change& change,
                                                               const Provenance& provenance,
                                                               UnixSeconds now,
                                                               std::string_view meta_key,
                                                               std::string_view meta_value);
    // The request `id` in `pending` (any state), copied out; nullopt when absent.
    [[nodiscard]] Result<std::optional<PendingRequest>> find_pending(std::string_view id) const;
    // Every request in `pending` (any state), in id order.
    [[nodiscard]] Result<std::vector<PendingRequest>> pending_requests() const;

    // Registers `observer`, called after every commit that changed at least one record: on the
    // committing thread, after the commit is durable and before commit() returns, so whatever
    // the observer invalidates is invalid before the writer acknowledges. Observers must be
    // quick and must not call commit(). Thread-safe.
    void add_commit_observer(CommitObserver observer);

    // Journal entries with seq >= since, at most `limit`, in order.
    [[nodiscard]] Result<std::vector<JournalEntry>> journal(std::uint64_t since,
                                                            std::size_t limit) const;
    // The head as recorded with the last commit (what a checkpoint signs); not re-verified.
    [[nodiscard]] Result<JournalHead> journal_head() const;
    // Recomputes the hash chain; nullopt when intact, else the seq of the first bad entry
    // (altered, missing or out of order).
    [[nodiscard]] Result<std::optional<std::uint64_t>> verify_journal() const;
    // Replays the whole journal from seq 1 into a fresh in-memory table through the same fold
    // commit() applies (record_fold.hpp), then compares it byte for byte with the stored
    // records, both ways, in key order. nullopt when they are identical, else the first
    // difference in key order. Run verify_journal() first: this trusts the entries' content.
    // Reads one snapshot (one read transaction held for the whole run, so LMDB cannot reuse
    // pages freed meanwhile), never writes. Cost: one pass over the journal and one over the
    // records; memory holds every folded record, about its stored size plus ~100 bytes (e.g.
    // ~250 MB for a million records with 100-byte subjects).
    [[nodiscard]] Result<std::optional<RecordDifference>> verify_records() const;
    // The seq applied for a request id, if any.
    [[nodiscard]] Result<std::optional<std::uint64_t>> find_request(std::string_view id) const;

    // Calls `visit` for every record of `issuer` in key order (bytewise on the serial's
    // magnitude), inside one read transaction; `visit` must not call back into the index.
    // Stops early and returns the same value when visit returns false.
    [[nodiscard]] Result<bool> for_each_record(
        IssuerId issuer, const std::function<bool(const Serial&, const CertRecord&)>& visit) const;

    // Small persistent key/value metadata (CRL numbers, times); keys must not start with "tanda.".
    [[nodiscard]] Result<std::optional<std::string>> get_meta(std::string_view key) const;
    [[nodiscard]] Result<void> put_meta(std::string_view key, std::string_view value);
    // The metadata entry with the smallest key >= `from` that starts with `prefix`, as (key,
    // value) copied out; nullopt when there is none. Keys compare as bytes, so keys that hold
    // zero-padded decimals are found in numeric order. Read-only.
    [[nodiscard]] Result<std::optional<std::pair<std::string, std::string>>> first_meta_from(
        std::string_view from, std::string_view prefix) const;
    // Sets the decimal counter at `key` to max(stored + 1, at_least) (absent counts as 0) in one
    // write transaction and returns it, so no two callers, in any process, get the same value
    // (CRL numbers). A stored value that is not a decimal u64 is ErrorCode::incompatible; a
    // counter already at 2^64-1 is ErrorCode::invalid_argument (it would wrap to 0).
    [[nodiscard]] Result<std::uint64_t> next_meta_counter(std::string_view key,
                                                          std::uint64_t at_least = 0);
    // Sets the decimal counter at `key` to max(stored, value) in one write transaction and
    // returns it: a floor the next next_meta_counter() continues above (a migrated CA's last
    // CRL number). Never lowers a counter.
    // The decimal counter at `key` (0 when absent), read without writing.
    [[nodiscard]] Result<std::uint64_t> meta_counter(std::string_view key) const;
    [[nodiscard]] Result<std::uint64_t> raise_meta_counter(std::string_view key,
                                                           std::uint64_t value);

    [[nodiscard]] Result<Stats> stats() const;

    // Cluster mode (storage/replicator.hpp). Attach before any write and keep `replicator`
    // alive as long as the index; from then on every write method goes through it.
    void set_replicator(Replicator* replicator);
    // Runs one write command taken from the shared order at position `at`, which must follow
    // applied_stream_position(): the next command of the same message, or the first of the next
    // message once the last one is complete (else ErrorCode::conflict: already applied, or a
    // gap). The position is recorded in the same transaction as the write. A command the state
    // refuses (a used request id, an unknown issuer: the same refusal on every node) is applied
    // as a no-op and returns success; a malformed command or a storage failure is an error and
    // records nothing.
    [[nodiscard]] Result<void> apply_replicated(ByteView command, StreamPosition at);
    // Records message `seq` (of `count` commands, > 0) as applied without running them: a
    // message the stream stored twice, whose second copy every node skips alike. It must
    // follow the applied position (ErrorCode::conflict otherwise).
    [[nodiscard]] Result<void> skip_replicated(std::uint64_t seq, std::uint32_t count);
    // The last command applied (seq 0: none; meta `tanda.cluster_seq`).
    [[nodiscard]] Result<StreamPosition> applied_stream_position() const;
    // The last stream message applied in full (0: none).
    [[nodiscard]] Result<std::uint64_t> applied_stream_seq() const;
    // A consistent, compacted copy of the environment into the empty directory `dir` (a cluster
    // snapshot: a node started on it continues the stream after its applied_stream_seq()).
    [[nodiscard]] Result<void> copy_to(const std::string& dir) const;

    // Reads every page of the records table once, in key order, so that this process has them
    // mapped: after a restart, each first touch of an LMDB page is a page fault, which at 10M
    // certificates cut the first ten seconds of uncached answers by a fifth. First, where the
    // kernel and file system can, it has the file mapped in 2 MiB pages
    // (storage/huge_page_mapping.hpp). Stops early, with what it walked, once `stop` is
    // requested.
    struct WarmReport {
        std::uint64_t records = 0;        // walked
        std::uint64_t huge_page_kib = 0;  // of the file, mapped in 2 MiB pages
    };
    [[nodiscard]] Result<WarmReport> warm(std::stop_token stop) const;

    // The opposite, for a bulk pass in a short-lived process (`tanda import`): unmaps the pages
    // of the index this process has read. They stay in the page cache and a later read maps
    // them again; without it, a re-import, which reads every record, keeps the whole index in
    // its resident memory. A hint: errors are ignored. Not for the daemon (it undoes warm()).
    void release_mapped_pages() const;

    // Opaque: defined in storage/index_impl.hpp, private to storage/.
    struct Impl;

private:
    static Result<std::unique_ptr<RevocationIndex>> open_with(const Options& options,
                                                              bool read_only);
    explicit RevocationIndex(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace tanda::storage
