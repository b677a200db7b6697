/* SPDX-License-Identifier: MIT */
/* Forced into every hypervisor object (-include): all symbols are hidden,
 * so -fpie code reaches them RIP-relative instead of through a GOT, which
 * the fixed link at 0xffff82d0... (outside +-2 GiB of 0) could not relax. */
#pragma GCC visibility push(hidden)
