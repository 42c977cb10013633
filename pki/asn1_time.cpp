#include "pki/asn1_time.hpp"

#include <ctime>

namespace tanda::pki {

UnixSeconds to_unix(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
    return static_cast<UnixSeconds>(timegm(&tm));
}

}  // namespace tanda::pki
