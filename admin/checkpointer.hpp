// Signs journal checkpoints (core/checkpoint.hpp) with the configured key and writes each to the
// checkpoint directory for shipping off the machine: on demand (POST /v1/checkpoints) and, with
// a non-zero interval, on a timer that skips a checkpoint when the journal has not moved.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "admin/checkpoint_options.hpp"
#include "core/checkpoint.hpp"
#include "core/logger.hpp"
#include "pki/certificate.hpp"
#include "storage/revocation_index.hpp"

namespace tanda::admin {

struct SignedCheckpoint {
    Checkpoint checkpoint;
    Bytes signed_data;  // DER CMS SignedData with the payload embedded
    std::string path;   // the file it was written to
};

class Checkpointer {
public:
    // Loads the certificate and key (ErrorCode::config when they do not match), creates the
    // directory when missing and takes the newest valid checkpoint file there as latest().
    // `index`, `clock` and `logger` must outlive the Checkpointer.
    [[nodiscard]] static Result<std::unique_ptr<Checkpointer>> create(
        const CheckpointOptions& options, const storage::RevocationIndex& index, const Clock& clock,
        Logger& logger);
    ~Checkpointer();  // stops the timer
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    // Signs the journal head now and writes the file; logged with `requested_by` (the caller's
    // subject, or "timer"). ErrorCode::conflict for an empty journal. Thread-safe; calls are
    // serialised.
    [[nodiscard]] Result<SignedCheckpoint> make(std::string_view requested_by = "timer");
    // The last checkpoint made or found at start; nullopt when none.
    std::optional<SignedCheckpoint> latest() const;
    // Starts the timer thread when the interval is non-zero.
    void start();

private:
    Checkpointer(const CheckpointOptions& options, const storage::RevocationIndex& index,
                 const Clock& clock, Logger& logger, pki::Certificate cert, pki::PrivateKey key);
    void load_newest();
    void run(std::stop_token stop);
    bool head_moved() const;

    CheckpointOptions options_;
    const storage::RevocationIndex& index_;
    const Clock& clock_;
    Logger& logger_;
    pki::Certificate cert_;
    pki::PrivateKey key_;
    std::mutex make_mutex_;            // one make() at a time
    mutable std::mutex latest_mutex_;  // guards latest_
    std::optional<SignedCheckpoint> latest_;
    std::condition_variable_any wake_;
    std::jthread timer_;  // declared last: stopped and joined first
};

}  // namespace tanda::admin
