# SPDX-License-Identifier: MIT
# Unit tests of the legacy PC timer and interrupt devices of HVM guests:
# 8259A PIC pair, 8254 PIT, MC146818 RTC/CMOS and the ACPI PM timer block.
foreach(t vpic vpit vrtc vpmtimer)
    if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/test_${t}.c)
        mica_unit_test(test_${t} test_${t}.c hv/hvm/${t}.c)
    endif()
endforeach()
