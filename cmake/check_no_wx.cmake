# Fails when a library that must stay free of wxWidgets includes it (SPEC §8:
# workflows/ has no wxWidgets include; neither do db/, pki/, common/, printing/, desk/).
# Those targets are never given wx's include path, so such an include also fails
# their build; this check names the file before anyone gets that far.
set(offenders "")
foreach(dir common db pki workflows printing desk)
  file(GLOB_RECURSE files ${SOURCE_DIR}/${dir}/*.h ${SOURCE_DIR}/${dir}/*.cpp)
  foreach(f ${files})
    file(STRINGS ${f} hits REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]wx/")
    if(hits)
      list(APPEND offenders ${f})
    endif()
  endforeach()
endforeach()
if(offenders)
  message(FATAL_ERROR "wxWidgets included outside forms/ and app/: ${offenders}")
endif()
message(STATUS "no wxWidgets include in common db pki workflows printing desk")
