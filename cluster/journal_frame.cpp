#include "cluster/journal_frame.hpp"

#include <algorithm>

#include "storage/byte_io.hpp"

namespace tanda::cluster {
namespace {

constexpr std::uint8_t kFrameFormat = 2;
constexpr std::uint8_t kFrameFormatWithoutSeq = 1;

}  // namespace

void encode_frame(const storage::JournalHead& head, std::uint64_t written_after,
                  std::span<const ByteView> commands, Bytes& out) {
    out.clear();
    storage::ByteWriter w(out);
    w.u8(kFrameFormat);
    w.u64(head.seq);
    w.raw(head.hash);
    w.u64(written_after);
    w.u32(static_cast<std::uint32_t>(commands.size()));
    for (ByteView command : commands) {
        w.u32(static_cast<std::uint32_t>(command.size()));
        w.raw(command);
    }
}

std::optional<JournalFrame> decode_frame(ByteView message) {
    storage::ByteReader r(message);
    JournalFrame frame;
    const std::uint8_t format = r.u8();
    frame.head.seq = r.u64();
    std::ranges::copy(r.raw(frame.head.hash.size()), frame.head.hash.begin());
    if (format == kFrameFormat) frame.written_after = r.u64();
    const std::uint32_t count = r.u32();
    // Each command takes at least its 4-byte length: a count beyond that is malformed.
    if (!r.ok() || (format != kFrameFormat && format != kFrameFormatWithoutSeq) || count == 0 ||
        count > r.remaining() / 4) {
        return std::nullopt;
    }
    for (std::uint32_t i = 0; i < count; ++i) frame.commands.push_back(r.raw(r.u32()));
    if (!r.ok() || !r.at_end()) return std::nullopt;
    return frame;
}

}  // namespace tanda::cluster
