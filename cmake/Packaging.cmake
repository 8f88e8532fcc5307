# Packaging — install() rules and the Debian package (cpack -G DEB, or scripts/package).
# /usr/bin/certdesk and certdesk-cli, the zh_CN catalog under share/locale (found at run
# time next to the installed binary, common/i18n.cpp), the .desktop entry and its icon,
# and certdesk-cli(1) generated from `certdesk-cli --help` by help2man.
include(GNUInstallDirs)

install(TARGETS certdesk-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS certdesk-p11lock LIBRARY DESTINATION lib/certdesk)   # the embedded default's lock module (pki/p11lock)
if(TARGET certdesk)
  install(TARGETS certdesk RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(FILES ${CMAKE_SOURCE_DIR}/packaging/certdesk.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${CMAKE_SOURCE_DIR}/packaging/certdesk.svg DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
endif()
install(FILES ${CERTDESK_LOCALEDIR}/zh_CN/LC_MESSAGES/certdesk.mo DESTINATION ${CMAKE_INSTALL_LOCALEDIR}/zh_CN/LC_MESSAGES)

# The man page from the program's own help, in English. --version-string: help2man
# then does not depend on a --version option; --no-discard-stderr: help on stderr counts too.
find_program(HELP2MAN help2man)
if(HELP2MAN)
  set(man ${CMAKE_BINARY_DIR}/packaging/certdesk-cli.1)
  add_custom_command(OUTPUT ${man}.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging
    COMMAND ${CMAKE_COMMAND} -E env CERTDESK_LANG=en LANGUAGE=en LC_ALL=C.UTF-8
            ${HELP2MAN} --no-info --locale=C.UTF-8 --no-discard-stderr --version-string=${PROJECT_VERSION}
            "--name=the certificate service counter without a window"
            --section=1 --output=${man} $<TARGET_FILE:certdesk-cli>
    COMMAND gzip -9nf ${man}
    DEPENDS certdesk-cli
    COMMENT "certdesk-cli.1 from certdesk-cli --help (help2man)"
    VERBATIM)
  add_custom_target(certdesk_manpage ALL DEPENDS ${man}.gz)
  install(FILES ${man}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(WARNING "help2man not found (scripts/deps installs it): the package will have no certdesk-cli(1)")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME certdesk)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "certdesk team <certdesk@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "teller workstation of a certificate service hall")
set(CPACK_PACKAGE_DESCRIPTION "A counter application for issuing, renewing, unlocking and cancelling\n\
USB-key certificates, with receipts, handover slips and a tamper-evident journal.\n\
certdesk is the window, certdesk-cli the same application on the command line.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)               # certdesk_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)                # Depends from the shared libraries (dpkg-shlibdeps)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "softhsm2, fonts-noto-cjk, wx3.2-i18n")  # appended to the computed ones
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
