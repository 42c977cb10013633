// tanda-bench-fixtures: the data bench/compare.sh serves with every peer. Writes into DIR:
//   ca.pem, signer.pem, signer.key   a CA (ECDSA P-256 or RSA-2048) and its delegated OCSP signer
//   index.txt                        COUNT valid certificates (serials 0x10000000 + i: four
//                                    bytes each, so load scripts can substitute them)
//   tanda.yaml                       a config serving them on 127.0.0.1:PORT
//   req-sha1.der                     a SHA-1, no-nonce request for the hot serial (the first)
//   req-nonce.der, nonce.offset      the same with a 32-byte nonce, and where the nonce starts
//   cfssl-responses.txt              (with --cfssl) one base64 CA-signed response per serial,
//                                    without embedded certificates, for `cfssl ocspserve`
// Not part of the product: bench tooling only.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/base64.hpp"
#include "core/clock.hpp"
#include "pki/certificate_factory.hpp"
#include "pki/ocsp_response.hpp"

using namespace tanda;
namespace fs = std::filesystem;

namespace {

template <typename T>
T must(Result<T> r, const char* what) {
    if (!r) {
        std::fprintf(stderr, "fixtures: %s: %s\n", what, r.error().message.c_str());
        std::exit(1);
    }
    if constexpr (!std::is_void_v<T>) return std::move(*r);
}

// DER TLV with a definite length.
Bytes tlv(unsigned tag, const Bytes& value) {
    Bytes out{std::byte(tag)};
    std::size_t n = value.size();
    if (n < 0x80) {
        out.push_back(std::byte(n));
    } else if (n < 0x100) {
        out.insert(out.end(), {std::byte{0x81}, std::byte(n)});
    } else {
        out.insert(out.end(), {std::byte{0x82}, std::byte(n >> 8), std::byte(n & 0xff)});
    }
    out.insert(out.end(), value.begin(), value.end());
    return out;
}

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// RFC 6960 CertID with SHA-1 and NULL parameters, as openssl and most clients send it.
Bytes cert_id(const pki::Certificate& ca, std::uint64_t serial) {
    const Bytes sha1_alg = tlv(0x30, concat({tlv(0x06, {std::byte{0x2b}, std::byte{0x0e},
                                                       std::byte{0x03}, std::byte{0x02},
                                                       std::byte{0x1a}}),
                                             tlv(0x05, {})}));
    Bytes serial_bytes;
    for (int shift = 56; shift >= 0; shift -= 8) {
        auto b = std::byte((serial >> shift) & 0xff);
        if (serial_bytes.empty() && b == std::byte{0}) continue;
        serial_bytes.push_back(b);
    }
    if ((std::to_integer<unsigned>(serial_bytes[0]) & 0x80) != 0) serial_bytes.insert(serial_bytes.begin(), std::byte{0});
    return tlv(0x30, concat({sha1_alg, tlv(0x04, ca.name_hash(pki::HashAlgorithm::sha1)),
                             tlv(0x04, ca.key_hash(pki::HashAlgorithm::sha1)),
                             tlv(0x02, serial_bytes)}));
}

// OCSPRequest { TBSRequest { requestList { Request { CertID } } [2] { Extensions { nonce } } } }
Bytes request(const Bytes& id, const Bytes* nonce) {
    Bytes tbs = tlv(0x30, tlv(0x30, id));
    if (nonce != nullptr) {
        const Bytes nonce_oid{std::byte{0x2b}, std::byte{0x06}, std::byte{0x01}, std::byte{0x05},
                              std::byte{0x05}, std::byte{0x07}, std::byte{0x30}, std::byte{0x01},
                              std::byte{0x02}};
        Bytes ext = tlv(0x30, concat({tlv(0x06, nonce_oid), tlv(0x04, tlv(0x04, *nonce))}));
        tbs = concat({tbs, tlv(0xa2, tlv(0x30, ext))});
    }
    return tlv(0x30, tlv(0x30, tbs));
}

void write(const fs::path& p, ByteView data) {
    std::ofstream out(p, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

}  // namespace

// The LMDB map: 16 GiB, or about 400 bytes per certificate (10M use 3 GB) for 100M and more.
std::size_t map_size_gib(std::size_t count) {
    return std::max<std::size_t>(16, (count * 400 >> 30) + 1);
}

int main(int argc, char** argv) {
    std::string dir, key = "ec";
    std::size_t count = 100000;
    unsigned port = 18080;
    bool cfssl = false;
    bool no_cache = false;  // config without the answer cache: every request reaches the index
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
        if (a == "--dir") dir = next();
        else if (a == "--key") key = next();
        else if (a == "--count") count = std::stoul(next());
        else if (a == "--port") port = static_cast<unsigned>(std::stoul(next()));
        else if (a == "--cfssl") cfssl = true;
        else if (a == "--no-cache") no_cache = true;
        else {
            std::fprintf(stderr, "usage: %s --dir DIR [--key ec|rsa] [--count N] [--port P] [--cfssl] [--no-cache]\n", argv[0]);
            return 2;
        }
    }
    if (dir.empty()) return 2;
    fs::create_directories(dir);
    const UnixSeconds now = SystemClock().now();
    const auto type = key == "rsa" ? pki::KeyType::rsa2048 : pki::KeyType::ec_p256;
    auto ca_key = must(pki::generate_key(type), "CA key");
    auto ca = must(pki::issue_certificate({"CN=Bench CA " + key + ",O=Tanda Bench,C=ID",
                                           *Serial::from_hex("01"), now - 86400,
                                           now + 3650 * 86400, pki::Profile::ca, ""},
                                          ca_key, nullptr, ca_key),
                   "CA certificate");
    auto signer_key = must(pki::generate_key(type), "signer key");
    auto signer = must(pki::issue_certificate({"CN=Bench OCSP " + key + ",O=Tanda Bench,C=ID",
                                               *Serial::from_hex("02"), now - 86400,
                                               now + 365 * 86400, pki::Profile::ocsp_signer, ""},
                                              signer_key, &ca, ca_key),
                       "signer certificate");
    must(pki::write_file_atomic(dir + "/ca.pem", ca.pem(), 0644), "ca.pem");
    must(pki::write_file_atomic(dir + "/ca.key", ca_key.pem(), 0600), "ca.key");
    must(pki::write_file_atomic(dir + "/signer.pem", signer.pem(), 0644), "signer.pem");
    must(pki::write_file_atomic(dir + "/signer.key", signer_key.pem(), 0600), "signer.key");

    const std::uint64_t first = 0x10000000;
    if (count > 0x60000000) {
        std::fprintf(stderr, "fixtures: at most %u certificates\n", 0x60000000);
        return 2;
    }
    {
        std::ofstream index(dir + "/index.txt");
        for (std::size_t i = 0; i < count; ++i) {
            char line[128];
            std::snprintf(line, sizeof line, "V\t361231000000Z\t\t%llX\tunknown\t/CN=bench %zu\n",
                          static_cast<unsigned long long>(first + i), i);
            index << line;
        }
    }
    std::ofstream(dir + "/tanda.yaml")
        << "listen:\n  address: 127.0.0.1\n  port: " << port << "\n  max_connections: 20000\n"
        << "storage:\n  path: data\n  map_size: " << map_size_gib(count) << "GiB\n"
        << (no_cache ? "responder:\n  cache_entries: 0\n" : "")
        << "cas:\n  - name: bench\n    issuer_certificate: ca.pem\n"
        << "    signer_certificate: signer.pem\n    signer_key: signer.key\n"
        << "    response_validity: 1d\n";

    const Bytes hot = cert_id(ca, first);
    write(dir + "/req-sha1.der", request(hot, nullptr));
    const Bytes nonce(32, std::byte{0xAA});
    Bytes with_nonce = request(hot, &nonce);
    write(dir + "/req-nonce.der", with_nonce);
    std::ofstream(dir + "/nonce.offset") << (with_nonce.size() - nonce.size()) << "\n";

    if (cfssl) {
        // CA-signed, so no certificate is embedded: cfssl's fastest form.
        auto ca_signer = must(pki::OcspSigner::create(ca, ca, ca_key), "CA signer");
        std::ofstream out(dir + "/cfssl-responses.txt");
        for (std::size_t i = 0; i < count; ++i) {
            Bytes id = cert_id(ca, first + i);
            pki::SingleStatus s;
            s.cert_id_der = id;
            s.kind = pki::SingleStatusKind::good;
            s.this_update = now - 300;
            s.next_update = now + 86400;
            auto der = must(ca_signer.sign({&s, 1}, {}, now), "cfssl response");
            out << base64_encode(der) << "\n";
        }
    }
    std::printf("fixtures: %zu certificates in %s (%s)\n", count, dir.c_str(), key.c_str());
    return 0;
}
