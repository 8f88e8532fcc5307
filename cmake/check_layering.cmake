# Fails when a layer above the storage and token libraries talks to SQLite or
# libp11 itself (issue 11 point 6, SPEC §8): forms/, app/ and desk/ reach the
# database only through db/'s repositories and tokens only through pki/, so
# none of their files may include <SQLiteCpp/…>, <sqlite3.h>, <libp11.h> or
# <p11-kit/…>. The system include path would let such an include compile
# (SQLiteCpp and libp11 are PRIVATE to db/ and pki/ but live in /usr/include);
# this check names the file. A folder that does not exist (yet) is skipped.
set(offenders "")
set(pattern "^[ \t]*#[ \t]*include[ \t]*[<\"](SQLiteCpp/|sqlite3\\.h|libp11\\.h|p11-kit/)")
set(checked "")
foreach(dir forms app desk)
  if(NOT IS_DIRECTORY ${SOURCE_DIR}/${dir})
    continue()
  endif()
  list(APPEND checked ${dir})
  file(GLOB_RECURSE files ${SOURCE_DIR}/${dir}/*.h ${SOURCE_DIR}/${dir}/*.hpp ${SOURCE_DIR}/${dir}/*.cpp
       ${SOURCE_DIR}/${dir}/*.cc)
  foreach(f ${files})
    file(STRINGS ${f} hits REGEX "${pattern}")
    if(hits)
      list(APPEND offenders "${f}: ${hits}")
    endif()
  endforeach()
endforeach()
if(NOT checked)
  message(FATAL_ERROR "none of forms/ app/ desk/ found under ${SOURCE_DIR}: the layering check would check nothing")
endif()
if(offenders)
  list(JOIN offenders "\n  " lines)
  message(FATAL_ERROR "SQLite or libp11 included above db/ and pki/ (use db/'s repositories, pki/'s tokens):\n  ${lines}")
endif()
message(STATUS "no SQLiteCpp, sqlite3, libp11 or p11-kit include in ${checked}")
