// A JetStream key-value bucket on the journal stream's connection (libnats KV): what the CRL
// publisher lease and the shared CRL bytes are kept in. Keys are [-/_=.a-zA-Z0-9]+.
//
// Thread safety: the calls may come from any thread (libnats serialises them).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "cluster/journal_stream.hpp"
#include "cluster/lease_store.hpp"
#include "core/bytes.hpp"
#include "core/result.hpp"

namespace tanda::cluster {

class KeyValueBucket final : public LeaseStore {
public:
    // The bucket `name` on `stream`'s connection, created on first use with the stream's
    // replica count and, when `max_age` is not 0, values that disappear `max_age` after they
    // were last written (a lease that is not renewed lapses). `stream` must outlive it.
    KeyValueBucket(JournalStream& stream, std::string name, std::chrono::milliseconds max_age);
    ~KeyValueBucket();
    KeyValueBucket(const KeyValueBucket&) = delete;
    KeyValueBucket& operator=(const KeyValueBucket&) = delete;

    // LeaseStore's calls, on the bucket.
    [[nodiscard]] Result<std::optional<KeyValueEntry>> get(const std::string& key) override;
    [[nodiscard]] Result<std::uint64_t> create(const std::string& key, ByteView value) override;
    [[nodiscard]] Result<std::uint64_t> update(const std::string& key, ByteView value,
                                               std::uint64_t last) override;
    [[nodiscard]] Result<void> erase(const std::string& key) override;
    // Writes whatever is there.
    [[nodiscard]] Result<std::uint64_t> put(const std::string& key, ByteView value);

private:
    struct Handle;
    Result<Handle*> open();
    // After a refused create/update: conflict when the key's revision now differs from
    // `expected` (0: no value), the library's error otherwise.
    Error refusal(const std::string& key, std::uint64_t expected, Error original);

    JournalStream& stream_;
    const std::string name_;
    const std::chrono::milliseconds max_age_;
    std::mutex open_mutex_;
    std::unique_ptr<Handle> handle_;  // set once the bucket exists
};

}  // namespace tanda::cluster
