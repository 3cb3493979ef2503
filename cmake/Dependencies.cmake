# Locate the Debian 12 packages lnnbench builds on; fail naming the package.

function(lnb_require var what pkg)
  if(NOT ${var})
    message(FATAL_ERROR
      "lnnbench: ${what} not found. Install the Debian package '${pkg}' "
      "(apt-get install ${pkg}).")
  endif()
endfunction()

# BLIS: Debian puts blis.h/cblas.h in a multiarch folder named after the
# threading flavour (blis-openmp, blis-pthread, blis-serial) and ships no
# pkg-config file.
find_path(LNB_BLIS_INCLUDE_DIR NAMES blis.h
  PATH_SUFFIXES blis blis-openmp blis-pthread blis-serial
  ${CMAKE_LIBRARY_ARCHITECTURE}/blis-openmp
  ${CMAKE_LIBRARY_ARCHITECTURE}/blis-pthread
  ${CMAKE_LIBRARY_ARCHITECTURE}/blis-serial)
find_library(LNB_BLIS_LIBRARY NAMES blis blis-mt
  PATH_SUFFIXES blis-openmp blis-pthread blis-serial)
lnb_require(LNB_BLIS_INCLUDE_DIR "BLIS header blis.h" libblis-dev)
lnb_require(LNB_BLIS_LIBRARY "BLIS library" libblis-dev)
if(NOT EXISTS "${LNB_BLIS_INCLUDE_DIR}/cblas.h")
  message(FATAL_ERROR "lnnbench: cblas.h not found beside ${LNB_BLIS_INCLUDE_DIR}/blis.h; "
    "install the Debian package 'libblis-dev'.")
endif()

# LAPACKE: pkg-config's lapacke.pc is broken on Debian 12; link directly.
find_path(LNB_LAPACKE_INCLUDE_DIR NAMES lapacke.h)
find_library(LNB_LAPACKE_LIBRARY NAMES lapacke)
find_library(LNB_LAPACK_LIBRARY NAMES lapack)
lnb_require(LNB_LAPACKE_INCLUDE_DIR "LAPACKE header lapacke.h" liblapacke-dev)
lnb_require(LNB_LAPACKE_LIBRARY "LAPACKE library" liblapacke-dev)
lnb_require(LNB_LAPACK_LIBRARY "LAPACK library" liblapack-dev)

find_path(LNB_YAML_INCLUDE_DIR NAMES yaml.h)
find_library(LNB_YAML_LIBRARY NAMES yaml)
lnb_require(LNB_YAML_INCLUDE_DIR "libyaml header yaml.h" libyaml-dev)
lnb_require(LNB_YAML_LIBRARY "libyaml library" libyaml-dev)

# zlib: the gzip-compressed IDX files of host->read_idx (Fashion-MNIST).
find_path(LNB_ZLIB_INCLUDE_DIR NAMES zlib.h)
find_library(LNB_ZLIB_LIBRARY NAMES z)
lnb_require(LNB_ZLIB_INCLUDE_DIR "zlib header zlib.h" zlib1g-dev)
lnb_require(LNB_ZLIB_LIBRARY "zlib library" zlib1g-dev)
add_library(lnb_zlib INTERFACE)
target_include_directories(lnb_zlib SYSTEM INTERFACE ${LNB_ZLIB_INCLUDE_DIR})
target_link_libraries(lnb_zlib INTERFACE ${LNB_ZLIB_LIBRARY})

find_library(LNB_M_LIBRARY m)
find_package(Threads REQUIRED)

add_library(lnb_blas INTERFACE)
target_include_directories(lnb_blas SYSTEM INTERFACE ${LNB_BLIS_INCLUDE_DIR} ${LNB_LAPACKE_INCLUDE_DIR})
target_link_libraries(lnb_blas INTERFACE ${LNB_LAPACKE_LIBRARY} ${LNB_LAPACK_LIBRARY}
  ${LNB_BLIS_LIBRARY} ${LNB_M_LIBRARY} Threads::Threads)

add_library(lnb_yaml INTERFACE)
target_include_directories(lnb_yaml SYSTEM INTERFACE ${LNB_YAML_INCLUDE_DIR})
target_link_libraries(lnb_yaml INTERFACE ${LNB_YAML_LIBRARY})

if(LNB_BUILD_TESTS)
  find_path(LNB_CMOCKA_INCLUDE_DIR NAMES cmocka.h)
  find_library(LNB_CMOCKA_LIBRARY NAMES cmocka)
  lnb_require(LNB_CMOCKA_INCLUDE_DIR "cmocka header cmocka.h" libcmocka-dev)
  lnb_require(LNB_CMOCKA_LIBRARY "cmocka library" libcmocka-dev)
endif()

# The BLIS flavour's folder is the one run-time search path lnnbench needs, in
# the build tree and installed alike. Set here as the install RPATH used at
# build time too: CMake's own build RPATH ends in an empty entry (padding for
# the install-time rewrite), which the dynamic loader reads as the current
# directory — a library planted there would be loaded.
get_filename_component(LNB_BLIS_LIBRARY_DIR "${LNB_BLIS_LIBRARY}" DIRECTORY)
set(CMAKE_BUILD_WITH_INSTALL_RPATH ON)
set(CMAKE_INSTALL_RPATH "${LNB_BLIS_LIBRARY_DIR}")
