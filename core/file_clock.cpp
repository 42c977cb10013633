#include "core/file_clock.hpp"

#include <charconv>
#include <fstream>
#include <iterator>

namespace tanda {

UnixSeconds FileClock::now() const {
    std::ifstream in(path_);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    UnixSeconds t = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), t);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        return fallback_.now();
    }
    return t;
}

}  // namespace tanda
