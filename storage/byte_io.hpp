// Little-endian writer and bounds-checked reader for the fixed on-disk layouts of FORMAT.md.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/bytes.hpp"

namespace tanda::storage {

// Appends to a caller-owned buffer, so a hot loop can reuse one allocation.
class ByteWriter {
public:
    explicit ByteWriter(Bytes& out) : out_(out) {}

    void u8(std::uint8_t v) { out_.push_back(std::byte{v}); }
    void u16(std::uint16_t v) { le(v, 2); }
    void u32(std::uint32_t v) { le(v, 4); }
    void u64(std::uint64_t v) { le(v, 8); }
    void i64(std::int64_t v) { le(static_cast<std::uint64_t>(v), 8); }
    void raw(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
    // u16 length then the bytes; the caller has checked the length fits.
    void str16(std::string_view s) {
        u16(static_cast<std::uint16_t>(s.size()));
        raw(as_bytes(s));
    }
    void bytes8(ByteView b) {
        u8(static_cast<std::uint8_t>(b.size()));
        raw(b);
    }

private:
    void le(std::uint64_t v, int n) {
        for (int i = 0; i < n; ++i) out_.push_back(std::byte(v >> (8 * i)));
    }
    Bytes& out_;
};

// Reads a view; any read past the end sets !ok() and yields zeros/empties from then on.
class ByteReader {
public:
    explicit ByteReader(ByteView in) : in_(in) {}

    bool ok() const { return ok_; }
    bool at_end() const { return pos_ == in_.size(); }
    std::size_t remaining() const { return in_.size() - pos_; }

    std::uint8_t u8() { return static_cast<std::uint8_t>(le(1)); }
    std::uint16_t u16() { return static_cast<std::uint16_t>(le(2)); }
    std::uint32_t u32() { return static_cast<std::uint32_t>(le(4)); }
    std::uint64_t u64() { return le(8); }
    std::int64_t i64() { return static_cast<std::int64_t>(le(8)); }
    ByteView raw(std::size_t n) {
        if (!take(n)) return {};
        return in_.subspan(pos_ - n, n);
    }
    void str16(std::string& out) { out.assign(as_chars(raw(u16()))); }
    ByteView bytes8() { return raw(u8()); }

private:
    bool take(std::size_t n) {
        if (!ok_ || in_.size() - pos_ < n) {
            ok_ = false;
            return false;
        }
        pos_ += n;
        return true;
    }
    std::uint64_t le(int n) {
        if (!take(static_cast<std::size_t>(n))) return 0;
        std::uint64_t v = 0;
        for (int i = 0; i < n; ++i) {
            v |= std::uint64_t(std::to_integer<std::uint8_t>(in_[pos_ - n + i])) << (8 * i);
        }
        return v;
    }
    ByteView in_;
    std::size_t pos_ = 0;
    bool ok_ = true;
};

}  // namespace tanda::storage
