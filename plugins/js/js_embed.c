/* The scripts the plugin carries inside itself: the polyfills (polyfills.js) and, unless the
 * build has no transpiler, buble's browser bundle (installed by `npm ci` from
 * package-lock.json into the build tree). The assembler's .incbin puts the files' bytes into
 * .rodata at build time, NUL-terminated, with their lengths; CMake passes the paths and makes
 * this file depend on them. Symbols are hidden: the plugin exports only lb_codec_entry. */
#include <stddef.h>

#define LB_JS_EMBED(sym, path)                                                                     \
    __asm__(".section .rodata\n"                                                                   \
            ".global " #sym "\n"                                                                   \
            ".hidden " #sym "\n"                                                                   \
            ".type " #sym ", @object\n"                                                            \
            ".balign 16\n" #sym ":\n"                                                              \
            ".incbin \"" path "\"\n"                                                               \
            ".L" #sym "_end:\n"                                                                    \
            ".byte 0\n"                                                                            \
            ".balign 8\n"                                                                          \
            ".global " #sym "_len\n"                                                               \
            ".hidden " #sym "_len\n"                                                               \
            ".type " #sym "_len, @object\n" #sym "_len:\n"                                         \
            ".quad .L" #sym "_end - " #sym "\n"                                                    \
            ".previous\n")

LB_JS_EMBED(lb_js_polyfills, LB_JS_POLYFILLS_PATH);
#ifndef LB_JS_NO_TRANSPILER
LB_JS_EMBED(lb_js_buble, LB_JS_BUBLE_PATH);
#endif
