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
