# One INTERFACE target carries the language standard, warnings and Qt strictness for every Mailpulse target.
add_library(mailpulse_options INTERFACE)
target_compile_features(mailpulse_options INTERFACE cxx_std_20)
target_compile_options(mailpulse_options INTERFACE
    -Wall -Wextra -Wpedantic -Wold-style-cast -Wnon-virtual-dtor
    $<$<BOOL:${MAILPULSE_WERROR}>:-Werror>)
target_compile_definitions(mailpulse_options INTERFACE
    QT_NO_CAST_FROM_ASCII QT_NO_CAST_TO_ASCII QT_NO_CONTEXTLESS_CONNECT QT_USE_QSTRINGBUILDER
    QT_NO_URL_CAST_FROM_STRING QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_DISABLE_DEPRECATED_UP_TO=0x060400)

# The heap allocator of the programs (mailpulse, mailpulse-cli and the benchmarks; not the test binaries nor the
# fuzz targets, which keep the system's or the sanitizers'): mimalloc, where it is installed. Bounce reading allocates
# and frees many small strings for every mail on several threads; mimalloc's thread-local free lists took about 5%
# off bench_classify's CPU time against glibc's arenas (median of 6 alternating runs each); the log import
# (bench_postfixlog) came out even, with 17 MB more peak RSS. Linked, not preloaded: its malloc and free then stand
# in for the C library's in the whole process, Qt and GMime included.
option(MAILPULSE_MIMALLOC "Link the programs with mimalloc (Debian libmimalloc-dev)" ON)
if(MAILPULSE_MIMALLOC)
    find_package(mimalloc 2.0 CONFIG)
    if(NOT mimalloc_FOUND)
        message(WARNING "mimalloc not found (scripts/install-deps.sh installs libmimalloc-dev): the programs use the "
            "C library's allocator")
    endif()
endif()
function(mailpulse_use_allocator target)
    if(MAILPULSE_MIMALLOC AND mimalloc_FOUND)
        target_link_libraries(${target} PRIVATE mimalloc)
    endif()
endfunction()
