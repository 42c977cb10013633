#include "admin/checkpointer.hpp"

#include <filesystem>

#include "admin/checkpoint_files.hpp"
#include "pki/cms_signed_data.hpp"

namespace tanda::admin {

Result<std::unique_ptr<Checkpointer>> Checkpointer::create(const CheckpointOptions& options,
                                                           const storage::RevocationIndex& index,
                                                           const Clock& clock, Logger& logger) {
    auto cert = pki::Certificate::load_file(options.certificate);
    if (!cert) return tl::unexpected(cert.error().with_context("checkpoint certificate"));
    auto key = pki::PrivateKey::load_file(options.key);
    if (!key) return tl::unexpected(key.error().with_context("checkpoint key"));
    if (!key->matches(*cert)) {
        return fail(ErrorCode::config, "checkpoint key " + options.key +
                                           " does not belong to certificate " +
                                           options.certificate);
    }
    std::error_code ec;
    std::filesystem::create_directories(options.directory, ec);
    if (ec) return fail(ErrorCode::io, "cannot create " + options.directory + ": " + ec.message());
    std::unique_ptr<Checkpointer> c(
        new Checkpointer(options, index, clock, logger, std::move(*cert), std::move(*key)));
    c->load_newest();
    return c;
}

Checkpointer::Checkpointer(const CheckpointOptions& options, const storage::RevocationIndex& index,
                           const Clock& clock, Logger& logger, pki::Certificate cert,
                           pki::PrivateKey key)
    : options_(options),
      index_(index),
      clock_(clock),
      logger_(logger),
      cert_(std::move(cert)),
      key_(std::move(key)) {}

Checkpointer::~Checkpointer() {
    timer_.request_stop();
    wake_.notify_all();
}

// A file that does not verify with our certificate (e.g. after a key change) is not ours to
// report as latest; it stays for the auditor.
void Checkpointer::load_newest() {
    auto newest = newest_checkpoint_file(options_.directory);
    if (!newest || !*newest) return;
    auto payload = pki::cms_verify((*newest)->signed_data, cert_);
    auto parsed = payload ? parse_checkpoint(*payload) : tl::unexpected(payload.error());
    if (!parsed) {
        logger_.warn("ignoring a checkpoint file that is not ours",
                     {{"path", (*newest)->path}, {"error", parsed.error().message}});
        return;
    }
    latest_ = SignedCheckpoint{*parsed, std::move((*newest)->signed_data), (*newest)->path};
}

Result<SignedCheckpoint> Checkpointer::make(std::string_view requested_by) {
    std::lock_guard lock(make_mutex_);
    auto head = index_.journal_head();
    if (!head) return tl::unexpected(head.error());
    if (head->seq == 0) return fail(ErrorCode::conflict, "the journal is empty");
    const Checkpoint checkpoint{head->seq, head->hash, clock_.now()};
    auto signed_data = pki::cms_sign(format_checkpoint(checkpoint), cert_, key_);
    if (!signed_data) return tl::unexpected(signed_data.error());
    auto path = write_checkpoint_file(options_.directory, checkpoint.seq, *signed_data);
    if (!path) return tl::unexpected(path.error());
    SignedCheckpoint made{checkpoint, std::move(*signed_data), std::move(*path)};
    logger_.info("journal checkpoint written", {{"seq", std::to_string(checkpoint.seq)},
                                                {"path", made.path},
                                                {"requested_by", requested_by}});
    std::lock_guard latest_lock(latest_mutex_);
    latest_ = made;
    return made;
}

std::optional<SignedCheckpoint> Checkpointer::latest() const {
    std::lock_guard lock(latest_mutex_);
    return latest_;
}

void Checkpointer::start() {
    if (options_.interval.count() == 0) return;
    timer_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

bool Checkpointer::head_moved() const {
    auto head = index_.journal_head();
    auto last = latest();
    return head && head->seq > 0 && (!last || last->checkpoint.seq != head->seq);
}

void Checkpointer::run(std::stop_token stop) {
    std::mutex m;
    std::unique_lock lock(m);
    while (!stop.stop_requested()) {
        // Wakes early only when stop is requested.
        wake_.wait_for(lock, stop, options_.interval, [] { return false; });
        if (stop.stop_requested()) return;
        if (!head_moved()) continue;  // nothing new to vouch for
        if (auto made = make(); !made) {
            logger_.error("journal checkpoint failed", {{"error", made.error().message}});
        }
    }
}

}  // namespace tanda::admin
