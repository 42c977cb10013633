#include "admin/admin_client.hpp"

#include <regex>

#include <boost/json.hpp>

#include "admin/status_token_header.hpp"

namespace tanda::admin {
namespace {

namespace json = boost::json;

void pretty(std::string& out, const json::value& v, int indent) {
    const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
    if (v.is_object() && !v.as_object().empty()) {
        out += "{\n";
        std::size_t i = 0;
        for (const auto& kv : v.as_object()) {
            out += pad + "  " + json::serialize(json::value(kv.key())) + ": ";
            pretty(out, kv.value(), indent + 1);
            out += ++i < v.as_object().size() ? ",\n" : "\n";
        }
        out += pad + "}";
    } else if (v.is_array() && !v.as_array().empty()) {
        out += "[\n";
        std::size_t i = 0;
        for (const auto& item : v.as_array()) {
            out += pad + "  ";
            pretty(out, item, indent + 1);
            out += ++i < v.as_array().size() ? ",\n" : "\n";
        }
        out += pad + "]";
    } else {
        out += json::serialize(v);
    }
}

std::string hint(unsigned status) {
    switch (status) {
        case 400: return "the request was rejected as invalid";
        case 401: return "the admin listener did not accept the client certificate (check --cert "
                         "and --key, and that admin.client_ca holds its issuer)";
        case 403: return "the client certificate lacks the role for this (admin.roles)";
        case 404: return "not found";
        case 409: return "refused: it conflicts with what is recorded";
        case 413: return "the request is too large (admin.listen.max_body_bytes)";
        case 429: return "too many failed attempts with this certificate (or, without one, from "
                         "this address); wait for Retry-After or ask an operator to lift it "
                         "(tanda admin blocks, tanda admin unblock)";
        default: return "the server answered " + std::to_string(status);
    }
}

}  // namespace

Result<AdminEndpoint> parse_admin_url(const std::string& url) {
    static const std::regex pattern("https://(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(:([0-9]{1,5}))?(/.*)?");
    std::smatch m;
    if (!std::regex_match(url, m, pattern)) {
        return fail(ErrorCode::invalid_argument,
                    "--url must look like https://127.0.0.1:8443, not '" + url + "'");
    }
    std::string host = m[1].str();
    if (host.front() == '[') host = host.substr(1, host.size() - 2);
    return AdminEndpoint{host, m[3].matched ? m[3].str() : "443"};
}

Result<ClientReply> AdminClient::call(bool post, const std::string& target,
                                      const std::string& body) const {
    http::Request req{post ? http::Verb::post : http::Verb::get, target, 11};
    req.set(http::Field::accept, "application/json");
    req.set(http::Field::user_agent, "tanda-admin");
    if (post) {
        req.set(http::Field::content_type, "application/json");
        req.body() = body;
    }
    auto res = transport_(req);
    if (!res) return tl::unexpected(res.error());
    return ClientReply{res->result_int(), res->body(), std::string((*res)[kStatusTokenHeader])};
}

std::string json_object(const std::vector<std::pair<std::string, std::string>>& fields,
                        const std::vector<std::pair<std::string, std::vector<std::string>>>&
                            json_arrays) {
    json::object o;
    for (const auto& [k, v] : fields) o[k] = v;
    for (const auto& [k, list] : json_arrays) {
        json::array a;
        for (const auto& item : list) a.emplace_back(item);
        o[k] = std::move(a);
    }
    return json::serialize(o);
}

std::string describe_refusal(const ClientReply& reply) {
    std::string text = hint(reply.status);
    boost::system::error_code ec;
    json::value v = json::parse(reply.body, ec);
    if (!ec && v.is_object() && v.as_object().contains("error") &&
        v.as_object().at("error").is_object()) {
        const auto& e = v.as_object().at("error").as_object();
        if (e.contains("field") && e.at("field").is_string()) {
            text += " [field " + std::string(e.at("field").as_string()) + "]";
        }
        if (e.contains("message") && e.at("message").is_string()) {
            text += ": " + std::string(e.at("message").as_string());
        }
    } else if (!reply.body.empty()) {
        text += ": " + reply.body.substr(0, 200);
    }
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

std::string pretty_json(const std::string& body) {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec) return body;
    std::string out;
    pretty(out, v, 0);
    return out + "\n";
}

}  // namespace tanda::admin
