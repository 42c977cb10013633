// A unique temporary directory for one test, removed with everything in it when the object
// goes out of scope. Header-only; any test suite may use it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>

namespace tanda::test {

class TempDir {
public:
    explicit TempDir(const std::string& prefix = "tanda-test") {
        std::random_device rd;
        std::mt19937_64 rng((std::uint64_t{rd()} << 32) ^ rd());
        const auto base = std::filesystem::temp_directory_path();
        for (int attempt = 0; attempt < 100; ++attempt) {
            auto candidate = base / (prefix + "-" + std::to_string(rng()));
            std::error_code ec;
            if (std::filesystem::create_directory(candidate, ec) && !ec) {
                path_ = candidate;
                return;
            }
        }
        throw std::runtime_error("cannot create a temporary directory under " + base.string());
    }
    ~TempDir() {
        std::error_code ec;  // never throw from a destructor; a leftover dir is harmless
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // A path inside the directory (not created).
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

}  // namespace tanda::test
