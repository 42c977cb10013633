#include "core/sha256.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

namespace {

std::string hex_digest(std::string_view input) {
    return tanda::to_hex(tanda::Sha256::digest(tanda::as_bytes(input)));
}

}  // namespace

TEST_CASE("SHA-256 matches the FIPS 180-4 example vectors", "[sha256]") {
    auto [input, expected] = GENERATE(table<std::string, std::string>({
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnop"
         "qrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    }));
    CHECK(hex_digest(input) == expected);
}

TEST_CASE("SHA-256 of one million 'a'", "[sha256]") {
    tanda::Sha256 h;
    const std::string chunk(1000, 'a');
    for (int i = 0; i < 1000; ++i) h.update(tanda::as_bytes(chunk));
    CHECK(tanda::to_hex(h.finish()) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("SHA-256 padding at block boundaries", "[sha256]") {
    // References from Python's hashlib.
    auto [n, expected] = GENERATE(table<std::size_t, std::string>({
        {55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
        {56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
        {57, "f13b2d724659eb3bf47f2dd6af1accc87b81f09f59f2b75e5c0bed6589dfe8c6"},
        {63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
        {64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
        {65, "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
        {119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
        {120, "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
    }));
    CHECK(hex_digest(std::string(n, 'a')) == expected);
}

TEST_CASE("SHA-256 incremental updates equal one-shot hashing", "[sha256]") {
    std::string input;
    for (int i = 0; i < 200; ++i) input.push_back(static_cast<char>('A' + i % 50));
    const auto expected = tanda::Sha256::digest(tanda::as_bytes(input));
    for (std::size_t split = 0; split <= input.size(); split += 7) {
        tanda::Sha256 h;
        h.update(tanda::as_bytes(std::string_view(input).substr(0, split)));
        h.update(tanda::as_bytes(std::string_view(input).substr(split)));
        CHECK(h.finish() == expected);
    }
}

TEST_CASE("SHA-256 one-shot digests agree across threads", "[sha256]") {
    // digest() keeps a libcrypto context per thread; each thread must get its own, reset each time.
    const std::string input(300, 'x');
    const auto expected = tanda::Sha256::digest(tanda::as_bytes(input));
    std::vector<int> mismatches(4, 0);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < mismatches.size(); ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 1000; ++i) {
                if (tanda::Sha256::digest(tanda::as_bytes(input)) != expected) ++mismatches[t];
            }
        });
    }
    for (auto& thread : threads) thread.join();
    CHECK(mismatches == std::vector<int>(4, 0));
}
