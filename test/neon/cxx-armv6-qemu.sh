#!/bin/sh
exec "$(dirname "$0")/qemu-cxx.sh" armv6 "$@"
