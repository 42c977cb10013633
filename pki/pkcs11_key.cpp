#include "pki/pkcs11_key.hpp"

// libp11's OpenSSL engine keeps one context per module for the life of the process, and a
// module whose connection broke cannot be opened again through it. So keys are loaded through
// libp11's own PKCS#11 layer, in contexts of ours, and only libp11's EVP_PKEY methods are taken
// from its engine code (the ENGINE API is deprecated in OpenSSL 3.0; Debian 12 has no libp11
// provider).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <libp11.h>
#include <openssl/engine.h>
#include <openssl/ui.h>

#include <cstring>
#include <map>
#include <mutex>
#include <vector>

#include "pki/openssl_error.hpp"
#include "pki/openssl_handles.hpp"
#include "pki/pin_source.hpp"
#include "pki/secret_file.hpp"

namespace tanda::pki {
namespace {

// libp11's engine default: p11-kit's proxy, which loads every module registered with p11-kit.
constexpr const char* kDefaultModule = "p11-kit-proxy.so";

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

// An engine holding nothing but libp11's EVP_PKEY methods, set on every token key: with them an
// RSA-PSS signature is one CKM_RSA_PKCS_PSS call on the token, without them OpenSSL pads itself
// and asks for raw RSA (CKM_RSA_X_509), which many HSMs refuse.
ENGINE* pkey_methods_engine() {
    static ENGINE* const engine = [] {
        ENGINE* e = ENGINE_new();
        if (e == nullptr) return e;
        if (ENGINE_set_id(e, "tanda-pkcs11") != 1 ||
            ENGINE_set_name(e, "libp11's EVP_PKEY methods for tanda's token keys") != 1 ||
            ENGINE_set_pkey_meths(e, PKCS11_pkey_meths) != 1 || ENGINE_init(e) != 1) {
            ENGINE_free(e);
            return static_cast<ENGINE*>(nullptr);
        }
        return e;
    }();
    return engine;
}

// A module opened once: libp11's context and the slots it found then.
struct OpenModule {
    PKCS11_CTX* ctx = nullptr;
    PKCS11_SLOT* slots = nullptr;
    unsigned int slot_count = 0;
};

// Guards the modules below and each slot's login.
std::mutex& modules_mutex() {
    static std::mutex m;
    return m;
}

// The current OpenModule of each module path ("" for the default). Never freed: keys loaded
// through one sign through it for as long as they are used, and finalising a module that hands
// every caller the same instance (SoftHSM) would break the keys of newer contexts too. Heap
// allocated and never destroyed, so that no exit-time destructor frees what keys still use.
std::map<std::string, OpenModule*>& open_modules() {
    static auto* const modules = new std::map<std::string, OpenModule*>;
    return *modules;
}

// Openings replaced by reopen_pkcs11_module, kept (see open_modules()).
std::vector<OpenModule*>& replaced_modules() {
    static auto* const replaced = new std::vector<OpenModule*>;
    return *replaced;
}

// Caller holds modules_mutex().
Result<OpenModule*> open_module(const std::string& module) {
    auto& modules = open_modules();
    if (auto it = modules.find(module); it != modules.end()) return it->second;
    const std::string path = module.empty() ? kDefaultModule : module;
    PKCS11_CTX* ctx = PKCS11_CTX_new();
    if (ctx == nullptr) return crypto_fail("libp11 context");
    PKCS11_set_ui_method(ctx, no_prompt(), nullptr);
    if (PKCS11_CTX_load(ctx, path.c_str()) != 0) {
        PKCS11_CTX_free(ctx);  // nothing initialised: libp11 unloads the module on failure
        return crypto_fail("PKCS#11 module " + path);
    }
    auto* opened = new OpenModule{ctx};
    if (PKCS11_enumerate_slots(ctx, &opened->slots, &opened->slot_count) != 0) {
        // Kept, not unloaded: see open_modules(). The next load tries a new context.
        replaced_modules().push_back(opened);
        return crypto_fail("PKCS#11 module " + path + ": listing its slots");
    }
    modules.emplace(module, opened);
    return opened;
}

bool token_matches(const PKCS11_TOKEN& token, const Pkcs11Uri& uri) {
    auto same = [](const std::string& wanted, const char* have) {
        return wanted.empty() || (have != nullptr && wanted == have);
    };
    return same(uri.token, token.label) && same(uri.manufacturer, token.manufacturer) &&
           same(uri.model, token.model) && same(uri.serial, token.serialnr);
}

bool key_matches(const PKCS11_KEY& key, const Pkcs11Uri& uri) {
    if (!key.isPrivate) return false;
    if (!uri.object.empty() && (key.label == nullptr || uri.object != key.label)) return false;
    return uri.id.empty() ||
           (key.id_len == uri.id.size() && std::memcmp(key.id, uri.id.data(), uri.id.size()) == 0);
}

// The key `uri` names in slot `slot`, logging in first with `pin` (private objects are only
// listed to a logged-in user). Null with nothing on the error queue when the slot lacks it.
// Caller holds modules_mutex().
Result<PKCS11_KEY*> find_key(PKCS11_SLOT& slot, const Pkcs11Uri& uri, const std::string& pin) {
    int logged_in = 0;
    if (!pin.empty() && (PKCS11_is_logged_in(&slot, 0, &logged_in) != 0 || logged_in == 0) &&
        PKCS11_login(&slot, 0, pin.c_str()) != 0) {
        return crypto_fail(uri.text + ": logging in to the token");
    }
    PKCS11_KEY* keys = nullptr;
    unsigned int count = 0;
    if (PKCS11_enumerate_keys(slot.token, &keys, &count) != 0) {
        return crypto_fail(uri.text + ": listing the token's keys");
    }
    for (unsigned int i = 0; i < count; ++i) {
        if (key_matches(keys[i], uri)) return &keys[i];
    }
    return nullptr;
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
    std::lock_guard lock(modules_mutex());
    auto module = open_module(uri.module_path);
    if (!module) return tl::unexpected(module.error().with_context(uri.text));
    PKCS11_KEY* found = nullptr;
    bool token_seen = false;
    for (unsigned int i = 0; i < (*module)->slot_count && found == nullptr; ++i) {
        PKCS11_SLOT& slot = (*module)->slots[i];
        if (slot.token == nullptr || !slot.token->initialized || !token_matches(*slot.token, uri)) {
            continue;
        }
        token_seen = true;
        auto key = find_key(slot, uri, pin);
        if (!key) return tl::unexpected(key.error());
        found = *key;
    }
    if (found == nullptr) {
        return fail(ErrorCode::not_found,
                    uri.text + (token_seen ? ": no such private key on the token"
                                           : ": no such token in the module's slots"));
    }
    EvpPkeyPtr pkey(PKCS11_get_private_key(found));
    if (!pkey) return crypto_fail(uri.text + ": cannot load the private key from the token");
    const int type = EVP_PKEY_get_base_id(pkey.get());
    if (ENGINE* methods = pkey_methods_engine();
        methods == nullptr || EVP_PKEY_set1_engine(pkey.get(), methods) != 1) {
        if (type == EVP_PKEY_RSA || type == EVP_PKEY_RSA_PSS) {
            return crypto_fail(uri.text + ": libp11's RSA signing methods");
        }
        discard_openssl_errors();  // EC keys sign through libp11's EC_KEY method alone
    }
    auto handle = std::make_shared<KeyHandle>();
    handle->pkey = std::move(pkey);
    handle->on_token = true;
    handle->usage = token_usage(uri.token.empty() ? "(unlabelled)" : uri.token);
    handle->module = uri.module_path;
    return PrivateKey(std::move(handle));
}

bool reopen_pkcs11_module(const KeyHandle& key) {
    if (!key.on_token) return false;
    std::lock_guard lock(modules_mutex());
    auto& modules = open_modules();
    auto it = modules.find(key.module);
    if (it == modules.end()) return false;
    replaced_modules().push_back(it->second);  // kept alive for the keys still using it
    modules.erase(it);
    return true;
}

}  // namespace tanda::pki
