# SPDX-License-Identifier: MIT
# Unit tests of the HVM domain builder: guest e820, bzImage and multiboot
# loaders (hv/domain/), guest ACPI tables (hv/hvm/acpi_build.c), the last
# also checked by Mica's own ACPI parser.
mica_unit_test(test_bzimage test_bzimage.c hv/domain/bzimage.c hv/domain/e820.c)
mica_unit_test(test_mbloader test_mbloader.c hv/domain/multiboot_loader.c
               hv/domain/e820.c)
mica_unit_test(test_guest_e820 test_guest_e820.c hv/domain/e820.c)
mica_unit_test(test_acpi_build test_acpi_build.c hv/hvm/acpi_build.c
               hv/x86/acpi.c)
