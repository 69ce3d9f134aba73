#!/bin/sh
exec "$(dirname "$0")/qemu-cxx.sh" aarch64-dotprod "$@"
