#!/bin/sh
# Stand-in for the native schema engine, which cannot be downloaded here; `prisma generate` only needs the path to exist.
exit 1
