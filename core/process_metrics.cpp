// The process_* metrics of the Prometheus client libraries, read from Linux's /proc.
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/metrics.hpp"

namespace tanda::metrics {
namespace {

// Fields of /proc/self/stat after the command name (which may hold spaces): index 0 is field 3.
std::vector<std::string> stat_fields() {
    std::ifstream in("/proc/self/stat");
    std::string line;
    std::getline(in, line);
    std::vector<std::string> fields;
    auto close = line.rfind(')');
    if (close == std::string::npos) return fields;
    std::istringstream rest(line.substr(close + 1));
    for (std::string f; rest >> f;) fields.push_back(f);
    return fields;
}

double field(const std::vector<std::string>& fields, std::size_t number) {
    std::size_t i = number - 3;
    return i < fields.size() ? std::stod(fields[i]) : 0;
}

double boot_time() {
    std::ifstream in("/proc/stat");
    for (std::string key; in >> key;) {
        if (key == "btime") {
            double t = 0;
            in >> t;
            return t;
        }
        in.ignore(1 << 20, '\n');
    }
    return 0;
}

std::size_t open_fds() {
    std::size_t n = 0;
    if (DIR* dir = opendir("/proc/self/fd")) {
        while (dirent* e = readdir(dir)) {
            if (e->d_name[0] != '.') ++n;
        }
        closedir(dir);
        --n;  // the directory stream's own descriptor
    }
    return n;
}

}  // namespace

void write_process_metrics(Exposition& out) {
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    const auto f = stat_fields();
    out.counter("process_cpu_seconds_total", "User and system CPU time spent in seconds.",
                (field(f, 14) + field(f, 15)) / ticks);
    out.gauge("process_resident_memory_bytes", "Resident memory size in bytes.",
              field(f, 24) * page);
    out.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", field(f, 23));
    out.gauge("process_start_time_seconds",
              "Start time of the process since unix epoch in seconds.",
              boot_time() + field(f, 22) / ticks);
    out.gauge("process_open_fds", "Number of open file descriptors.",
              static_cast<double>(open_fds()));
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    out.gauge("process_max_fds", "Maximum number of open file descriptors.",
              static_cast<double>(limit.rlim_cur));
}

}  // namespace tanda::metrics
