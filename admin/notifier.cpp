#include "admin/notifier.hpp"

#include <algorithm>
#include <charconv>

namespace tanda::admin {
namespace {

// Entries read per journal call: a pass over a large import walks it in pages.
constexpr std::size_t kBatch = 256;
// How often the thread looks without being woken: CRLs published since, and entries appended
// by another process or (cluster) node.
constexpr std::chrono::milliseconds kPoll{1000};
constexpr std::chrono::milliseconds kFirstBackoff{1000};

std::string meta_key(const std::string& name, std::string_view stage) {
    return "notify/" + name + "/" + std::string(stage);
}

std::optional<std::uint64_t> parse_seq(std::string_view text) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

}  // namespace

Result<std::unique_ptr<Notifier>> Notifier::create(NotifyTarget target, std::string secret,
                                                   storage::RevocationIndex& index,
                                                   const CrlPublicationSource* crl, CaNamer ca_name,
                                                   WebhookTransport transport, const Clock& clock,
                                                   Logger& logger) {
    auto url = parse_webhook_url(target.url);
    if (!url) return tl::unexpected(url.error());
    std::unique_ptr<Notifier> n(new Notifier(std::move(target), std::move(*url), std::move(secret),
                                             index, crl, std::move(ca_name), std::move(transport),
                                             clock, logger));
    if (auto loaded = n->load_cursors(); !loaded) return tl::unexpected(loaded.error());
    return n;
}

Notifier::Notifier(NotifyTarget target, WebhookUrl url, std::string secret,
                   storage::RevocationIndex& index, const CrlPublicationSource* crl,
                   CaNamer ca_name, WebhookTransport transport, const Clock& clock, Logger& logger)
    : target_(std::move(target)),
      url_(std::move(url)),
      secret_(std::move(secret)),
      index_(index),
      crl_(crl),
      ca_name_(std::move(ca_name)),
      transport_(std::move(transport)),
      clock_(clock),
      logger_(logger) {}

Notifier::~Notifier() { stop(); }

Result<void> Notifier::load_cursors() {
    auto committed = index_.get_meta(meta_key(target_.name, "committed"));
    auto in_crl = index_.get_meta(meta_key(target_.name, "in_crl"));
    if (!committed) return tl::unexpected(committed.error());
    if (!in_crl) return tl::unexpected(in_crl.error());
    if (*committed && *in_crl) {
        auto c = parse_seq(**committed), l = parse_seq(**in_crl);
        if (!c || !l) {
            return fail(ErrorCode::incompatible,
                        "notify cursor of '" + target_.name + "' is not a decimal seq");
        }
        committed_ = *c;
        in_crl_ = std::min(*l, *c);
        return {};
    }
    auto stats = index_.stats();
    if (!stats) return tl::unexpected(stats.error());
    const std::uint64_t head = stats->journal_entries;  // seqs start at 1 without gaps
    // in_crl first: a crash between the two writes leaves committed absent and redoes both.
    if (auto r = save("in_crl", head); !r) return r;
    if (auto r = save("committed", head); !r) return r;
    committed_ = head;
    in_crl_ = head;
    logger_.info("webhook target starts at the journal head",
                 {{"target", target_.name}, {"seq", std::to_string(head)}});
    return {};
}

Result<void> Notifier::save(std::string_view stage, std::uint64_t seq) {
    return index_.put_meta(meta_key(target_.name, stage), std::to_string(seq));
}

void Notifier::record_notified(const NotifyEvent& event, UnixSeconds committed) {
    const std::string key = notified_key(event.request_id);
    auto known = index_.get_meta(key);
    if (!known || *known) return;  // another target was first (or storage failed: no stage)
    const UnixSeconds now = clock_.now();
    // Observed first, so a reader who sees the status's notified_at sees the metric too.
    if (stages_) stages_("notified", static_cast<double>(now > committed ? now - committed : 0));
    // The journal entry and the status's meta key in one transaction (one stream write).
    storage::Provenance provenance;
    provenance.request_id = event.request_id;
    provenance.source = "notify;target=" + target_.name + ";event=" + event.id;
    const storage::Change change{storage::ChangeKind::notified, event.issuer, event.serial,
                                 event.record};
    auto put = index_.append_audit_with_meta(change, provenance, now, key, std::to_string(now));
    if (!put && put.error().code == ErrorCode::conflict) return;  // another target, just before
    if (!put) {
        logger_.warn("could not record a request's notification time",
                     {{"request_id", event.request_id}, {"error", put.error().message}});
    }
}

bool Notifier::deliver(const NotifyEvent& event, std::string_view ca,
                       const std::optional<CrlPublication>& crl) {
    auto req = webhook_request(url_.target, event, event_body(event, ca, crl), as_bytes(secret_));
    std::string why;
    if (req) {
        auto res = transport_(*req);
        if (res && res->result_int() / 100 == 2) {
            delivered_.fetch_add(1, std::memory_order_relaxed);
            logger_.info("webhook delivered", {{"target", target_.name}, {"event", event.id}});
            return true;
        }
        why = res ? "HTTP " + std::to_string(res->result_int()) : res.error().message;
    } else {
        why = req.error().message;
    }
    failures_.fetch_add(1, std::memory_order_relaxed);
    logger_.warn("webhook delivery failed",
                 {{"target", target_.name}, {"event", event.id}, {"error", why}});
    return false;
}

// Entries after the `committed` cursor: each entry's immediate events, then the cursor moves
// past it. The cursor is saved after every delivered entry, so a restart repeats at most the
// events of one entry; entries without events are skipped and saved once per page.
Result<bool> Notifier::pass_committed() {
    for (;;) {
        const std::uint64_t from = committed_.load() + 1;
        auto page = index_.journal(from, kBatch);
        if (!page) return tl::unexpected(page.error());
        if (page->empty()) break;
        bool unsaved = false;
        for (const auto& entry : *page) {
            bool sent = false;
            for (const auto& ev : events_for(entry)) {
                if (ev.stage != EventStage::committed) continue;
                if (deliver(ev, ca_name_(ev.issuer), std::nullopt)) {
                    if (ev.type == "applied") record_notified(ev, entry.time);
                } else {
                    oldest_committed_ = entry.time;
                    if (unsaved) {
                        if (auto r = save("committed", committed_); !r)
                            return tl::unexpected(r.error());
                    }
                    return false;
                }
                sent = true;
            }
            committed_ = entry.seq;
            unsaved = !sent;
            if (sent) {
                if (auto r = save("committed", entry.seq); !r) return tl::unexpected(r.error());
            }
        }
        if (unsaved) {
            if (auto r = save("committed", committed_); !r) return tl::unexpected(r.error());
        }
    }
    oldest_committed_ = 0;
    return true;
}

// Entries after the `in_crl` cursor, up to the `committed` one (so a request's `applied`
// always precedes its `success`): each waits until a CRL of its CA reflects it. A CA that
// publishes no CRLs, or is no longer served, gives no `success`; its events are passed over.
Result<bool> Notifier::pass_in_crl() {
    const std::uint64_t until = committed_.load();
    const std::uint64_t started = in_crl_.load();
    // Saved when it moved: a success waiting for its CRL is looked at every second, and that
    // must not cost a durable write each time.
    auto stop_at = [&](bool result) -> Result<bool> {
        if (in_crl_.load() != started) {
            if (auto r = save("in_crl", in_crl_); !r) return tl::unexpected(r.error());
        }
        return result;
    };
    while (in_crl_.load() < until) {
        const std::uint64_t from = in_crl_.load() + 1;
        auto page = index_.journal(from, std::min<std::uint64_t>(kBatch, until - from + 1));
        if (!page) return tl::unexpected(page.error());
        if (page->empty()) break;
        for (const auto& entry : *page) {
            bool sent = false;
            for (const auto& ev : events_for(entry)) {
                if (ev.stage != EventStage::in_crl) continue;
                const std::string ca = ca_name_(ev.issuer);
                if (crl_ == nullptr || ca.empty() || !crl_->publishes(ca)) continue;
                auto crl = crl_->published_after(ca, ev.seq);
                if (!crl) {
                    oldest_in_crl_ = entry.time;
                    return stop_at(true);  // waiting for the CRL is no failure
                }
                if (!deliver(ev, ca, crl)) {
                    oldest_in_crl_ = entry.time;
                    return stop_at(false);
                }
                sent = true;
            }
            in_crl_ = entry.seq;
            // As for `committed`: a restart repeats at most the events of one entry.
            if (sent) {
                if (auto r = save("in_crl", entry.seq); !r) return tl::unexpected(r.error());
            }
        }
    }
    oldest_in_crl_ = 0;
    return stop_at(true);
}

Result<bool> Notifier::pass() {
    if (gate_) {
        // The cursors are replicated: whoever delivered last moved them for every node.
        if (auto r = load_cursors(); !r) return tl::unexpected(r.error());
        const bool mine = gate_();
        delivering_.store(mine, std::memory_order_relaxed);
        if (!mine) {
            oldest_committed_ = 0;
            oldest_in_crl_ = 0;
            return true;
        }
    }
    auto committed = pass_committed();
    if (!committed) return committed;
    auto in_crl = pass_in_crl();
    if (!in_crl) return in_crl;
    return *committed && *in_crl;
}

std::uint64_t Notifier::backlog() const {
    auto stats = index_.stats();
    if (!stats) return 0;
    const std::uint64_t done = committed_.load(std::memory_order_relaxed);
    return stats->journal_entries > done ? stats->journal_entries - done : 0;
}

double Notifier::oldest_age_seconds() const {
    UnixSeconds oldest = 0;
    for (UnixSeconds t : {oldest_committed_.load(), oldest_in_crl_.load()}) {
        if (t != 0 && (oldest == 0 || t < oldest)) oldest = t;
    }
    if (oldest == 0) return 0;
    return static_cast<double>(std::max<UnixSeconds>(0, clock_.now() - oldest));
}

void Notifier::wake() {
    {
        std::lock_guard lock(signal_->mutex);
        signal_->woken = true;
    }
    signal_->cv.notify_one();
}

std::function<void()> Notifier::waker() const {
    return [signal = signal_] {
        {
            std::lock_guard lock(signal->mutex);
            signal->woken = true;
        }
        signal->cv.notify_one();
    };
}

bool Notifier::wait(std::chrono::milliseconds period, bool wakeable) {
    std::unique_lock lock(signal_->mutex);
    signal_->cv.wait_for(lock, period,
                         [&] { return signal_->stopping || (wakeable && signal_->woken); });
    if (wakeable) signal_->woken = false;
    return !signal_->stopping;
}

void Notifier::run() {
    auto backoff = kFirstBackoff;
    const auto max_backoff =
        std::chrono::duration_cast<std::chrono::milliseconds>(target_.max_backoff);
    for (;;) {
        auto ok = pass();
        if (!ok) {
            logger_.error("webhook outbox cannot read storage",
                          {{"target", target_.name}, {"error", ok.error().message}});
        }
        if (ok && *ok) {
            backoff = kFirstBackoff;
            if (!wait(kPoll, true)) return;
            continue;
        }
        // A receiver that is down is not asked again at once on the next commit: the wait runs
        // out whatever is committed meanwhile.
        if (!wait(backoff, false)) return;
        backoff = std::min(backoff * 2, max_backoff);
    }
}

void Notifier::start() {
    if (thread_.joinable()) return;
    {
        std::lock_guard lock(signal_->mutex);
        signal_->stopping = false;
    }
    thread_ = std::thread([this] { run(); });
}

void Notifier::stop() {
    {
        std::lock_guard lock(signal_->mutex);
        signal_->stopping = true;
    }
    signal_->cv.notify_all();
    if (thread_.joinable()) thread_.join();
}

}  // namespace tanda::admin
