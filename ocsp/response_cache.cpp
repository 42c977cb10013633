#include "ocsp/response_cache.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "core/sha256.hpp"
#include "core/time_format.hpp"

namespace tanda::ocsp {
namespace {

bool same(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

}  // namespace

CacheKey::CacheKey(std::uint32_t issuer, ByteView serial) {
    // Serials are normalised magnitudes; strip a DER sign byte so both forms meet.
    while (serial.size() > 1 && serial[0] == std::byte{0}) serial = serial.subspan(1);
    serial = serial.first(std::min(serial.size(), Serial::kMaxBytes));
    for (int i = 0; i < 4; ++i) bytes_[i] = std::byte(issuer >> (24 - 8 * i));
    std::memcpy(bytes_.data() + 4, serial.data(), serial.size());
    size_ = static_cast<std::uint8_t>(4 + serial.size());
}

std::size_t CacheKey::hash() const noexcept {
    return std::hash<std::string_view>{}(as_chars(bytes()));
}

bool operator==(const CacheKey& a, const CacheKey& b) noexcept { return same(a.bytes(), b.bytes()); }

std::shared_ptr<const ServedAnswer> make_served(ResponseContent answer, ByteView cert_id_der) {
    auto served = std::make_shared<ServedAnswer>();
    // Nonce answers are never cached or revalidated: no validator, no dates.
    if (answer.produced_at != 0 && !answer.has_nonce) {
        auto digest = Sha256::digest(*answer.der);
        served->etag = "\"" + to_hex(ByteView(digest).first(16)) + "\"";
        served->refresh_at = answer.produced_at + (answer.next_update - answer.produced_at) / 2;
        served->last_modified = format_http_date(answer.this_update);
        served->expires = format_http_date(answer.next_update);
    }
    served->cert_id_der.assign(cert_id_der.begin(), cert_id_der.end());
    served->answer = std::move(answer);
    return served;
}

ResponseCache::ResponseCache(std::size_t max_entries)
    : shard_capacity_(std::max<std::size_t>(1, (max_entries + kShards - 1) / kShards)) {}

std::shared_ptr<const ServedAnswer> ResponseCache::find(const CacheKey& key, ByteView cert_id_der,
                                                        UnixSeconds now) const {
    Shard& s = shard(key);
    {
        std::lock_guard lock(s.mutex);
        auto it = s.slots.find(key);
        if (it != s.slots.end()) {
            for (const auto& entry : it->second) {
                if (same(entry->cert_id_der, cert_id_der) && now < entry->answer.next_update) {
                    hits_.fetch_add(1, std::memory_order_relaxed);
                    return entry;
                }
            }
        }
    }
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
}

std::uint64_t ResponseCache::generation(const CacheKey& key) const {
    Shard& s = shard(key);
    std::lock_guard lock(s.mutex);
    return s.generation;
}

void ResponseCache::insert(const CacheKey& key, std::shared_ptr<const ServedAnswer> entry,
                           std::uint64_t generation) {
    Shard& s = shard(key);
    std::lock_guard lock(s.mutex);
    if (s.generation != generation) return;  // the state it was built from changed meanwhile
    auto it = s.slots.find(key);
    if (it != s.slots.end()) {
        for (auto& existing : it->second) {
            if (same(existing->cert_id_der, entry->cert_id_der)) {
                existing = std::move(entry);
                return;
            }
        }
    }
    if (s.entries >= shard_capacity_) {
        // Evict another serial's answers; hot serials come back on their next request.
        for (auto victim = s.slots.begin(); victim != s.slots.end(); ++victim) {
            if (victim->first == key) continue;
            s.entries -= victim->second.size();
            s.slots.erase(victim);
            break;
        }
        if (s.entries >= shard_capacity_) return;  // capacity smaller than one serial's variants
    }
    s.slots[key].push_back(std::move(entry));
    ++s.entries;
}

void ResponseCache::invalidate(const CacheKey& key) {
    Shard& s = shard(key);
    std::lock_guard lock(s.mutex);
    // Generations are per shard: coarser than per key, but a refused insert only costs a
    // signature on the next request.
    ++s.generation;
    auto it = s.slots.find(key);
    if (it != s.slots.end()) {
        s.entries -= it->second.size();
        s.slots.erase(it);
    }
    invalidations_.fetch_add(1, std::memory_order_relaxed);
}

void ResponseCache::clear() {
    for (auto& s : shards_) {
        std::lock_guard lock(s.mutex);
        ++s.generation;
        s.slots.clear();
        s.entries = 0;
    }
}

CacheStats ResponseCache::stats() const {
    CacheStats out;
    out.hits = hits_.load();
    out.misses = misses_.load();
    out.invalidations = invalidations_.load();
    for (const auto& s : shards_) {
        std::lock_guard lock(s.mutex);
        out.entries += s.entries;
    }
    return out;
}

}  // namespace tanda::ocsp
