# Embeds runtime/sql/NNN_name.sql migrations into the binary as an ordered table,
# so courierctl and courierd carry their schema with them.
file(GLOB COURIER_SQL_FILES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/runtime/sql/*.sql)
list(SORT COURIER_SQL_FILES)
set(COURIER_SCHEMA_CPP ${CMAKE_CURRENT_BINARY_DIR}/generated/schema_migrations.cpp)
# The list travels as one argument: its semicolons must reach the script, not the shell.
string(REPLACE ";" "$<SEMICOLON>" COURIER_SQL_FILES_ARG "${COURIER_SQL_FILES}")
add_custom_command(
  OUTPUT ${COURIER_SCHEMA_CPP}
  COMMAND ${CMAKE_COMMAND} -DOUT=${COURIER_SCHEMA_CPP} "-DFILES=${COURIER_SQL_FILES_ARG}"
          -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/embed_sql_run.cmake
  DEPENDS ${COURIER_SQL_FILES} ${CMAKE_CURRENT_SOURCE_DIR}/cmake/embed_sql_run.cmake
  COMMENT "Embedding SQL migrations"
  VERBATIM)
