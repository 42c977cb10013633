// When and how one CA's CRLs are (re)issued; see crl_publisher.hpp for the contract.
#include "crl/crl_publisher.hpp"

#include <algorithm>
#include <chrono>

#include "core/mapped_file.hpp"
#include "crl/crl_continuity.hpp"
#include "crl/crl_import.hpp"
#include "pki/crl_reader.hpp"

namespace tanda::crl {
namespace {

constexpr UnixSeconds kRetrySeconds = 30;
// At start, journal entries beyond this since the last CRL are not read: assume a change.
constexpr std::size_t kStartScanLimit = 100000;

tl::unexpected<Error> not_publisher(const ca::ServedCa& ca) {
    if (!ca.crl_signer) {
        return fail(ErrorCode::conflict, "this node has no CRL signing key of CA " +
                                             ca.options.name +
                                             ": a node of the cluster with crl.signing_key "
                                             "publishes its CRLs");
    }
    return fail(ErrorCode::conflict, "this node does not publish the CRLs of CA " +
                                         ca.options.name +
                                         " now: another node of the cluster holds the lease");
}

}  // namespace

CrlPublisher::CrlPublisher(const ca::ServedCa& ca, storage::RevocationIndex& index,
                           std::string directory, const Clock& clock, Logger& logger,
                           CrlSharing* sharing)
    : ca_(ca),
      index_(index),
      directory_(std::move(directory)),
      clock_(clock),
      logger_(logger),
      sharing_(sharing),
      number_key_(crl_number_key(ca.issuer_id)),
      base_key_("crl/" + std::to_string(ca.issuer_id) + "/base") {}

std::string CrlPublisher::full_path() const {
    return crl_file_path(directory_, ca_.options.name, false);
}
std::string CrlPublisher::delta_path() const {
    return crl_file_path(directory_, ca_.options.name, true);
}

std::optional<PublishedCrl> CrlPublisher::load(const std::string& path, bool delta) {
    // A CRL of millions of entries is mapped, not read: it stays in the page cache. Tanda
    // replaces its files only by rename, which leaves a mapping on the old file.
    auto der = load_file(path, kDefaultSpillBytes);
    if (!der) return std::nullopt;
    auto info = read_own(*der);
    if (!info) {
        logger_.warn("ignoring CRL on disk", {{"path", path}, {"error", info.error().message}});
        return std::nullopt;
    }
    min_number_ = std::max(min_number_, info->number + 1);
    if (info->delta_base.has_value() != delta || clock_.now() >= info->next_update) {
        return std::nullopt;
    }
    // The covered seq is not in the file; start() sets it from the stored base.
    auto p = make_published_crl(std::move(*der), info->number, info->delta_base, info->this_update,
                                info->next_update, 0);
    p->entries = info->entries;
    return *p;
}

Result<pki::CrlInfo> CrlPublisher::read_own(ByteView der) const {
    return ca_.crl_signer ? pki::read_crl(der, *ca_.crl_signer) : pki::read_crl(der, ca_.issuer);
}

Result<void> CrlPublisher::start() {
    std::lock_guard lock(generate_mutex_);
    if (!sharing_) {
        {
            std::lock_guard state(state_mutex_);
            publishing_ = true;
        }
        return resume_locked();
    }
    adopt_shared();
    if (lead_locked()) return {};
    // Not the publisher: what is on disk until the publisher's CRLs can be read.
    if (!full()) {
        if (auto full = load(full_path(), false)) {
            std::lock_guard state(state_mutex_);
            full_ = std::make_shared<const PublishedCrl>(std::move(*full));
        }
    }
    if (ca_.options.crl.delta.enabled && !delta()) {
        if (auto delta = load(delta_path(), true)) {
            std::lock_guard state(state_mutex_);
            delta_ = std::make_shared<const PublishedCrl>(std::move(*delta));
        }
    }
    return {};
}

Result<void> CrlPublisher::resume_locked() {
    auto meta = index_.get_meta(base_key_);
    if (!meta) return tl::unexpected(meta.error());
    std::optional<CrlBase> base = *meta ? decode_crl_base(**meta) : std::nullopt;
    auto full = load(full_path(), false);
    std::optional<PublishedCrl> delta;
    if (ca_.options.crl.delta.enabled) delta = load(delta_path(), true);
    recalled_ = true;
    if (!full || !base || base->number != full->number) {
        base_ = base;  // for the expiry cutoff
        // The stored base's entries were reported when it was published (its file is lost).
        if (base) reported_seq_ = std::max(reported_seq_, base->seq);
        return publish_full_locked();
    }

    const auto& o = ca_.options.crl;
    base_ = base;
    full_due_ = full->next_update - o.regenerate_before.count();
    std::uint64_t covered = base->seq;
    reported_seq_ = covered;  // told when that CRL was published, by this or an earlier process
    full->covered_seq = covered;
    if (delta) delta->covered_seq = covered;  // at least the base's; the file does not say more
    {
        std::lock_guard state(state_mutex_);
        full_ = std::make_shared<const PublishedCrl>(std::move(*full));
        covered_seq_ = covered;
    }
    logger_.info("serving CRL from disk",
                 {{"ca", ca_.options.name}, {"number", std::to_string(base->number)}});
    if (o.delta.enabled) {
        if (!delta || delta->delta_base != base->number) {
            if (auto r = publish_delta_locked(); !r) return r;
        } else {
            delta_due_ = delta->next_update - o.delta.regenerate_before.count();
            std::lock_guard state(state_mutex_);
            delta_ = std::make_shared<const PublishedCrl>(std::move(*delta));
        }
    }
    // Changes recorded while no publisher ran (imports, another process): regenerate soon.
    auto head = journal_head(index_);
    if (!head) return tl::unexpected(head.error());
    auto changed = changed_issuers(index_, covered, *head, kStartScanLimit);
    if (!changed) return tl::unexpected(changed.error());
    if (!*changed || (*changed)->count(ca_.issuer_id) > 0) note_change(*head);
    return {};
}

Result<void> CrlPublisher::publish_full() {
    std::lock_guard lock(generate_mutex_);
    if (!lead_locked()) return not_publisher(ca_);
    return publish_full_locked();
}

Result<void> CrlPublisher::publish_delta() {
    std::lock_guard lock(generate_mutex_);
    if (!lead_locked()) return not_publisher(ca_);
    return publish_delta_locked();
}

Result<void> CrlPublisher::recall() {
    if (recalled_) return {};
    // Numbers must exceed those on disk even when storage metadata was lost or reset.
    load(full_path(), false);
    load(delta_path(), true);
    if (!base_) {
        auto meta = index_.get_meta(base_key_);
        if (!meta) return tl::unexpected(meta.error());
        if (*meta) base_ = decode_crl_base(**meta);
    }
    recalled_ = true;
    return {};
}

Result<std::uint64_t> CrlPublisher::next_number() {
    auto number = index_.next_meta_counter(number_key_, min_number_);
    if (!number) return number;
    // RFC 5280 5.2.3: numbers only increase. The counter gives that by construction; this
    // catches the CRLs on disk or in service being ahead of it (storage restored from an old
    // backup while the counter was raised elsewhere) before a CRL with a reused number exists.
    std::uint64_t known = min_number_ - 1;
    {
        std::lock_guard state(state_mutex_);
        if (full_) known = std::max(known, full_->number);
        if (delta_) known = std::max(known, delta_->number);
    }
    if (*number > known) return number;
    ++refused_numbers_;
    logger_.error("CRL number refused: not above every number known",
                  {{"ca", ca_.options.name},
                   {"number", std::to_string(*number)},
                   {"known", std::to_string(known)}});
    return fail(ErrorCode::invalid_argument, "CRL number " + std::to_string(*number) + " of CA " +
                                                 ca_.options.name + " is not above " +
                                                 std::to_string(known) + ", a number already used");
}

Result<void> CrlPublisher::publish_full_locked() {
    const auto& o = ca_.options.crl;
    if (auto r = recall(); !r) return r;
    auto number = next_number();
    if (!number) return tl::unexpected(number.error());
    const UnixSeconds now = clock_.now();
    // RFC 5280 5.3: an expired certificate stays until one CRL issued after its expiry.
    const UnixSeconds cutoff = o.keep_expired || !base_ ? 0 : base_->this_update;
    auto started = std::chrono::steady_clock::now();
    auto file = pki::AtomicFile::create(full_path(), 0644);
    if (!file) return tl::unexpected(file.error());
    auto crl = generate_full_crl(signing_ca(), index_, *number, now, cutoff, into(*file));
    if (!crl) return tl::unexpected(crl.error().with_context("CRL of CA " + ca_.options.name));
    const std::size_t bytes = crl->der.size();
    if (auto r = write_and_swap(*crl, *file, *number, false, now, crl->base.seq); !r) return r;
    if (auto r = index_.put_meta(base_key_, encode_crl_base(crl->base)); !r) return r;
    base_ = crl->base;
    full_due_ = now + o.validity.count() - o.regenerate_before.count();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    logger_.info("CRL published", {{"ca", ca_.options.name},
                                   {"number", std::to_string(*number)},
                                   {"entries", std::to_string(crl->entries)},
                                   {"bytes", std::to_string(bytes)},
                                   {"ms", std::to_string(ms.count())}});
    if (!o.delta.enabled) return {};
    // RFC 5280 5.2.3: a complete and a delta CRL issued together share the number.
    auto delta_file = pki::AtomicFile::create(delta_path(), 0644);
    if (!delta_file) return tl::unexpected(delta_file.error());
    auto delta = generate_delta_crl(signing_ca(), index_, *number, now, *base_, into(*delta_file));
    if (!delta) return tl::unexpected(delta.error());
    if (auto r = write_and_swap(*delta, *delta_file, *number, true, now, crl->base.seq); !r) {
        return r;
    }
    delta_due_ = now + o.delta.validity.count() - o.delta.regenerate_before.count();
    return {};
}

Result<void> CrlPublisher::publish_delta_locked() {
    const auto& o = ca_.options.crl;
    if (!base_) return fail(ErrorCode::internal, "delta CRL without a complete CRL");
    auto head = journal_head(index_);
    if (!head) return tl::unexpected(head.error());
    auto number = next_number();
    if (!number) return tl::unexpected(number.error());
    const UnixSeconds now = clock_.now();
    auto file = pki::AtomicFile::create(delta_path(), 0644);
    if (!file) return tl::unexpected(file.error());
    auto delta = generate_delta_crl(signing_ca(), index_, *number, now, *base_, into(*file));
    if (!delta)
        return tl::unexpected(delta.error().with_context("delta CRL of " + ca_.options.name));
    if (auto r = write_and_swap(*delta, *file, *number, true, now, *head); !r) return r;
    delta_due_ = now + o.delta.validity.count() - o.delta.regenerate_before.count();
    logger_.info("delta CRL published", {{"ca", ca_.options.name},
                                         {"number", std::to_string(*number)},
                                         {"base", std::to_string(base_->number)},
                                         {"entries", std::to_string(delta->entries)}});
    return {};
}

Result<void> CrlPublisher::write_and_swap(GeneratedCrl& crl, pki::AtomicFile& file,
                                          std::uint64_t number, bool delta, UnixSeconds now,
                                          std::uint64_t covered_seq) {
    // Shared first: a CRL another node got in before (a lost lease) is never served.
    if (sharing_) {
        if (auto r = sharing_->share(ca_.options.name, delta, number, covered_seq, crl.der); !r) {
            return tl::unexpected(r.error().with_context("share the CRL of " + ca_.options.name));
        }
    }
    if (auto r = file.commit(); !r) return r;
    const auto& o = ca_.options.crl;
    auto p =
        make_published_crl(std::move(crl.der), number,
                           delta ? std::optional<std::uint64_t>(crl.base.number) : std::nullopt,
                           now, now + (delta ? o.delta.validity : o.validity).count(), covered_seq);
    p->entries = crl.entries;
    p->generation_seconds = crl.seconds;
    std::shared_ptr<const PublishedCrl> served = p;
    {
        std::lock_guard state(state_mutex_);
        (delta ? delta_ : full_) = std::move(p);
        ++generations_;
        // Without deltas a change is covered by the full CRL; with them, by the delta after it.
        if (delta || !o.delta.enabled) covered_seq_ = std::max(covered_seq_, covered_seq);
        if (dirty_seq_ <= covered_seq_) dirty_since_.reset();
    }
    // A complete CRL is published too, so it is the first to cover its base's entries even when
    // deltas are enabled; its delta, issued with it, covers nothing more.
    if (covered_seq > reported_seq_) {
        const std::uint64_t after = reported_seq_;
        reported_seq_ = covered_seq;
        if (listener_) listener_(ca_, *served, after);
    }
    return {};
}

void CrlPublisher::note_change(std::uint64_t seq) {
    std::lock_guard state(state_mutex_);
    if (seq <= covered_seq_) return;
    dirty_seq_ = std::max(dirty_seq_, seq);
    if (!dirty_since_) dirty_since_ = clock_.now();
}

bool CrlPublisher::reopen_crl_key_locked() {
    const ca::ServedCa& current = signing_ca();
    if (!current.crl_signer || !current.crl_signer->key().on_token()) return false;
    if (current.crl_signer->probe()) return false;  // it signs: the failure was elsewhere
    current.crl_signer->key().reopen_token();
    auto signer = ca::load_crl_signer(ca_.options, ca_.issuer);
    if (signer) {
        if (auto probe = signer->probe(); !probe) signer = tl::unexpected(probe.error());
    }
    if (!signer) {
        logger_.warn("CRL key not reopened, still failing",
                     {{"ca", ca_.options.name}, {"error", signer.error().message}});
        return false;
    }
    ca::ServedCa next = ca_;
    next.crl_signer = std::move(*signer);
    reopened_ = std::move(next);
    logger_.info("CRL key reopened, signing again", {{"ca", ca_.options.name}});
    return true;
}

UnixSeconds CrlPublisher::run_due() {
    std::lock_guard lock(generate_mutex_);
    const auto& o = ca_.options.crl;
    const UnixSeconds now = clock_.now();
    if (sharing_ && !lead_locked()) {
        adopt_shared();
        return now + 1;  // the lease and the shared CRLs are looked at every second
    }
    auto attempt = [&](Result<void> r, UnixSeconds& due) {
        if (!r) {
            logger_.error("CRL generation failed",
                          {{"ca", ca_.options.name}, {"error", r.error().message}});
            due = now + (reopen_crl_key_locked() ? 1 : kRetrySeconds);
        }
    };
    std::optional<UnixSeconds> dirty_since;
    {
        std::lock_guard state(state_mutex_);
        dirty_since = dirty_since_;
    }
    UnixSeconds change_due = dirty_since ? *dirty_since + o.debounce.count() : 0;
    if (now >= full_due_) {
        attempt(publish_full_locked(), full_due_);
    } else if (dirty_since && now >= change_due) {
        if (o.delta.enabled) {
            attempt(publish_delta_locked(), change_due);
        } else {
            attempt(publish_full_locked(), change_due);
        }
        std::lock_guard state(state_mutex_);
        if (dirty_since_ && *dirty_since_ < now) dirty_since_ = now;  // changes during it
    }
    if (o.delta.enabled && now >= delta_due_) attempt(publish_delta_locked(), delta_due_);
    UnixSeconds next = o.delta.enabled ? std::min(full_due_, delta_due_) : full_due_;
    std::lock_guard state(state_mutex_);
    if (dirty_since_)
        next = std::min(next, std::max(change_due, *dirty_since_ + o.debounce.count()));
    return next;
}

std::uint64_t CrlPublisher::refused_numbers() const {
    std::lock_guard state(state_mutex_);
    return refused_numbers_;
}

std::shared_ptr<const PublishedCrl> CrlPublisher::full() const {
    std::lock_guard state(state_mutex_);
    return full_;
}

std::shared_ptr<const PublishedCrl> CrlPublisher::delta() const {
    std::lock_guard state(state_mutex_);
    return delta_;
}

bool CrlPublisher::publishing() const {
    std::lock_guard state(state_mutex_);
    return publishing_;
}

std::uint64_t CrlPublisher::generations() const {
    std::lock_guard state(state_mutex_);
    return generations_;
}

}  // namespace tanda::crl
