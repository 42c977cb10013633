#include "pki/pin_source.hpp"

#include <cstdlib>

#include "pki/secret_file.hpp"

namespace tanda::pki {
namespace {

constexpr std::string_view kFile = "file:";
constexpr std::string_view kCredential = "credential:";

// The file `pin_source` names; pkcs11_uri.cpp already checked its form.
Result<std::string> pin_path(std::string_view pin_source) {
    if (pin_source.rfind(kFile, 0) == 0) return std::string(pin_source.substr(kFile.size()));
    if (pin_source.rfind(kCredential, 0) == 0) {
        // systemd sets it for a unit with LoadCredential= (systemd.exec(5), "Credentials").
        const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
        if (dir == nullptr || *dir == '\0') {
            return fail(ErrorCode::config,
                        "pin-source " + std::string(pin_source) +
                            ": $CREDENTIALS_DIRECTORY is not set (LoadCredential= in the unit)");
        }
        return std::string(dir) + "/" + std::string(pin_source.substr(kCredential.size()));
    }
    return fail(ErrorCode::config, "pin-source " + std::string(pin_source) +
                                       ": expected file:/path or credential:NAME");
}

}  // namespace

Result<std::string> read_pin(std::string_view pin_source) {
    auto path = pin_path(pin_source);
    if (!path) return tl::unexpected(path.error());
    std::string pin;
    if (auto read = read_secret_file(*path, pin); !read) {
        Cleanse wipe(pin);
        return tl::unexpected(read.error().with_context("pin-source"));
    }
    // `echo 1234 > pin` writes a newline that is not part of the PIN.
    if (!pin.empty() && pin.back() == '\n') pin.pop_back();
    if (!pin.empty() && pin.back() == '\r') pin.pop_back();
    if (pin.empty()) {
        return fail(ErrorCode::config,
                    "pin-source " + std::string(pin_source) + ": the PIN is empty");
    }
    return pin;
}

}  // namespace tanda::pki
