// SPDX-License-Identifier: MIT
// Guest: single and string port I/O (INS/OUTS with and without REP, DF=0/1,
// buffers across a page boundary) against the UART, CMOS and PCI config ports.
#include "guest.h"
#include "pc.h"

const char test_name[] = "portio";

#define UART_SCR 0x3ff
#define CMOS_NV 0x6c /* a battery-backed byte no device model uses */
#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc
#define PCI_CFG(off) (0x80000000U | (off)) /* bus 0, device 0, function 0 */
#define GUARD 0xee

/* Two pages, so buffers can straddle the 4 KiB boundary in the middle. */
static uint8_t area[2 * 4096] __aligned(4096);
static uint8_t *const page_end = area + 4096;

/* One REP OUTS of count elements of size bytes; returns the final (E)SI.
 * DF is set and cleared inside one asm statement: compiled code assumes
 * DF=0 everywhere else. */
static ureg_t rep_outs(unsigned int size, uint16_t port, const void *src, ureg_t count,
                       int down)
{
    ureg_t si = (ureg_t)src, cx = count;

#define OUTS(sfx)                                                                        \
    asm volatile("test %3, %3; jz 1f; std; 1: rep outs" sfx "; cld"                      \
                 : "+S"(si), "+c"(cx)                                                    \
                 : "d"(port), "r"(down)                                                  \
                 : "memory", "cc")
    if (size == 1)
        OUTS("b");
    else if (size == 2)
        OUTS("w");
    else
        OUTS("l");
#undef OUTS
    CHECK(cx == 0, "rep outs (size %u, DF=%d): ECX %lu after the loop", size, down, cx);
    return si;
}

/* One REP INS; returns the final (E)DI. */
static ureg_t rep_ins(unsigned int size, uint16_t port, void *dst, ureg_t count, int down)
{
    ureg_t di = (ureg_t)dst, cx = count;

#define INS(sfx)                                                                         \
    asm volatile("test %3, %3; jz 1f; std; 1: rep ins" sfx "; cld"                       \
                 : "+D"(di), "+c"(cx)                                                    \
                 : "d"(port), "r"(down)                                                  \
                 : "memory", "cc")
    if (size == 1)
        INS("b");
    else if (size == 2)
        INS("w");
    else
        INS("l");
#undef INS
    CHECK(cx == 0, "rep ins (size %u, DF=%d): ECX %lu after the loop", size, down, cx);
    return di;
}

static void check_ptr(const char *what, ureg_t got, const void *want)
{
    CHECK(got == (ureg_t)want, "%s: pointer register %#lx after, expected %p", what, got,
          want);
}

/* Every element of size bytes in [p, p + n*size) equals v, and the guard
 * bytes on either side are untouched. */
static void check_elems(const char *what, const uint8_t *p, size_t n, unsigned int size,
                        uint32_t v)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t got = 0;

        memcpy(&got, p + i * size, size);
        CHECK(got == v, "%s: element %zu is %#x, expected %#x", what, i, got, v);
    }
    CHECK(p[-1] == GUARD && p[n * size] == GUARD,
          "%s: wrote outside the buffer (guards %#x %#x)", what, p[-1], p[n * size]);
}

static void test_single(void)
{
    outb(UART_SCR, 0x5a);
    CHECK_EQ("inb UART scratch after outb 0x5a", inb(UART_SCR), 0x5a);
    outb(UART_SCR, 0xa5);
    CHECK_EQ("inb UART scratch after outb 0xa5", inb(UART_SCR), 0xa5);
    cmos_write(CMOS_NV, 0x3c);
    CHECK_EQ("CMOS NVRAM byte read back", cmos_read(CMOS_NV), 0x3c);
    outl(PCI_ADDR, PCI_CFG(0x08));
    CHECK_EQ("inl 0xcf8 after outl", inl(PCI_ADDR), PCI_CFG(0x08));
}

static void test_outs(const uint8_t *buf, const char *where)
{
    ureg_t si;

    si = rep_outs(1, UART_SCR, buf, 7, 0);
    check_ptr("rep outsb", si, buf + 7);
    CHECK(inb(UART_SCR) == buf[6], "rep outsb %s: scratch %#x, expected last byte %#x",
          where, inb(UART_SCR), buf[6]);
    si = rep_outs(1, UART_SCR, buf + 6, 7, 1);
    check_ptr("rep outsb DF=1", si, buf - 1);
    CHECK(inb(UART_SCR) == buf[0], "rep outsb DF=1 %s: scratch %#x, expected %#x", where,
          inb(UART_SCR), buf[0]);
    si = (ureg_t)(buf + 2);
    asm volatile("outsb" : "+S"(si) : "d"((uint16_t)UART_SCR) : "memory");
    check_ptr("outsb", si, buf + 3);
    CHECK(inb(UART_SCR) == buf[2], "outsb %s: scratch %#x, expected %#x", where,
          inb(UART_SCR), buf[2]);
}

/* OUTSL to the PCI address port: the last dword written is latched. */
static void test_outsl_pci(uint8_t *buf, const char *where)
{
    uint32_t addrs[2] = {PCI_CFG(0x08), PCI_CFG(0x00)};
    ureg_t si;

    memcpy(buf, addrs, sizeof(addrs));
    si = rep_outs(4, PCI_ADDR, buf, 2, 0);
    check_ptr("rep outsl", si, buf + 8);
    CHECK(inl(PCI_ADDR) == addrs[1], "rep outsl to 0xcf8 %s: latched %#x, expected %#x",
          where, inl(PCI_ADDR), addrs[1]);
    si = rep_outs(4, PCI_ADDR, buf + 4, 2, 1);
    check_ptr("rep outsl DF=1", si, buf - 4);
    CHECK(inl(PCI_ADDR) == addrs[0], "rep outsl DF=1 %s: latched %#x, expected %#x",
          where, inl(PCI_ADDR), addrs[0]);
}

static void test_ins_cmos(uint8_t *buf, const char *where)
{
    char what[64];
    ureg_t di;

    cmos_write(CMOS_NV, 0xc3);
    outb(0x70, CMOS_NV);
    memset(buf - 1, GUARD, 7);
    di = rep_ins(1, 0x71, buf, 5, 0);
    check_ptr("rep insb", di, buf + 5);
    snprintf(what, sizeof(what), "rep insb from CMOS %s", where);
    check_elems(what, buf, 5, 1, 0xc3);
    memset(buf - 1, GUARD, 7);
    di = rep_ins(1, 0x71, buf + 4, 5, 1);
    check_ptr("rep insb DF=1", di, buf - 1);
    snprintf(what, sizeof(what), "rep insb DF=1 from CMOS %s", where);
    check_elems(what, buf, 5, 1, 0xc3);
    memset(buf - 1, GUARD, 7);
    di = rep_ins(1, 0x71, buf, 0, 0);
    check_ptr("rep insb with ECX=0", di, buf);
    CHECK(buf[0] == GUARD, "rep insb with ECX=0 wrote %#x", buf[0]);
}

/* Vendor/device of the host bridge, read as repeated dwords and words. */
static void test_ins_pci(uint8_t *buf, uint32_t id, const char *where)
{
    char what[64];
    ureg_t di;

    outl(PCI_ADDR, PCI_CFG(0x00));
    memset(buf - 1, GUARD, 4 * 4 + 2);
    di = rep_ins(4, PCI_DATA, buf, 4, 0);
    check_ptr("rep insl", di, buf + 16);
    snprintf(what, sizeof(what), "rep insl from 0xcfc %s", where);
    check_elems(what, buf, 4, 4, id);
    memset(buf - 1, GUARD, 4 * 4 + 2);
    di = rep_ins(4, PCI_DATA, buf + 12, 4, 1);
    check_ptr("rep insl DF=1", di, buf - 4);
    snprintf(what, sizeof(what), "rep insl DF=1 from 0xcfc %s", where);
    check_elems(what, buf, 4, 4, id);
    memset(buf - 1, GUARD, 3 * 2 + 2);
    di = rep_ins(2, PCI_DATA, buf, 3, 0);
    check_ptr("rep insw", di, buf + 6);
    snprintf(what, sizeof(what), "rep insw from 0xcfc (vendor) %s", where);
    check_elems(what, buf, 3, 2, id & 0xffff);
    memset(buf - 1, GUARD, 3 * 2 + 2);
    di = rep_ins(2, PCI_DATA + 2, buf + 4, 3, 1);
    check_ptr("rep insw DF=1", di, buf - 2);
    snprintf(what, sizeof(what), "rep insw DF=1 from 0xcfe (device) %s", where);
    check_elems(what, buf, 3, 2, id >> 16);
    di = (ureg_t)buf;
    asm volatile("insl" : "+D"(di) : "d"((uint16_t)PCI_DATA) : "memory");
    check_ptr("insl", di, buf + 4);
}

void test_main(void)
{
    static const uint8_t msg[8] = "ABCDEFG";
    uint32_t id;

    test_single();
    outl(PCI_ADDR, PCI_CFG(0x00));
    id = inl(PCI_DATA);
    CHECK((id & 0xffff) != 0xffff, "no host bridge at 00:00.0 (id %#x)", id);
    CHECK_EQ("inw 0xcfc (vendor)", inw(PCI_DATA), id & 0xffff);
    CHECK_EQ("inw 0xcfe (device)", inw(PCI_DATA + 2), id >> 16);
    info("host bridge %04x:%04x", id & 0xffff, id >> 16);

    memset(area, GUARD, sizeof(area));
    memcpy(area + 64, msg, sizeof(msg));
    test_outs(area + 64, "within a page");
    memcpy(page_end - 3, msg, sizeof(msg));
    test_outs(page_end - 3, "across a page boundary");
    test_outsl_pci(area + 128, "within a page");
    test_outsl_pci(page_end - 6, "across a page boundary");
    outl(PCI_ADDR, PCI_CFG(0x00));

    test_ins_cmos(area + 256, "within a page");
    test_ins_cmos(page_end - 2, "across a page boundary");
    test_ins_pci(area + 512, id, "within a page");
    test_ins_pci(page_end - 6, id, "across a page boundary");
}
