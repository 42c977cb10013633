#include "cli/args.hpp"

namespace tanda::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& with_value,
           const std::set<std::string>& flags) {
    for (std::size_t i = 0; i < argv.size() && error_.empty(); ++i) {
        const std::string& a = argv[i];
        if (a.rfind("--", 0) != 0) {
            error_ = "unexpected argument '" + a + "'";
            break;
        }
        std::string name = a.substr(2), value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
            if (!with_value.count(name)) error_ = "unknown option --" + name;
        } else if (with_value.count(name)) {
            if (i + 1 >= argv.size()) {
                error_ = "--" + name + " needs a value";
                break;
            }
            value = argv[++i];
        } else if (!flags.count(name)) {
            error_ = "unknown option --" + name;
        }
        values_[name] = value;
    }
}

std::optional<std::string> Args::get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
}

}  // namespace tanda::cli
