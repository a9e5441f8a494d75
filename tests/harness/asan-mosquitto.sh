#!/usr/bin/env bash
# Sanitizer builds only (put first in PATH as `mosquitto`): Debian's mosquitto is not built
# with ASan, so it can load our ASan-built plugin only with the ASan runtime preloaded.
# mosquitto's own exit-time leaks are not ours to report.
exec env LD_PRELOAD="$LBT_ASAN_RUNTIME" ASAN_OPTIONS=detect_leaks=0 /usr/sbin/mosquitto "$@"
