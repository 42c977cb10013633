// Wall-clock time, passed in rather than read globally, so tests can use a fake clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace tanda {

using UnixSeconds = std::int64_t;

class Clock {
public:
    virtual ~Clock() = default;
    // Seconds since the Unix epoch (UTC). Thread-safe.
    virtual UnixSeconds now() const = 0;
};

class SystemClock final : public Clock {
public:
    UnixSeconds now() const override {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

}  // namespace tanda
