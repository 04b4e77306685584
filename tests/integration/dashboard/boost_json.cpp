// Boost.JSON compiled into the tests from its headers (no extra library package needed).
#include <boost/json/src.hpp>
