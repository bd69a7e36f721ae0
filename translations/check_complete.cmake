# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a translation file has unfinished entries (run: cmake -P check_complete.cmake).
file(GLOB ts_files "${CMAKE_CURRENT_LIST_DIR}/*.ts")
foreach(ts IN LISTS ts_files)
  file(READ "${ts}" content)
  string(REGEX MATCHALL "type=\"unfinished\"" unfinished "${content}")
  list(LENGTH unfinished count)
  if(count GREATER 0)
    message(FATAL_ERROR "${ts}: ${count} unfinished translation(s); translate them (update_translations target)")
  endif()
endforeach()
message(STATUS "translations complete")
