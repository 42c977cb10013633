// The client side of the admin API, for `tanda admin ...`: one request over a transport the CLI
// wires (http::TlsClient with a client certificate), and the human text for each answer (what
// was done, or why it was refused).
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "http/message.hpp"

namespace tanda::admin {

// Where the admin listener is: https://host[:port] (a path, if any, is ignored; port 443 when
// none); ErrorCode::invalid_argument for anything else.
struct AdminEndpoint {
    std::string host;  // without the brackets of an IPv6 literal
    std::string port;
};
[[nodiscard]] Result<AdminEndpoint> parse_admin_url(const std::string& url);

// Sends one request to the admin listener and reads its answer; ErrorCode::io naming the step
// that failed. Bound by the CLI to http::TlsClient::send, so admin/ links no Asio.
using AdminTransport = std::function<Result<http::Response>(const http::Request&)>;

struct ClientReply {
    unsigned status = 0;
    std::string body;          // JSON
    std::string status_token;  // a revocation's Tanda-Status-Token header, else empty
};

class AdminClient {
public:
    explicit AdminClient(AdminTransport transport) : transport_(std::move(transport)) {}
    // GET when `body` is empty and `post` false; POST application/json otherwise.
    [[nodiscard]] Result<ClientReply> call(bool post, const std::string& target,
                                           const std::string& body) const;

private:
    AdminTransport transport_;
};

// A JSON object of the given fields; values are strings, except `json_arrays` fields whose
// value is a list of strings.
std::string json_object(const std::vector<std::pair<std::string, std::string>>& fields,
                        const std::vector<std::pair<std::string, std::vector<std::string>>>&
                            json_arrays = {});

// One line saying why the server refused (status >= 300), with a hint per kind of refusal.
std::string describe_refusal(const ClientReply& reply);
// The JSON body indented for people.
std::string pretty_json(const std::string& body);

}  // namespace tanda::admin
