# install.cmake: what `cmake --install` (and so the Debian packages) puts
# where, by GNUInstallDirs (README "Install").  Two components, one a package:
# isad (the daemon, its man pages, units and example configs) and isa (the
# client, its man page, example client.conf and bash completion).
include(GNUInstallDirs)

# Where systemd looks for units: the distribution's place when systemd.pc
# says it (/lib/systemd/system on Debian 12), else under the prefix (systemd
# also reads /usr/local/lib/systemd/system).
if(NOT ISA_SYSTEMD_UNITDIR)
  pkg_get_variable(ISA_SYSTEMD_UNITDIR systemd systemdsystemunitdir)
  if(NOT ISA_SYSTEMD_UNITDIR OR NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
    set(ISA_SYSTEMD_UNITDIR ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
  endif()
endif()
set(ISA_SYSTEMD_UNITDIR ${ISA_SYSTEMD_UNITDIR} CACHE PATH
  "where the systemd units are installed")

install(TARGETS isad RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT isad)
install(TARGETS isa RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT isa)

install(FILES ${CMAKE_SOURCE_DIR}/daemon/isad.8
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man8 COMPONENT isad)
install(FILES ${CMAKE_SOURCE_DIR}/daemon/isad.conf.5
  ${CMAKE_SOURCE_DIR}/policy/policy.conf.5
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man5 COMPONENT isad)
install(FILES ${CMAKE_SOURCE_DIR}/client/isa.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT isa)

# The units name isad by its installed path: etc/ holds them for
# /usr/bin/isad (what the package installs); another prefix gets its own.
foreach(unit isad.service isad@.service)
  file(READ ${CMAKE_SOURCE_DIR}/etc/${unit} text)
  string(REPLACE "/usr/bin/isad" "${CMAKE_INSTALL_FULL_BINDIR}/isad" text
    "${text}")
  file(WRITE ${CMAKE_BINARY_DIR}/units/${unit}.new "${text}")
  configure_file(${CMAKE_BINARY_DIR}/units/${unit}.new
    ${CMAKE_BINARY_DIR}/units/${unit} COPYONLY)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
    ${CMAKE_SOURCE_DIR}/etc/${unit})
  install(FILES ${CMAKE_BINARY_DIR}/units/${unit}
    DESTINATION ${ISA_SYSTEMD_UNITDIR} COMPONENT isad)
endforeach()

# Example configs, never live ones: a deployment's isad.conf and policy.conf
# are the operator's (README "Install").
install(FILES ${CMAKE_SOURCE_DIR}/etc/isad.conf ${CMAKE_SOURCE_DIR}/etc/policy.conf
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples COMPONENT isad)
install(FILES ${CMAKE_SOURCE_DIR}/etc/client.conf
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples COMPONENT isa)

# Bash completion for isa, where bash-completion loads it on demand.
if(EXISTS ${CMAKE_SOURCE_DIR}/etc/bash-completion/isa)
  install(FILES ${CMAKE_SOURCE_DIR}/etc/bash-completion/isa
    DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
    COMPONENT isa)
endif()
