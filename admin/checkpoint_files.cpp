#include "admin/checkpoint_files.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "pki/certificate.hpp"

namespace tanda::admin {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kPrefix = "checkpoint-";
constexpr std::string_view kSuffix = ".p7s";

std::optional<std::uint64_t> seq_of(std::string_view name) {
    if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) return std::nullopt;
    name = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
    std::uint64_t seq = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), seq);
    if (ec != std::errc() || end != name.data() + name.size() || seq == 0) return std::nullopt;
    return seq;
}

Result<Bytes> read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in && !in.eof()) return fail(ErrorCode::io, "cannot read " + path);
    auto view = as_bytes(text);
    return Bytes(view.begin(), view.end());
}

}  // namespace

std::string checkpoint_file_name(std::uint64_t seq) {
    return std::string(kPrefix) + std::to_string(seq) + std::string(kSuffix);
}

Result<std::string> write_checkpoint_file(const std::string& directory, std::uint64_t seq,
                                          ByteView signed_data) {
    const std::string path = (fs::path(directory) / checkpoint_file_name(seq)).string();
    std::string_view text(reinterpret_cast<const char*>(signed_data.data()), signed_data.size());
    if (auto ok = pki::write_file_atomic(path, text, 0644); !ok) {
        return tl::unexpected(ok.error());
    }
    return path;
}

Result<std::optional<StoredCheckpoint>> newest_checkpoint_file(const std::string& directory) {
    std::error_code ec;
    std::optional<StoredCheckpoint> best;
    for (const auto& entry : fs::directory_iterator(directory, ec)) {
        auto seq = seq_of(entry.path().filename().string());
        if (seq && (!best || *seq > best->seq)) best = StoredCheckpoint{*seq, entry.path(), {}};
    }
    if (ec && ec != std::errc::no_such_file_or_directory) {
        return fail(ErrorCode::io, "cannot list " + directory + ": " + ec.message());
    }
    if (!best) return best;
    auto bytes = read_all(best->path);
    if (!bytes) return tl::unexpected(bytes.error());
    best->signed_data = std::move(*bytes);
    return best;
}

}  // namespace tanda::admin
