# SPDX-License-Identifier: MIT
# Unit tests of the x86 instruction decoder and emulator (hv/hvm/emulate/).
set(MICA_X86EMUL_SRCS
    hv/hvm/emulate/decode.c hv/hvm/emulate/operand.c hv/hvm/emulate/alu.c
    hv/hvm/emulate/bitop.c hv/hvm/emulate/string.c hv/hvm/emulate/emulate.c)
mica_unit_test(test_decode test_decode.c ${MICA_X86EMUL_SRCS})
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/test_emulate.c)
    mica_unit_test(test_emulate test_emulate.c ${MICA_X86EMUL_SRCS})
endif()
