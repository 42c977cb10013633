// KeyValueBucket on libnats's KV API (a JetStream stream KV_<name>, one value per key).
#include "cluster/key_value.hpp"

#include "cluster/journal_stream_impl.hpp"

namespace tanda::cluster {

struct KeyValueBucket::Handle {
    kvStore* kv = nullptr;
    ~Handle() {
        if (kv != nullptr) kvStore_Destroy(kv);
    }
};

KeyValueBucket::KeyValueBucket(JournalStream& stream, std::string name,
                               std::chrono::milliseconds max_age)
    : stream_(stream), name_(std::move(name)), max_age_(max_age) {}

KeyValueBucket::~KeyValueBucket() = default;

Result<KeyValueBucket::Handle*> KeyValueBucket::open() {
    std::lock_guard lock(open_mutex_);
    if (handle_) return handle_.get();
    auto& impl = *stream_.impl_;
    auto handle = std::make_unique<Handle>();
    natsStatus s = js_KeyValue(&handle->kv, impl.js, name_.c_str());
    if (s == NATS_NOT_FOUND) {
        kvConfig cfg;
        kvConfig_Init(&cfg);
        cfg.Bucket = name_.c_str();
        cfg.History = 1;
        // In nanoseconds (a Go duration); 0 keeps values for ever.
        cfg.TTL = std::chrono::duration_cast<std::chrono::nanoseconds>(max_age_).count();
        cfg.StorageType = js_FileStorage;
        cfg.Replicas = impl.options.replicas;
        s = js_CreateKeyValue(&handle->kv, impl.js, &cfg);
    }
    if (s != NATS_OK) return tl::unexpected(nats_error(s, "key-value bucket " + name_));
    handle_ = std::move(handle);
    return handle_.get();
}

Result<std::optional<KeyValueEntry>> KeyValueBucket::get(const std::string& key) {
    auto h = open();
    if (!h) return tl::unexpected(h.error());
    kvEntry* e = nullptr;
    natsStatus s = kvStore_Get(&e, (*h)->kv, key.c_str());
    if (s == NATS_NOT_FOUND) return std::nullopt;
    if (s != NATS_OK) return tl::unexpected(nats_error(s, "get " + name_ + "/" + key));
    KeyValueEntry out;
    const auto* data = static_cast<const std::byte*>(kvEntry_Value(e));
    out.value.assign(data, data + kvEntry_ValueLen(e));
    out.revision = kvEntry_Revision(e);
    kvEntry_Destroy(e);
    return out;
}

Error KeyValueBucket::refusal(const std::string& key, std::uint64_t expected, Error original) {
    // libnats reports a failed revision check as a generic error: ask what is there now.
    auto now = get(key);
    if (!now) return original;
    const std::uint64_t revision = *now ? (*now)->revision : 0;
    if (revision == expected) return original;
    return Error{ErrorCode::conflict, name_ + "/" + key + " is at revision " +
                                          std::to_string(revision) + ", not " +
                                          std::to_string(expected)};
}

Result<std::uint64_t> KeyValueBucket::create(const std::string& key, ByteView value) {
    auto h = open();
    if (!h) return tl::unexpected(h.error());
    std::uint64_t rev = 0;
    natsStatus s =
        kvStore_Create(&rev, (*h)->kv, key.c_str(), value.data(), static_cast<int>(value.size()));
    if (s != NATS_OK) {
        return tl::unexpected(refusal(key, 0, nats_error(s, "create " + name_ + "/" + key)));
    }
    return rev;
}

Result<std::uint64_t> KeyValueBucket::update(const std::string& key, ByteView value,
                                             std::uint64_t last) {
    auto h = open();
    if (!h) return tl::unexpected(h.error());
    std::uint64_t rev = 0;
    natsStatus s = kvStore_Update(&rev, (*h)->kv, key.c_str(), value.data(),
                                  static_cast<int>(value.size()), last);
    if (s != NATS_OK) {
        return tl::unexpected(refusal(key, last, nats_error(s, "update " + name_ + "/" + key)));
    }
    return rev;
}

Result<std::uint64_t> KeyValueBucket::put(const std::string& key, ByteView value) {
    auto h = open();
    if (!h) return tl::unexpected(h.error());
    std::uint64_t rev = 0;
    natsStatus s =
        kvStore_Put(&rev, (*h)->kv, key.c_str(), value.data(), static_cast<int>(value.size()));
    if (s != NATS_OK) return tl::unexpected(nats_error(s, "put " + name_ + "/" + key));
    return rev;
}

Result<void> KeyValueBucket::erase(const std::string& key) {
    auto h = open();
    if (!h) return tl::unexpected(h.error());
    natsStatus s = kvStore_Delete((*h)->kv, key.c_str());
    if (s != NATS_OK) return tl::unexpected(nats_error(s, "delete " + name_ + "/" + key));
    return {};
}

}  // namespace tanda::cluster
