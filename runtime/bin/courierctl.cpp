// courierctl: operator CLI. The verbs live in runtime/ctl (verbs.hpp lists them).
#include "runtime/ctl/verbs.hpp"

int main(int argc, char** argv) {
  return courier::ctl::run_courierctl(argc, argv);
}
