// The shapes some config strings must have. Plain character loops rather than std::regex:
// libstdc++ compiles a regex on every call (`[a-z0-9_-]{0,62}` clones 62 states), which made a
// config load mostly regex construction and the config fuzz target a third as fast.
#pragma once

#include <cstddef>
#include <string_view>

namespace tanda::config {

// 1-63 of a-z, 0-9, '_' or '-', starting with a letter or digit: it appears in URLs and metrics.
bool is_ca_name(std::string_view s);
// One or more "/segment" of A-Z a-z 0-9 . _ ~ - (URL-safe, no trailing slash), e.g. "/ocsp".
bool is_path_prefix(std::string_view s);
// Exactly `count` hex digits, either case.
bool is_hex_digits(std::string_view s, std::size_t count);
// scheme "://" rest: a scheme of a letter then letters, digits, '+', '.', '-', and a non-empty
// rest without whitespace, e.g. "http://crl.example/ca.crl".
bool is_uri(std::string_view s);

}  // namespace tanda::config
