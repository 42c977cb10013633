#include "pki/cert_id.hpp"

#include "pki/der_writer.hpp"

namespace tanda::pki {
namespace {

constexpr std::byte b(unsigned v) { return std::byte(static_cast<unsigned char>(v)); }

Bytes hash_oid(HashAlgorithm alg) {
    if (alg == HashAlgorithm::sha1) {
        return {b(0x06), b(0x05), b(0x2b), b(0x0e), b(0x03), b(0x02), b(0x1a)};  // 1.3.14.3.2.26
    }
    // 2.16.840.1.101.3.4.2.{1,2,3}: SHA-256, SHA-384, SHA-512
    unsigned last = alg == HashAlgorithm::sha256 ? 1 : alg == HashAlgorithm::sha384 ? 2 : 3;
    return {b(0x06), b(0x09), b(0x60), b(0x86), b(0x48), b(0x01), b(0x65), b(0x03), b(0x04),
            b(0x02), b(last)};
}

}  // namespace

Bytes encode_cert_id(HashAlgorithm alg, const Certificate& issuer, const Serial& serial) {
    Bytes serial_der;
    der::put_unsigned(serial_der, serial.bytes());
    const Bytes null{b(0x05), b(0x00)};
    return der::tlv(der::kSequence,
                    {der::tlv(der::kSequence, {hash_oid(alg), null}),
                     der::tlv(der::kOctetString, {issuer.name_hash(alg)}),
                     der::tlv(der::kOctetString, {issuer.key_hash(alg)}), serial_der});
}

}  // namespace tanda::pki
