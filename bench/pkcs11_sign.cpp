// tanda-bench-pkcs11-sign: ECDSA signatures on a PKCS#11 token, the part of a nonce answer that
// the token does, made two ways with the same key on the same token (issue 18's comparison):
//   libp11  - what Tanda does: the key loaded through libp11 (PKCS11_get_private_key, with
//             libp11's EVP_PKEY methods), signed with EVP_DigestSign; libp11 takes a session
//             from its per-slot pool for each signature;
//   direct  - p11-kit's module loader and the PKCS#11 API by hand: SHA-256 in OpenSSL, then
//             C_SignInit + C_Sign (CKM_ECDSA) on a session of a pool of one per thread, and
//             the raw r||s encoded as the DER ECDSA-Sig-Value an OCSP response carries.
// Each thread signs a 260-byte message (a nonce answer's tbsResponseData) in a loop; rounds
// alternate the two ways so that a busy neighbour slows both alike. Prints signatures/s.
//   tanda-bench-pkcs11-sign --module SO --token LABEL --key LABEL --pin-file F
//                           [--threads T] [--ms M] [--rounds R]
#define OPENSSL_SUPPRESS_DEPRECATED
#include <libp11.h>
#include <openssl/ecdsa.h>
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <p11-kit/p11-kit.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Options {
    std::string module, token, key, pin;
    int threads = 2, ms = 3000, rounds = 3;
};

[[noreturn]] void die(const std::string& why) {
    std::fprintf(stderr, "tanda-bench-pkcs11-sign: %s\n", why.c_str());
    std::exit(1);
}

Options parse(int argc, char** argv) {
    Options o;
    std::map<std::string, std::string> args;
    for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
    o.module = args["--module"];
    o.token = args["--token"];
    o.key = args["--key"];
    std::ifstream pin(args["--pin-file"]);
    std::getline(pin, o.pin);
    if (args.count("--threads")) o.threads = std::stoi(args["--threads"]);
    if (args.count("--ms")) o.ms = std::stoi(args["--ms"]);
    if (args.count("--rounds")) o.rounds = std::stoi(args["--rounds"]);
    if (o.module.empty() || o.token.empty() || o.key.empty() || o.pin.empty()) {
        die("usage: --module SO --token LABEL --key LABEL --pin-file F [--threads T] [--ms M]");
    }
    return o;
}

// One signer per thread: called in a loop until the round ends.
using SignOnce = std::function<bool(const unsigned char*, std::size_t)>;

// libp11, as pki/pkcs11_key.cpp loads a key.
class Libp11Way {
public:
    explicit Libp11Way(const Options& o) {
        ctx_ = PKCS11_CTX_new();
        if (PKCS11_CTX_load(ctx_, o.module.c_str()) != 0) die("libp11: cannot load the module");
        PKCS11_SLOT* slots = nullptr;
        unsigned int count = 0;
        if (PKCS11_enumerate_slots(ctx_, &slots, &count) != 0) die("libp11: slots");
        for (unsigned int i = 0; i < count && key_ == nullptr; ++i) {
            if (slots[i].token == nullptr || o.token != slots[i].token->label) continue;
            if (PKCS11_login(&slots[i], 0, o.pin.c_str()) != 0) die("libp11: login");
            PKCS11_KEY* keys = nullptr;
            unsigned int n = 0;
            if (PKCS11_enumerate_keys(slots[i].token, &keys, &n) != 0) die("libp11: keys");
            for (unsigned int k = 0; k < n; ++k) {
                if (keys[k].label != nullptr && o.key == keys[k].label) {
                    key_ = PKCS11_get_private_key(&keys[k]);
                }
            }
        }
        if (key_ == nullptr) die("libp11: key not found");
        ENGINE* methods = ENGINE_new();
        ENGINE_set_id(methods, "bench-pkcs11");
        ENGINE_set_name(methods, "libp11's EVP_PKEY methods");
        ENGINE_set_pkey_meths(methods, PKCS11_pkey_meths);
        ENGINE_init(methods);
        if (EVP_PKEY_set1_engine(key_, methods) != 1) ERR_clear_error();  // EC: optional
    }
    SignOnce signer() const {
        return [key = key_](const unsigned char* msg, std::size_t len) {
            EVP_MD_CTX* ctx = EVP_MD_CTX_new();
            unsigned char sig[256];
            std::size_t sig_len = sizeof sig;
            const bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
                            EVP_DigestSign(ctx, sig, &sig_len, msg, len) == 1;
            EVP_MD_CTX_free(ctx);
            return ok;
        };
    }

private:
    PKCS11_CTX* ctx_ = nullptr;
    EVP_PKEY* key_ = nullptr;
};

// p11-kit and CK_FUNCTION_LIST by hand, one logged-in session per thread.
class DirectWay {
public:
    DirectWay(const Options& o) {
        fn_ = p11_kit_module_load(o.module.c_str(), 0);
        if (fn_ == nullptr || p11_kit_module_initialize(fn_) != CKR_OK) die("p11-kit: module");
        CK_ULONG count = 0;
        fn_->C_GetSlotList(CK_TRUE, nullptr, &count);
        std::vector<CK_SLOT_ID> slots(count);
        fn_->C_GetSlotList(CK_TRUE, slots.data(), &count);
        for (CK_SLOT_ID slot : slots) {
            CK_TOKEN_INFO info;
            if (fn_->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
            std::string label(reinterpret_cast<const char*>(info.label), sizeof info.label);
            label.erase(label.find_last_not_of(' ') + 1);
            if (label == o.token) slot_ = slot;
        }
        if (slot_ == CK_UNAVAILABLE_INFORMATION) die("p11-kit: token not found");
        for (int t = 0; t < o.threads; ++t) {
            CK_SESSION_HANDLE s = 0;
            if (fn_->C_OpenSession(slot_, CKF_SERIAL_SESSION, nullptr, nullptr, &s) != CKR_OK) {
                die("p11-kit: session");
            }
            sessions_.push_back(s);
        }
        // The login is the token's, shared by every session of the application.
        CK_RV rv = fn_->C_Login(sessions_[0], CKU_USER,
                                reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(o.pin.data())),
                                o.pin.size());
        if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) die("p11-kit: login");
        CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
        CK_ATTRIBUTE find[] = {{CKA_CLASS, &cls, sizeof cls},
                               {CKA_LABEL, const_cast<char*>(o.key.data()), o.key.size()}};
        CK_ULONG found = 0;
        if (fn_->C_FindObjectsInit(sessions_[0], find, 2) != CKR_OK ||
            fn_->C_FindObjects(sessions_[0], &key_, 1, &found) != CKR_OK || found != 1) {
            die("p11-kit: key not found");
        }
        fn_->C_FindObjectsFinal(sessions_[0]);
    }
    SignOnce signer(int thread) const {
        return [fn = fn_, key = key_, session = sessions_[static_cast<std::size_t>(thread)]](
                   const unsigned char* msg, std::size_t len) {
            unsigned char digest[32];
            unsigned int digest_len = 0;
            if (EVP_Digest(msg, len, digest, &digest_len, EVP_sha256(), nullptr) != 1) return false;
            CK_MECHANISM mech{CKM_ECDSA, nullptr, 0};
            unsigned char raw[132];
            CK_ULONG raw_len = sizeof raw;
            if (fn->C_SignInit(session, &mech, key) != CKR_OK ||
                fn->C_Sign(session, digest, digest_len, raw, &raw_len) != CKR_OK) {
                return false;
            }
            // r||s to the DER an OCSP response carries, as libp11 does for OpenSSL.
            ECDSA_SIG* sig = ECDSA_SIG_new();
            const int half = static_cast<int>(raw_len / 2);
            ECDSA_SIG_set0(sig, BN_bin2bn(raw, half, nullptr),
                           BN_bin2bn(raw + half, half, nullptr));
            unsigned char* der = nullptr;
            const int der_len = i2d_ECDSA_SIG(sig, &der);
            OPENSSL_free(der);
            ECDSA_SIG_free(sig);
            return der_len > 0;
        };
    }

private:
    CK_FUNCTION_LIST* fn_ = nullptr;
    CK_SLOT_ID slot_ = CK_UNAVAILABLE_INFORMATION;
    std::vector<CK_SESSION_HANDLE> sessions_;
    CK_OBJECT_HANDLE key_ = 0;
};

// Signatures per second of `signers`, one thread each, for `ms` milliseconds.
double run_round(const std::vector<SignOnce>& signers, int ms) {
    std::vector<unsigned char> message(260);
    for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<unsigned char>(i);
    std::atomic<bool> stop{false};
    std::atomic<long> done{0}, failed{0};
    std::vector<std::thread> threads;
    const auto start = std::chrono::steady_clock::now();
    for (const auto& sign : signers) {
        threads.emplace_back([&, sign] {
            while (!stop.load(std::memory_order_relaxed)) {
                (sign(message.data(), message.size()) ? done : failed).fetch_add(1);
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    stop = true;
    for (auto& t : threads) t.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (failed.load() > 0) die(std::to_string(failed.load()) + " signatures failed");
    return static_cast<double>(done.load()) / seconds;
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    Libp11Way libp11(o);
    DirectWay direct(o);
    std::vector<SignOnce> by_libp11, by_direct;
    for (int t = 0; t < o.threads; ++t) {
        by_libp11.push_back(libp11.signer());
        by_direct.push_back(direct.signer(t));
    }
    std::printf("round  libp11/s  direct/s  libp11/direct\n");
    for (int r = 1; r <= o.rounds; ++r) {
        const double a = run_round(by_libp11, o.ms);
        const double b = run_round(by_direct, o.ms);
        std::printf("%5d  %8.0f  %8.0f  %13.3f\n", r, a, b, a / b);
    }
    return 0;
}
