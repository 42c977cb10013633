#include "http/beast_message.hpp"

namespace tanda::http {

Verb from_beast(beast_http::verb verb) noexcept {
    switch (verb) {
        case beast_http::verb::delete_:
            return Verb::delete_;
        case beast_http::verb::get:
            return Verb::get;
        case beast_http::verb::head:
            return Verb::head;
        case beast_http::verb::post:
            return Verb::post;
        case beast_http::verb::put:
            return Verb::put;
        case beast_http::verb::patch:
            return Verb::patch;
        default:
            return Verb::unknown;
    }
}

beast_http::verb to_beast(Verb verb) noexcept {
    switch (verb) {
        case Verb::delete_:
            return beast_http::verb::delete_;
        case Verb::get:
            return beast_http::verb::get;
        case Verb::head:
            return beast_http::verb::head;
        case Verb::post:
            return beast_http::verb::post;
        case Verb::put:
            return beast_http::verb::put;
        case Verb::patch:
            return beast_http::verb::patch;
        case Verb::unknown:
            break;
    }
    return beast_http::verb::unknown;
}

void take_request(BeastRequest& in, Request& out) {
    out.method(from_beast(in.method()));
    const auto target = in.target();
    out.target(std::string_view(target.data(), target.size()));
    out.version(in.version());
    Fields& fields = out.fields();
    fields.clear();
    for (const auto& f : in) {
        const auto name = f.name_string();
        const auto value = f.value();
        fields.insert(std::string_view(name.data(), name.size()),
                      std::string_view(value.data(), value.size()));
    }
    out.body() = std::move(in.body());
}

BeastRequest to_beast(const Request& req) {
    const auto target = req.target();
    BeastRequest out{to_beast(req.method()), {target.data(), target.size()}, req.version()};
    for (const auto& f : req.fields()) out.insert(f.name, f.value);
    out.body() = req.body();
    return out;
}

Response take_response(BeastResponse&& in) {
    Response out{static_cast<Status>(in.result_int()), in.version()};
    for (const auto& f : in) {
        const auto name = f.name_string();
        const auto value = f.value();
        out.fields().insert(std::string_view(name.data(), name.size()),
                            std::string_view(value.data(), value.size()));
    }
    out.body() = std::move(in.body());
    return out;
}

}  // namespace tanda::http
