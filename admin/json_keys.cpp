#include "admin/json_keys.hpp"

#include <set>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>

namespace tanda::admin {
namespace {

using boost::json::string_view;
using boost::system::error_code;

// A Boost.JSON SAX handler that only keeps the keys of the objects being read.
struct KeyChecker {
    static constexpr std::size_t max_object_size = std::size_t(-1);
    static constexpr std::size_t max_array_size = std::size_t(-1);
    static constexpr std::size_t max_key_size = std::size_t(-1);
    static constexpr std::size_t max_string_size = std::size_t(-1);

    std::vector<std::set<std::string, std::less<>>> open;  // keys of each object being read
    std::string key;                                      // a key arriving in parts
    std::optional<std::string> duplicate;

    bool on_object_begin(error_code&) {
        open.emplace_back();
        return true;
    }
    bool on_object_end(std::size_t, error_code&) {
        open.pop_back();
        return true;
    }
    bool on_key_part(string_view s, std::size_t, error_code&) {
        key.append(s.data(), s.size());
        return true;
    }
    bool on_key(string_view s, std::size_t, error_code& ec) {
        key.append(s.data(), s.size());
        if (!open.back().insert(key).second) {
            duplicate = key;
            ec = boost::json::error::syntax;  // stop here: one is enough
            return false;
        }
        key.clear();
        return true;
    }
    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }
    bool on_array_begin(error_code&) { return true; }
    bool on_array_end(std::size_t, error_code&) { return true; }
    bool on_string_part(string_view, std::size_t, error_code&) { return true; }
    bool on_string(string_view, std::size_t, error_code&) { return true; }
    bool on_number_part(string_view, error_code&) { return true; }
    bool on_int64(std::int64_t, string_view, error_code&) { return true; }
    bool on_uint64(std::uint64_t, string_view, error_code&) { return true; }
    bool on_double(double, string_view, error_code&) { return true; }
    bool on_bool(bool, error_code&) { return true; }
    bool on_null(error_code&) { return true; }
    bool on_comment_part(string_view, error_code&) { return true; }
    bool on_comment(string_view, error_code&) { return true; }
};

}  // namespace

std::optional<std::string> duplicate_key(std::string_view json) {
    boost::json::basic_parser<KeyChecker> parser{boost::json::parse_options{}};
    error_code ec;
    parser.write_some(false, json.data(), json.size(), ec);
    return parser.handler().duplicate;
}

}  // namespace tanda::admin
