# SPDX-License-Identifier: MIT
# Unit tests of the virtual local APIC and the virtual IOAPIC.
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/test_vlapic.c)
    mica_unit_test(test_vlapic test_vlapic.c
                   hv/hvm/vlapic.c hv/hvm/vlapic_timer.c)
endif()
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/test_vioapic.c)
    mica_unit_test(test_vioapic test_vioapic.c hv/hvm/vioapic.c)
endif()
