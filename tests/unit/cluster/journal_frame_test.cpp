// The stream message layout: the writer's journal head and applied stream sequence, and the
// batched write commands.
#include "cluster/journal_frame.hpp"

#include <catch2/catch.hpp>

using namespace tanda;
using namespace tanda::cluster;

namespace {

Bytes bytes_of(std::string_view s) {
    auto b = as_bytes(s);
    return Bytes(b.begin(), b.end());
}

}  // namespace

TEST_CASE("a frame carries the head and its commands in order", "[cluster]") {
    storage::JournalHead head;
    head.seq = 0x0102030405060708;
    head.hash.fill(std::byte{0xAB});
    Bytes one = bytes_of("first"), two = bytes_of(""), three = bytes_of("third command");
    std::vector<ByteView> commands{one, two, three};
    Bytes message;
    encode_frame(head, 0x1112131415161718, commands, message);
    auto frame = decode_frame(message);
    REQUIRE(frame);
    CHECK(frame->head.seq == head.seq);
    CHECK(frame->head.hash == head.hash);
    CHECK(frame->written_after == 0x1112131415161718);
    REQUIRE(frame->commands.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(Bytes(frame->commands[i].begin(), frame->commands[i].end()) ==
              Bytes(commands[i].begin(), commands[i].end()));
    }
}

TEST_CASE("a malformed frame is refused", "[cluster]") {
    storage::JournalHead head;
    Bytes one = bytes_of("write");
    std::vector<ByteView> commands{one};
    Bytes message;
    encode_frame(head, 7, commands, message);
    REQUIRE(decode_frame(message));

    Bytes truncated(message.begin(), message.end() - 1);
    Bytes trailing = message;
    trailing.push_back(std::byte{0});
    Bytes other_format = message;
    other_format[0] = std::byte{3};
    Bytes no_commands;
    encode_frame(head, 7, {}, no_commands);
    Bytes huge_count = message;  // the count follows format, head seq and hash, applied seq
    huge_count[49] = std::byte{0xFF};
    huge_count[52] = std::byte{0x7F};
    for (const Bytes& bad : {truncated, trailing, other_format, no_commands, huge_count, Bytes{}}) {
        CHECK_FALSE(decode_frame(bad));
    }
}

TEST_CASE("a format 1 frame, without the applied sequence, is still read", "[cluster]") {
    storage::JournalHead head;
    head.seq = 5;
    head.hash.fill(std::byte{0x11});
    Bytes one = bytes_of("write");
    std::vector<ByteView> commands{one};
    Bytes message;
    encode_frame(head, 9, commands, message);
    // Format 1 is format 2 without the 8 bytes after the head hash.
    Bytes old(message.begin(), message.begin() + 41);
    old.insert(old.end(), message.begin() + 49, message.end());
    old[0] = std::byte{1};
    auto frame = decode_frame(old);
    REQUIRE(frame);
    CHECK(frame->head.seq == 5);
    CHECK(frame->head.hash == head.hash);
    CHECK_FALSE(frame->written_after);
    REQUIRE(frame->commands.size() == 1);
    CHECK(Bytes(frame->commands[0].begin(), frame->commands[0].end()) == one);
}
