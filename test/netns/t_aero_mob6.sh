#!/bin/sh
# SPDX-License-Identifier: MIT
# AERO mobility over IPv6 underlays: t_aero_mob.sh with AERO_MOB_FAMILY=6 (the
# new address goes through DAD before a can use it, so the gap is longer).
AERO_MOB_FAMILY=6 exec sh "$(dirname "$0")/t_aero_mob.sh" "$@"
