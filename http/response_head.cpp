#include "http/response_head.hpp"

#include <charconv>

namespace tanda::http {

void render_head(const Response& res, std::string& out) {
    out.clear();
    const unsigned version = res.version();
    out += "HTTP/";
    out += static_cast<char>('0' + version / 10);
    out += '.';
    out += static_cast<char>('0' + version % 10);
    out += ' ';
    char code[4];
    auto end = std::to_chars(code, code + sizeof code, res.result_int()).ptr;
    out.append(code, end);
    out += ' ';
    out += reason(res.result());
    out += "\r\n";
    for (const auto& field : res.fields()) {
        out += field.name;
        out += ": ";
        out += field.value;
        out += "\r\n";
    }
    out += "\r\n";
}

}  // namespace tanda::http
