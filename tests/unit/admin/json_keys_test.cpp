#include "admin/json_keys.hpp"

#include <catch2/catch.hpp>

using tanda::admin::duplicate_key;

TEST_CASE("a key given twice in one object is found, at any depth", "[json]") {
    CHECK(duplicate_key(R"({"a":1,"b":2,"a":3})") == "a");
    CHECK(duplicate_key(R"({"a":{"b":1,"b":2}})") == "b");
    CHECK(duplicate_key(R"({"a":1,"\u0061":2})") == "a");  // the same key once unescaped
    CHECK_FALSE(duplicate_key(R"({"a":{"b":1},"b":2})"));   // in different objects
    CHECK_FALSE(duplicate_key(R"([{"a":1},{"a":2}])"));
    CHECK_FALSE(duplicate_key("{not json"));
}
