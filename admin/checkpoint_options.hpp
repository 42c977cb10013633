// Signed journal checkpoints (the config's `checkpoint:` section); config/ fills it, admin/'s
// Checkpointer makes them, `tanda verify --checkpoint` checks them.
#pragma once

#include <chrono>
#include <string>

namespace tanda::admin {

struct CheckpointOptions {
    bool enabled = false;     // the section is present
    std::string certificate;  // PEM or DER; auditors verify with it (openssl cms -verify)
    std::string key;          // its private key file
    std::string directory;    // checkpoint-<seq>.p7s files are written here, to ship off
    // Between timed checkpoints; 0: on demand only (POST /v1/checkpoints).
    std::chrono::seconds interval{3600};
    std::string location;  // "file:line" of the section
};

}  // namespace tanda::admin
