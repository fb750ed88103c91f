# The kernel-source tree (include/kernel): code written as kernel code
# compiles against it and links udmaengine::kernel (the library and
# udmaengine_kmain, whose main() runs the modules' initcalls).
add_library(udmaengine_kmain STATIC core/kmain.c)
set_target_properties(udmaengine_kmain PROPERTIES POSITION_INDEPENDENT_CODE ON EXPORT_NAME kmain)
target_link_libraries(udmaengine_kmain PUBLIC udmaengine_static)

add_library(udmaengine_kernel INTERFACE)
target_include_directories(udmaengine_kernel INTERFACE
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include/kernel>
  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/udmaengine/kernel>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
# kmain first: its main() needs the library after it on a static link line
target_link_libraries(udmaengine_kernel INTERFACE udmaengine_kmain udmaengine_static)
set_target_properties(udmaengine_kernel PROPERTIES EXPORT_NAME kernel)
add_library(udmaengine::kernel ALIAS udmaengine_kernel)

# include/kernel/udmaengine is a link to the library's own headers, so that
# -I include/kernel alone finds them; installed, the kernel tree sits inside
# include/udmaengine and the link points one level up
install(DIRECTORY include/kernel/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/udmaengine/kernel
        PATTERN udmaengine EXCLUDE)
install(CODE "file(CREATE_LINK .. \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_INCLUDEDIR}/udmaengine/kernel/udmaengine\" SYMBOLIC)")
install(TARGETS udmaengine_kmain udmaengine_kernel EXPORT udmaengineTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
configure_file(cmake/udmaengine-kernel.pc.in ${CMAKE_CURRENT_BINARY_DIR}/udmaengine-kernel.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/udmaengine-kernel.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
