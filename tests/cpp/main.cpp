// Catch2 v2 entry point, shared by the native, sanitizer and WebAssembly test runners.
#define CATCH_CONFIG_MAIN
#include <catch.hpp>
