// Delivers the holder notifications of one webhook target from the journal (the durable
// outbox): a cursor per stage in storage meta (`notify/<name>/committed`, `notify/<name>/in_crl`,
// FORMAT.md) holds the last journal seq whose events the receiver has acknowledged with 2xx.
// At least once, in journal order, so in order per request; retried with exponential backoff.
// A crash or SIGKILL after a commit loses nothing: the entry is in the journal and the cursor
// is behind it, so the next start sends it (perhaps again, under the same event id).
//
// Thread safety: start(), stop() and the destructor from one thread; wake() and the metric
// readers from any; pass() is for tests and the delivery thread, not both at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "admin/crl_publication.hpp"
#include "admin/notify_event.hpp"
#include "admin/notify_options.hpp"
#include "admin/request_stages.hpp"
#include "admin/webhook_request.hpp"
#include "core/clock.hpp"
#include "core/logger.hpp"
#include "core/result.hpp"
#include "http/message.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::admin {

// Sends one request to the target and reads the answer; ErrorCode::io naming the step that
// failed. Bound by the CLI to http::TlsClient::send, so admin/ links no Asio.
using WebhookTransport = std::function<Result<http::Response>(const http::Request&)>;
// The served CA's name for a storage issuer id; empty when the CA is not served (any more).
using CaNamer = std::function<std::string(storage::IssuerId)>;

class Notifier {
public:
    // `secret` is the HMAC key (never logged). `index`, `clock`, `logger` and `crl` (may be
    // null: no `success` events then) must outlive the notifier. Reads the cursors; a target
    // seen for the first time starts at the journal head, written durably here, so it is told
    // of every commit from now on and not of the history before it: create notifiers before
    // anything can commit (the admin listener starts). ErrorCode::invalid_argument for a bad
    // URL; storage errors as they come.
    [[nodiscard]] static Result<std::unique_ptr<Notifier>> create(
        NotifyTarget target, std::string secret, storage::RevocationIndex& index,
        const CrlPublicationSource* crl, CaNamer ca_name, WebhookTransport transport,
        const Clock& clock, Logger& logger);
    ~Notifier();
    Notifier(const Notifier&) = delete;
    Notifier& operator=(const Notifier&) = delete;

    // The delivery thread: a pass on every commit (wake) and every second (CRL publication,
    // entries another process or node appended); after a failed attempt it waits 1 s, doubling
    // up to max_backoff, before the next.
    void start();
    // Ends the thread within one attempt's timeout; undelivered events stay for the next start.
    void stop();
    // Something was committed: deliver now rather than at the next poll. Thread-safe, quick.
    void wake();
    // wake() for a storage commit observer, which outlives this object: it holds only the
    // signal, never `this`.
    std::function<void()> waker() const;

    // Delivers all it can now: false when an attempt failed (then back off), true when the
    // journal is delivered or the rest waits for a CRL. An error when storage fails.
    [[nodiscard]] Result<bool> pass();

    const std::string& name() const { return target_.name; }
    // Told `notified` (admin/request_stages.hpp) when this target is the first to acknowledge
    // a request's `applied` event, which also records the time for the request status. Set
    // before start().
    void set_stage_observer(StageObserver observer) { stages_ = std::move(observer); }
    // In a cluster only one node delivers a target's events: the one `gate` says true on (the
    // holder of the target's lease). The others follow the shared cursors and send nothing; a
    // node that takes over continues from them. Set before start().
    void set_delivery_gate(std::function<bool()> gate) { gate_ = std::move(gate); }
    // Whether this node delivered on its last pass (always without a gate).
    bool delivering() const { return delivering_.load(std::memory_order_relaxed); }
    // Journal entries past the `committed` cursor (not all of them give events).
    std::uint64_t backlog() const;
    // Seconds since the oldest event not yet delivered was committed; 0 when none is known to
    // wait (as of the last pass).
    double oldest_age_seconds() const;
    std::uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }
    std::uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }

private:
    Notifier(NotifyTarget target, WebhookUrl url, std::string secret,
             storage::RevocationIndex& index, const CrlPublicationSource* crl, CaNamer ca_name,
             WebhookTransport transport, const Clock& clock, Logger& logger);
    Result<void> load_cursors();
    struct Signal {
        std::mutex mutex;
        std::condition_variable cv;
        bool woken = false;
        bool stopping = false;
    };
    // Sends one event; true on a 2xx answer. Failures are logged and counted.
    bool deliver(const NotifyEvent& event, std::string_view ca,
                 const std::optional<CrlPublication>& crl);
    Result<bool> pass_committed();
    Result<bool> pass_in_crl();
    Result<void> save(std::string_view stage, std::uint64_t seq);
    // Waits up to `period` (or for stop; a wake too when `wakeable`); false once stopping.
    bool wait(std::chrono::milliseconds period, bool wakeable);
    void run();

    NotifyTarget target_;
    WebhookUrl url_;
    std::string secret_;
    storage::RevocationIndex& index_;
    const CrlPublicationSource* crl_;
    CaNamer ca_name_;
    WebhookTransport transport_;
    const Clock& clock_;
    Logger& logger_;
    std::shared_ptr<Signal> signal_ = std::make_shared<Signal>();
    std::thread thread_;
    std::atomic<std::uint64_t> committed_{0};  // last seq whose `committed` events are delivered
    std::atomic<std::uint64_t> in_crl_{0};     // same for `in_crl` events; never past committed_
    std::atomic<UnixSeconds> oldest_committed_{0};  // commit time of the first undelivered
    std::atomic<UnixSeconds> oldest_in_crl_{0};
    StageObserver stages_;
    std::function<bool()> gate_;
    std::atomic<bool> delivering_{true};
    // Records, for the first target to deliver it, when a request's holder was told it applied.
    void record_notified(const NotifyEvent& event, UnixSeconds committed);
    std::atomic<std::uint64_t> failures_{0};
    std::atomic<std::uint64_t> delivered_{0};
};

}  // namespace tanda::admin
