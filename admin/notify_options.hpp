// Webhook targets of the holder notifications (the config's `notify:` list); config/ fills it,
// admin/'s Notifier delivers to each, cli/ wires the HTTPS client.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace tanda::admin {

struct NotifyTarget {
    // Names the target in metrics labels and in its delivery cursor (storage meta
    // `notify/<name>/...`): renaming a target starts it afresh from the journal head.
    std::string name;
    std::string url;                   // https://host[:port]/path
    std::string ca_file;               // PEM bundle the receiver's certificate must chain to
    std::string secret_file;           // HMAC key: the file's bytes, one trailing newline dropped
    std::chrono::seconds timeout{10};  // connect + TLS + request + response, per attempt
    // Retries after a failure wait 1 s, then twice as long each time, up to this.
    std::chrono::seconds max_backoff{300};
    std::size_t max_response_bytes = 64 * 1024;  // the receiver's answer is read, then dropped
    std::string location;                        // "file:line" in the config
};

}  // namespace tanda::admin
