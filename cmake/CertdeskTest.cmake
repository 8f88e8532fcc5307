# certdesk_add_test(NAME SOURCES a.cpp b.cpp LIBS lib… LABELS unit|token|gui|slow … [TIMEOUT s] [ENV K=V …])
# Builds one Boost.Test executable and registers it with CTest under its labels,
# so `ctest -L unit` runs the quick suites alone. The test module's main comes
# from one generated file, so a suite may have any number of sources.
function(certdesk_add_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS;ENV" ${ARGN})
  set(main ${CMAKE_CURRENT_BINARY_DIR}/${name}_main.cpp)
  file(CONFIGURE OUTPUT ${main} CONTENT "#define BOOST_TEST_MODULE ${name}\n#include <boost/test/unit_test.hpp>\n")
  add_executable(${name} ${main} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} Boost::unit_test_framework certdesk_testsupport)
  add_test(NAME ${name} COMMAND ${name} --color_output=no --report_level=short)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "LANGUAGE=en;CERTDESK_LANG=en;CERTDESK_BIN_DIR=${CMAKE_BINARY_DIR}/app;CERTDESK_SOURCE_DIR=${CMAKE_SOURCE_DIR};${T_ENV}")
endfunction()
