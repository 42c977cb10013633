// SharedFiles: a head key per name ("<number> <tag> <chunks> <size> <sha256 hex>") and the
// chunks under "<name>.<number>.<i>".
#include "cluster/shared_files.hpp"

#include <algorithm>
#include <sstream>

#include "core/sha256.hpp"

namespace tanda::cluster {

struct SharedFiles::Head {
    std::uint64_t number = 0;
    std::uint64_t tag = 0;
    std::uint64_t chunks = 0;
    std::uint64_t size = 0;
    std::string sha256;
    std::uint64_t revision = 0;

    std::string encode() const {
        return std::to_string(number) + " " + std::to_string(tag) + " " + std::to_string(chunks) +
               " " + std::to_string(size) + " " + sha256;
    }
};

namespace {

std::string chunk_key(const std::string& name, std::uint64_t number, std::uint64_t i) {
    return name + "." + std::to_string(number) + "." + std::to_string(i);
}

}  // namespace

SharedFiles::SharedFiles(KeyValueBucket& bucket, std::size_t chunk_bytes)
    : bucket_(bucket), chunk_bytes_(std::max<std::size_t>(chunk_bytes, 1)) {}

Result<std::optional<SharedFiles::Head>> SharedFiles::head(const std::string& name) {
    auto entry = bucket_.get(name);
    if (!entry) return tl::unexpected(entry.error());
    if (!*entry) return std::nullopt;
    Head h;
    std::istringstream in{std::string(as_chars((*entry)->value))};
    if (!(in >> h.number >> h.tag >> h.chunks >> h.size >> h.sha256) || h.sha256.size() != 64) {
        return fail(ErrorCode::incompatible, "shared file head " + name + " is not readable");
    }
    h.revision = (*entry)->revision;
    return h;
}

Result<void> SharedFiles::put(const std::string& name, std::uint64_t number, std::uint64_t tag,
                              ByteView data) {
    auto old = head(name);
    if (!old) return tl::unexpected(old.error());
    if (*old && (*old)->number >= number) {
        return fail(ErrorCode::conflict, name + " already has number " +
                                             std::to_string((*old)->number) + ", not below " +
                                             std::to_string(number));
    }
    Head h{number, tag, 0, data.size(), to_hex(Sha256::digest(data)), 0};
    for (std::size_t at = 0; at < data.size() || h.chunks == 0; at += chunk_bytes_) {
        auto part = data.subspan(at, std::min(chunk_bytes_, data.size() - at));
        if (auto r = bucket_.put(chunk_key(name, number, h.chunks), part); !r) {
            return tl::unexpected(r.error());
        }
        ++h.chunks;
    }
    const std::string value = h.encode();
    auto written = *old ? bucket_.update(name, as_bytes(value), (*old)->revision)
                        : bucket_.create(name, as_bytes(value));
    if (!written) return tl::unexpected(written.error());
    // The previous file's chunks: nobody starts reading them now (a reader that already had
    // the old head fails its check and reads again).
    if (*old) {
        for (std::uint64_t i = 0; i < (*old)->chunks; ++i) {
            (void)bucket_.erase(chunk_key(name, (*old)->number, i));
        }
    }
    return {};
}

Result<std::optional<SharedFile>> SharedFiles::newer(const std::string& name, std::uint64_t after) {
    auto h = head(name);
    if (!h) return tl::unexpected(h.error());
    if (!*h || (*h)->number <= after) return std::nullopt;
    SharedFile file{(*h)->number, (*h)->tag, {}};
    file.data.reserve((*h)->size);
    for (std::uint64_t i = 0; i < (*h)->chunks; ++i) {
        auto chunk = bucket_.get(chunk_key(name, (*h)->number, i));
        if (!chunk) return tl::unexpected(chunk.error());
        if (!*chunk) {
            return fail(ErrorCode::unavailable, name + " changed while it was read");
        }
        file.data.insert(file.data.end(), (*chunk)->value.begin(), (*chunk)->value.end());
    }
    if (file.data.size() != (*h)->size || to_hex(Sha256::digest(file.data)) != (*h)->sha256) {
        return fail(ErrorCode::unavailable, name + " " + std::to_string((*h)->number) +
                                                " does not match its size and SHA-256");
    }
    return file;
}

}  // namespace tanda::cluster
