#include "cluster/journal_frame.hpp"

#include <algorithm>

namespace tanda::cluster {
namespace {

constexpr std::byte kFrameFormat{1};
constexpr std::size_t kHeaderBytes = 1 + 8 + 32;

}  // namespace

void encode_frame(const storage::JournalHead& head, ByteView command, Bytes& out) {
    out.clear();
    out.reserve(kHeaderBytes + command.size());
    out.push_back(kFrameFormat);
    for (int i = 0; i < 8; ++i) out.push_back(std::byte(head.seq >> (8 * i)));
    out.insert(out.end(), head.hash.begin(), head.hash.end());
    out.insert(out.end(), command.begin(), command.end());
}

std::optional<JournalFrame> decode_frame(ByteView message) {
    if (message.size() <= kHeaderBytes || message[0] != kFrameFormat) return std::nullopt;
    JournalFrame frame;
    for (int i = 0; i < 8; ++i) {
        frame.head.seq |= std::to_integer<std::uint64_t>(message[1 + i]) << (8 * i);
    }
    std::copy_n(message.begin() + 9, 32, frame.head.hash.begin());
    frame.command = message.subspan(kHeaderBytes);
    return frame;
}

}  // namespace tanda::cluster
