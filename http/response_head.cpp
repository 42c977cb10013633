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
    const auto reason = res.reason();
    out.append(reason.data(), reason.size());
    out += "\r\n";
    for (const auto& field : res) {
        const auto name = field.name_string();
        const auto value = field.value();
        out.append(name.data(), name.size());
        out += ": ";
        out.append(value.data(), value.size());
        out += "\r\n";
    }
    out += "\r\n";
}

}  // namespace tanda::http
