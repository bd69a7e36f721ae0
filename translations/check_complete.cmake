# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a user-visible string has no finished translation. First runs lupdate over the
# sources into copies of the .ts files (the checkout is left alone), so that a string added
# to the code but never extracted counts as unfinished too.
#   cmake -DLUPDATE=… -DSOURCES=list.lst -DWORK=dir -P check_complete.cmake
# Without LUPDATE it checks the .ts files as they are.
file(GLOB ts_files "${CMAKE_CURRENT_LIST_DIR}/*.ts")
if(LUPDATE)
  file(REMOVE_RECURSE "${WORK}")
  file(MAKE_DIRECTORY "${WORK}")
  set(copies)
  foreach(ts IN LISTS ts_files)
    get_filename_component(name "${ts}" NAME)
    file(COPY "${ts}" DESTINATION "${WORK}")
    list(APPEND copies "${WORK}/${name}")
  endforeach()
  execute_process(COMMAND "${LUPDATE}" -locations none -no-obsolete "@${SOURCES}" -ts ${copies}
                  RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "lupdate failed: ${output}")
  endif()
  set(ts_files ${copies})
endif()
foreach(ts IN LISTS ts_files)
  file(READ "${ts}" content)
  string(REGEX MATCHALL "type=\"unfinished\"" unfinished "${content}")
  list(LENGTH unfinished count)
  if(count GREATER 0)
    message(FATAL_ERROR "${ts}: ${count} unfinished translation(s): run the update_translations "
                        "target and translate them")
  endif()
endforeach()
message(STATUS "translations complete")
