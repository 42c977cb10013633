// The client side of the admin API, for `tanda admin ...`: one HTTPS request with a client
// certificate, and the human text for each answer (what was done, or why it was refused).
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "http/tls_client.hpp"

namespace tanda::admin {

struct ClientOptions {
    std::string url;  // https://host:port (a path, if any, is ignored)
    http::TlsClientFiles tls;
    std::chrono::seconds timeout{30};
};

struct ClientReply {
    unsigned status = 0;
    std::string body;  // JSON
};

class AdminClient {
public:
    // ErrorCode::invalid_argument for a URL that is not https://host[:port]; config for files.
    [[nodiscard]] static Result<AdminClient> create(const ClientOptions& options);
    // GET when `body` is empty and `post` false; POST application/json otherwise.
    [[nodiscard]] Result<ClientReply> call(bool post, const std::string& target,
                                           const std::string& body) const;

private:
    AdminClient(http::TlsClient client, std::string host, std::string port,
                std::chrono::seconds timeout)
        : client_(std::move(client)), host_(std::move(host)), port_(std::move(port)),
          timeout_(timeout) {}
    http::TlsClient client_;
    std::string host_, port_;
    std::chrono::seconds timeout_;
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
