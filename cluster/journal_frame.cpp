#include "cluster/journal_frame.hpp"

#include <algorithm>

namespace tanda::cluster {
namespace {

constexpr std::byte kFrameFormat{1};
constexpr std::size_t kHeaderBytes = 1 + 8 + 32 + 4;

void put_le(Bytes& out, std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) out.push_back(std::byte(v >> (8 * i)));
}

std::uint64_t get_le(ByteView in, std::size_t at, int n) {
    std::uint64_t v = 0;
    for (int i = 0; i < n; ++i) v |= std::to_integer<std::uint64_t>(in[at + i]) << (8 * i);
    return v;
}

}  // namespace

void encode_frame(const storage::JournalHead& head, std::span<const ByteView> commands,
                  Bytes& out) {
    out.clear();
    out.push_back(kFrameFormat);
    put_le(out, head.seq, 8);
    out.insert(out.end(), head.hash.begin(), head.hash.end());
    put_le(out, commands.size(), 4);
    for (ByteView command : commands) {
        put_le(out, command.size(), 4);
        out.insert(out.end(), command.begin(), command.end());
    }
}

std::optional<JournalFrame> decode_frame(ByteView message) {
    if (message.size() < kHeaderBytes || message[0] != kFrameFormat) return std::nullopt;
    JournalFrame frame;
    frame.head.seq = get_le(message, 1, 8);
    std::copy_n(message.begin() + 9, 32, frame.head.hash.begin());
    const std::uint64_t count = get_le(message, 41, 4);
    std::size_t at = kHeaderBytes;
    // Each command takes at least its 4-byte length: a count beyond that is malformed.
    if (count == 0 || count > (message.size() - at) / 4) return std::nullopt;
    for (std::uint64_t i = 0; i < count; ++i) {
        if (message.size() - at < 4) return std::nullopt;
        const std::uint64_t length = get_le(message, at, 4);
        at += 4;
        if (message.size() - at < length) return std::nullopt;
        frame.commands.push_back(message.subspan(at, length));
        at += length;
    }
    if (at != message.size()) return std::nullopt;
    return frame;
}

}  // namespace tanda::cluster
