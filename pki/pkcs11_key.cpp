#include "pki/pkcs11_key.hpp"

// The ENGINE API is deprecated in OpenSSL 3.0, but libp11's engine is what Debian 12 ships for
// reaching tokens (its pkcs11 provider came later).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/engine.h>
#include <openssl/ui.h>

#include <map>
#include <mutex>

#include "pki/openssl_error.hpp"
#include "pki/openssl_handles.hpp"
#include "pki/pin_source.hpp"
#include "pki/secret_file.hpp"

namespace tanda::pki {
namespace {

// Every prompt fails: a daemon has no terminal, and a PIN only comes from pin-source.
int refuse_prompt(UI* /*ui*/, UI_STRING* /*prompt*/) { return 0; }

UI_METHOD* no_prompt() {
    static UI_METHOD* const method = [] {
        UI_METHOD* m = UI_create_method("tanda: no PIN prompts");
        if (m != nullptr) UI_method_set_reader(m, refuse_prompt);
        return m;
    }();
    return method;
}

// Guards the engines below and each engine's PIN between setting it and logging in.
std::mutex& engines_mutex() {
    static std::mutex m;
    return m;
}

// The initialised engine for `module` ("" for libp11's default). One per module, kept for the
// process's lifetime: keys loaded through it refer to it, and a PKCS#11 module must not be
// initialised twice in one process. Caller holds engines_mutex().
Result<ENGINE*> engine_for(const std::string& module) {
    static std::map<std::string, ENGINE*> engines;  // never freed, see above
    if (auto it = engines.find(module); it != engines.end()) return it->second;
    ENGINE* e = ENGINE_by_id("pkcs11");
    if (e == nullptr) {
        return crypto_fail("OpenSSL engine 'pkcs11' not found (install libengine-pkcs11-openssl)");
    }
    if (!module.empty() && ENGINE_ctrl_cmd_string(e, "MODULE_PATH", module.c_str(), 0) != 1) {
        ENGINE_free(e);
        return crypto_fail("PKCS#11 module " + module);
    }
    if (ENGINE_init(e) != 1) {
        ENGINE_free(e);
        return crypto_fail("OpenSSL engine 'pkcs11' with module " +
                           (module.empty() ? std::string("(default)") : module));
    }
    engines.emplace(module, e);
    return e;
}

}  // namespace

Result<PrivateKey> load_pkcs11_key(const Pkcs11Uri& uri) {
    std::string pin;
    Cleanse wipe(pin);
    if (!uri.pin_source.empty()) {
        auto read = read_pin(uri.pin_source);
        if (!read) return tl::unexpected(read.error().with_context(uri.text));
        pin.swap(*read);
    }
    std::lock_guard lock(engines_mutex());
    auto engine = engine_for(uri.module_path);
    if (!engine) return tl::unexpected(engine.error().with_context(uri.text));
    if (!pin.empty() && ENGINE_ctrl_cmd_string(*engine, "PIN", pin.c_str(), 0) != 1) {
        return crypto_fail(uri.text + ": setting the PIN");
    }
    EvpPkeyPtr pkey(
        ENGINE_load_private_key(*engine, uri.engine_uri().c_str(), no_prompt(), nullptr));
    if (!pkey) return crypto_fail(uri.text + ": cannot load the private key from the token");
    auto handle = std::make_shared<KeyHandle>();
    handle->pkey = std::move(pkey);
    handle->on_token = true;
    handle->usage = token_usage(uri.token.empty() ? "(unlabelled)" : uri.token);
    return PrivateKey(std::move(handle));
}

}  // namespace tanda::pki
