// tanda-bench-sha256: core's tanda::Sha256 against libcrypto's SHA-256 called three ways, on the
// inputs Tanda hashes: journal entries (import, 100-300 bytes), the tbsResponseData a nonce
// answer signs (~250), a cached answer's DER for its ETag (~1500), and 1 MiB for throughput.
// Variants are interleaved round by round so that a busy neighbour slows all of them alike.
//   tanda-bench-sha256 [--rounds R] [--ms M]
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/sha256.hpp"

using namespace tanda;

namespace {

struct Workload {
    const char* name;
    std::vector<Bytes> inputs;  // hashed in turn, so sizes vary as in the real path
};

using Hasher = std::function<void(ByteView, unsigned char*)>;

struct Variant {
    const char* name;
    Hasher hash;
};

Workload make_workload(const char* name, std::size_t count, std::size_t min, std::size_t max) {
    std::mt19937_64 random(20261205);
    std::uniform_int_distribution<std::size_t> size(min, max);
    Workload w{name, {}};
    for (std::size_t i = 0; i < count; ++i) {
        Bytes b(size(random));
        for (auto& x : b) x = std::byte(random() & 0xff);
        w.inputs.push_back(std::move(b));
    }
    return w;
}

// Nanoseconds per hash over at least `ms` milliseconds of hashing.
double time_one(const Workload& w, const Hasher& hash, int ms) {
    using clock = std::chrono::steady_clock;
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned char sink = 0;
    std::size_t done = 0;
    const auto start = clock::now();
    const auto until = start + std::chrono::milliseconds(ms);
    auto now = start;
    do {
        for (const Bytes& in : w.inputs) {
            hash(in, out);
            sink ^= out[0];
        }
        done += w.inputs.size();
        now = clock::now();
    } while (now < until);
    if (sink == 0x5a) std::fputc(' ', stderr);  // keeps the digests observable
    return std::chrono::duration<double, std::nano>(now - start).count() / double(done);
}

double mean_size(const Workload& w) {
    double total = 0;
    for (const Bytes& b : w.inputs) total += double(b.size());
    return total / double(w.inputs.size());
}

}  // namespace

int main(int argc, char** argv) {
    int rounds = 7, ms = 200;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--rounds") rounds = std::stoi(argv[i + 1]);
        if (a == "--ms") ms = std::stoi(argv[i + 1]);
    }

    EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (md == nullptr || ctx == nullptr) {
        std::fprintf(stderr, "libcrypto has no SHA-256\n");
        return 1;
    }
    const std::vector<Variant> variants = {
        {"tanda::Sha256::digest (core)",
         [](ByteView in, unsigned char* out) {
             const Sha256Digest d = Sha256::digest(in);
             std::memcpy(out, d.data(), d.size());
         }},
        {"EVP_DigestInit_ex2/Update/Final_ex, fetched EVP_MD, reused EVP_MD_CTX",
         [md, ctx](ByteView in, unsigned char* out) {
             unsigned length = 0;
             EVP_DigestInit_ex2(ctx, md, nullptr);
             EVP_DigestUpdate(ctx, in.data(), in.size());
             EVP_DigestFinal_ex(ctx, out, &length);
         }},
        {"EVP_Digest, fetched EVP_MD (a context per call)",
         [md](ByteView in, unsigned char* out) {
             unsigned length = 0;
             EVP_Digest(in.data(), in.size(), out, &length, md, nullptr);
         }},
        {"EVP_Q_digest (fetches per call)",
         [](ByteView in, unsigned char* out) {
             std::size_t length = 0;
             EVP_Q_digest(nullptr, "SHA256", nullptr, in.data(), in.size(), out, &length);
         }},
    };
    const std::vector<Workload> workloads = {
        make_workload("journal entry (import)", 4096, 100, 300),
        make_workload("tbsResponseData (nonce)", 4096, 250, 250),
        make_workload("answer DER (ETag)", 1024, 1500, 1500),
        make_workload("1 MiB", 4, 1 << 20, 1 << 20),
    };

    std::printf("%-26s %7s  %-72s %10s %10s %9s %7s\n", "input", "bytes", "variant",
                "best ns", "median ns", "MB/s", "vs core");
    for (const Workload& w : workloads) {
        std::vector<std::vector<double>> ns(variants.size());
        for (int r = 0; r < rounds; ++r) {
            for (std::size_t v = 0; v < variants.size(); ++v) {
                ns[v].push_back(time_one(w, variants[v].hash, ms));
            }
        }
        double core_best = 0;
        for (std::size_t v = 0; v < variants.size(); ++v) {
            std::sort(ns[v].begin(), ns[v].end());
            const double best = ns[v].front(), median = ns[v][ns[v].size() / 2];
            if (v == 0) core_best = best;
            // "vs core": this variant's time over core's, best against best (> 1 is slower).
            std::printf("%-26s %7.0f  %-72s %10.1f %10.1f %9.0f %7.2f\n", w.name, mean_size(w),
                        variants[v].name, best, median, mean_size(w) / best * 1e3,
                        best / core_best);
        }
    }
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    return 0;
}
