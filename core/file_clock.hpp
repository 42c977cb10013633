// A test-only clock: the Unix time written in a file, so that an integration test moves the
// time of a running server by rewriting one file (TANDA_TEST_CLOCK_FILE, cli/serve_command.cpp).
#pragma once

#include <string>

#include "core/clock.hpp"

namespace tanda {

class FileClock final : public Clock {
public:
    explicit FileClock(std::string path) : path_(std::move(path)) {}
    // The decimal Unix seconds the file holds now (re-read on every call: tests only), or the
    // system clock's time while the file is missing or holds anything else.
    UnixSeconds now() const override;

private:
    std::string path_;
    SystemClock fallback_;
};

}  // namespace tanda
