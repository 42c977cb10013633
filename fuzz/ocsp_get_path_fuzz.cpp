// GET /ocsp/<url-encoded base64 DER> (RFC 6960 A.1, RFC 5019 5): the path is attacker-chosen text
// decoded before anything else looks at it. Properties checked on every input:
//  - decode_ocsp_get_path() returns (no crash, leak or sanitizer report), and never yields more
//    bytes than the base64 it was given can hold;
//  - whatever DER SEQUENCE it decodes (the first byte of every OCSPRequest is 0x30, so its
//    base64 starts with 'M' and never with a '/' that the leading-slash rule would eat), it
//    decodes again from every spelling of the same bytes that clients send: plain base64,
//    base64 percent-escaped, base64url without padding, behind "//" — so the tolerant rules never
//    make one request mean two things.
#include <string>

#include "core/base64.hpp"
#include "fuzz/fuzz_check.hpp"
#include "ocsp/ocsp_get_path.hpp"

using tanda::fuzz::check;

namespace {

std::string percent_escaped(const std::string& b64) {
    std::string out;
    for (char c : b64) {
        if (c == '+') out += "%2B";
        else if (c == '/') out += "%2f";
        else if (c == '=') out += "%3D";
        else out += c;
    }
    return out;
}

std::string base64url_unpadded(std::string b64) {
    while (!b64.empty() && b64.back() == '=') b64.pop_back();
    for (char& c : b64) {
        if (c == '+') c = '-';
        else if (c == '/') c = '_';
    }
    return b64;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view path(reinterpret_cast<const char*>(data), size);
    auto der = tanda::ocsp::decode_ocsp_get_path(path);
    if (!der || der->empty()) return 0;
    check(der->size() <= size / 4 * 3 + 3, "decoded more bytes than the text can hold");

    if (der->front() != std::byte{0x30}) return 0;

    std::string b64 = tanda::base64_encode(*der);
    for (const std::string& spelling :
         {b64, percent_escaped(b64), base64url_unpadded(b64), "//" + b64}) {
        auto again = tanda::ocsp::decode_ocsp_get_path(spelling);
        check(again && *again == *der, "a standard spelling of the same bytes decodes differently");
    }
    return 0;
}
