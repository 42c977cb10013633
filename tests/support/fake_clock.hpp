// A clock tests set by hand instead of sleeping.
#pragma once

#include <atomic>

#include "core/clock.hpp"

namespace tanda::test {

class FakeClock final : public Clock {
public:
    explicit FakeClock(UnixSeconds start = 1'790'000'000) : now_(start) {}
    UnixSeconds now() const override { return now_.load(); }
    void set(UnixSeconds t) { now_ = t; }
    void advance(UnixSeconds by) { now_ += by; }

private:
    std::atomic<UnixSeconds> now_;
};

}  // namespace tanda::test
