# SPDX-License-Identifier: MIT
# Unit tests of the legacy PC devices of HVM guests: 16550A UART, i8042
# keyboard controller (plus port 0x92) and PCI configuration mechanism #1.
foreach(t vuart vi8042 vpci)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/test_${t}.c)
        mica_unit_test(test_${t} test_${t}.c hv/hvm/${t}.c)
    endif()
endforeach()
