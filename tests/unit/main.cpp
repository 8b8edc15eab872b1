// main.cpp - Catch2 main for the unit tests; sets plugin search defaults.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
