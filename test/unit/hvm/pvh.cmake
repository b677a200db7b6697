# SPDX-License-Identifier: MIT
# Unit tests of the PVH domain builder: Xen ELF notes and ELF64 checks
# (hv/domain/xen_elfnote.c), placement and hvm_start_info
# (hv/domain/pvh_loader.c). One test also parses the real Debian vmlinux
# when scripts/linux/get-kernel.sh has put it in <build>/linux (or the
# source tree's build/linux, or $MICA_LINUX_DIR), and skips otherwise.
mica_unit_test(test_pvh_loader test_pvh_loader.c hv/domain/pvh_loader.c
               hv/domain/xen_elfnote.c hv/domain/e820.c)
target_compile_definitions(test_pvh_loader PRIVATE
    VMLINUX_PATH="${CMAKE_BINARY_DIR}/linux/vmlinux"
    VMLINUX_SRC_PATH="${CMAKE_SOURCE_DIR}/build/linux/vmlinux")
