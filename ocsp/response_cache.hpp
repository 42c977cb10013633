// In-memory cache of signed OCSP answers without a nonce, per (issuer, serial) and exact CertID,
// so hot certificates are answered without a storage read or a signature (RFC 5019 traffic).
//
// Invalidation is atomic with status changes: storage's commit observer calls invalidate()
// before the writer acknowledges, and an answer computed from state read before an
// invalidation is never inserted after it (each shard's generation is checked under its lock).
// Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/bytes.hpp"
#include "core/serial.hpp"
#include "ocsp/response_content.hpp"

namespace tanda::ocsp {

// (issuer id, serial magnitude) packed without allocation.
class CacheKey {
public:
    CacheKey(std::uint32_t issuer, ByteView serial_magnitude);
    ByteView bytes() const { return ByteView(bytes_).first(size_); }
    std::size_t hash() const noexcept;
    friend bool operator==(const CacheKey& a, const CacheKey& b) noexcept;

private:
    std::array<std::byte, 4 + Serial::kMaxBytes> bytes_{};
    std::uint8_t size_ = 0;
};

// An answer with what serving it needs, prepared once: cached answers are served as they are.
struct ServedAnswer {
    ResponseContent answer;
    Bytes cert_id_der;        // the single CertID it answers (empty for errors)
    std::string etag;         // strong validator of `answer.der` (empty for errors)
    std::string last_modified;  // HTTP-dates of thisUpdate and nextUpdate, formatted once
    std::string expires;
    UnixSeconds refresh_at = 0;  // half of the validity: re-sign in the background from then
    mutable std::atomic<bool> refreshing{false};  // one background refresh at a time
};

// Wraps `answer` (the etag is a hash of the DER; refresh_at is halfway to nextUpdate).
std::shared_ptr<const ServedAnswer> make_served(ResponseContent answer, ByteView cert_id_der);

struct CacheStats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t entries = 0;
    std::uint64_t invalidations = 0;
};

class ResponseCache {
public:
    explicit ResponseCache(std::size_t max_entries);

    // The answer for exactly `cert_id_der` if one is cached and not past nextUpdate.
    std::shared_ptr<const ServedAnswer> find(const CacheKey& key, ByteView cert_id_der,
                                             UnixSeconds now) const;
    // Read before looking up the state an answer is built from; pass to insert().
    std::uint64_t generation(const CacheKey& key) const;
    // Stores `entry` unless `key` was invalidated since `generation` was read. Evicts an
    // arbitrary entry of the shard when it is full.
    void insert(const CacheKey& key, std::shared_ptr<const ServedAnswer> entry,
                std::uint64_t generation);
    // Drops every answer for the key; later inserts of older answers are refused.
    void invalidate(const CacheKey& key);
    void clear();

    CacheStats stats() const;
    std::size_t capacity() const { return shard_capacity_ * kShards; }

private:
    static constexpr std::size_t kShards = 64;
    struct KeyHash {
        std::size_t operator()(const CacheKey& k) const noexcept { return k.hash(); }
    };
    struct Shard {
        mutable std::mutex mutex;
        std::uint64_t generation = 0;
        // A few variants per serial: one per CertID encoding (hash algorithm) seen.
        std::unordered_map<CacheKey, std::vector<std::shared_ptr<const ServedAnswer>>, KeyHash>
            slots;
        std::size_t entries = 0;
    };
    Shard& shard(const CacheKey& key) const { return shards_[key.hash() % kShards]; }

    std::size_t shard_capacity_;
    mutable std::array<Shard, kShards> shards_;
    mutable std::atomic<std::uint64_t> hits_{0}, misses_{0}, invalidations_{0};
};

}  // namespace tanda::ocsp
