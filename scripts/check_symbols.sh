#!/bin/sh
# SPDX-License-Identifier: MIT
# The final link must not move any text symbol relative to stage 1,
# otherwise the embedded symbol table would lie in backtraces.
set -e
a=$(nm -n "$1" | awk '$2 ~ /^[tT]$/' | md5sum)
b=$(nm -n "$2" | awk '$2 ~ /^[tT]$/' | md5sum)
if [ "$a" != "$b" ]; then
    echo "check_symbols: text symbols moved between link stages" >&2
    exit 1
fi
