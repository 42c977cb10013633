// Immutable bytes shared by whoever keeps them, wherever they live: a heap buffer (an OCSP
// answer) or a mapped file (a CRL of millions of entries, served without a copy in memory).
#pragma once

#include <algorithm>
#include <memory>
#include <utility>

#include "core/bytes.hpp"

namespace tanda {

class SharedBytes {
public:
    SharedBytes() = default;
    // Takes the buffer over.
    explicit SharedBytes(Bytes bytes) {
        auto owned = std::make_shared<const Bytes>(std::move(bytes));
        view_ = *owned;
        owner_ = std::move(owned);
    }
    // Shares `bytes` (never null).
    explicit SharedBytes(std::shared_ptr<const Bytes> bytes)
        : view_(*bytes), owner_(std::move(bytes)) {}
    // `view` stays valid while `owner` lives (a mapping, a buffer).
    SharedBytes(std::shared_ptr<const void> owner, ByteView view)
        : view_(view), owner_(std::move(owner)) {}

    ByteView view() const { return view_; }
    const std::byte* data() const { return view_.data(); }
    std::size_t size() const { return view_.size(); }
    bool empty() const { return view_.empty(); }
    auto begin() const { return view_.begin(); }
    auto end() const { return view_.end(); }
    operator ByteView() const { return view_; }  // NOLINT: used as bytes everywhere
    // What keeps the bytes alive: tells a shared answer from a copy.
    const std::shared_ptr<const void>& owner() const { return owner_; }

    friend bool operator==(const SharedBytes& a, ByteView b) {
        return std::equal(a.view_.begin(), a.view_.end(), b.begin(), b.end());
    }
    friend bool operator==(const SharedBytes& a, const SharedBytes& b) { return a == b.view_; }
    friend bool operator==(const SharedBytes& a, const Bytes& b) { return a == ByteView(b); }

private:
    ByteView view_;
    std::shared_ptr<const void> owner_;
};

}  // namespace tanda
