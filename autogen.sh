#!/bin/sh
# Generate configure and Makefile.in. Needs autoconf, automake, libtool, pkg-config.
exec autoreconf -fi
